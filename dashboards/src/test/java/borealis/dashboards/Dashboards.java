package borealis.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The dashboards shipped in dashboards/grafana/dashboards, and every query in their panels. */
final class Dashboards {

    record Query(String dashboard, String panel, String expr) {}

    static final Path DIR = Path.of("grafana", "dashboards");

    private Dashboards() {}

    static List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    static JsonNode read(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }

    static List<Query> queries() throws IOException {
        List<Query> out = new ArrayList<>();
        for (Path f : files()) {
            JsonNode d = read(f);
            for (JsonNode p : d.path("panels")) {
                for (JsonNode t : p.path("targets")) {
                    out.add(new Query(d.path("title").asText(), p.path("title").asText(), t.path("expr").asText()));
                }
            }
        }
        return out;
    }
}
