package borealis.dashboards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import borealis.actors.testkit.NodeProcess;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operators' view, for real: a Prometheus server (Debian's package) scrapes a node under load, and
 * every dashboard query, with its variables filled in as Grafana would, must return data through
 * Prometheus' HTTP API.
 */
class PrometheusEndToEndIT {

    private static final String PROMETHEUS = "/usr/bin/prometheus";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void everyDashboardQueryReturnsData() throws Exception {
        assumeTrue(new File(PROMETHEUS).canExecute(),
                "Prometheus is not installed (Debian package prometheus) and could not be installed here; skipping");
        try (LoadedNode node = new LoadedNode(tmp.resolve("data"))) {
            int port = NodeProcess.freePort();
            Path config = tmp.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    scrape_configs:
                      - job_name: borealis
                        static_configs:
                          - targets: ["127.0.0.1:%d"]
                    """.formatted(node.adminPort()));
            Process prometheus = new ProcessBuilder(PROMETHEUS, "--config.file=" + config, "--storage.tsdb.path=" + tmp.resolve("tsdb"),
                    "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
            try {
                awaitSamples(port);
                List<String> empty = new ArrayList<>();
                for (Dashboards.Query q : Dashboards.queries()) {
                    String expr = fill(q.expr());
                    JsonNode r = query(port, expr);
                    if (!r.path("status").asText().equals("success")) {
                        empty.add(q.dashboard() + " / " + q.panel() + ": error " + r.path("error").asText() + " in " + expr);
                    } else if (r.path("data").path("result").isEmpty()) {
                        empty.add(q.dashboard() + " / " + q.panel() + ": no data for " + expr);
                    }
                }
                assertEquals(List.of(), empty, "dashboard queries without data");
            } finally {
                prometheus.destroy();
                prometheus.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    /** Grafana's variables as Grafana would fill them for this node's tenant and cluster. */
    private static String fill(String expr) {
        return expr.replace("$__rate_interval", "10s").replace("$__interval", "5s").replace("$__range", "1m")
                .replace("$tenant", LoadedNode.TENANT).replace("$cluster", LoadedNode.CLUSTER);
    }

    /** Waits until Prometheus holds enough scrapes for rate() over the filled interval. */
    private static void awaitSamples(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            try {
                JsonNode r = query(port, "count_over_time(borealis_volume_lsn[1m])");
                JsonNode result = r.path("data").path("result");
                if (!result.isEmpty() && result.get(0).path("value").get(1).asDouble() >= 12) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("Prometheus did not collect enough samples within 90 s");
    }

    private static JsonNode query(int port, String expr) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + port + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }
}
