package borealis.actors.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.stream.Stream;

/** A benchmark's scratch directory: the node's log is kept in actors/target, the rest removed. */
final class BenchDirs {

    private BenchDirs() {}

    static void keepNodeLogAndDelete(Path dir, String keptName) throws IOException {
        Path log = dir.resolve("data-node.log");
        if (Files.exists(log)) {
            Path kept = Path.of("actors", "target", keptName);
            Files.createDirectories(kept.getParent());
            Files.copy(log, kept, StandardCopyOption.REPLACE_EXISTING);
            System.out.println("node log kept in " + kept.toAbsolutePath());
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
