package borealis.persistence.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Whole directory trees: restore staging, local image copies, scratch space. */
public final class Trees {

    private Trees() {}

    /**
     * Deletes {@code root} and everything under it, deepest first; nothing if it does not exist.
     * Entries that vanish meanwhile (a concurrent sweep) are not an error.
     */
    public static void delete(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> all;
        try (Stream<Path> s = Files.walk(root)) {
            all = s.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : all) {
            Files.deleteIfExists(p);
        }
    }
}
