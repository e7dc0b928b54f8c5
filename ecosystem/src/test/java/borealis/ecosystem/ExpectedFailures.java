package borealis.ecosystem;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code expected-failures.txt}: the flows known to fail on Borealis, one a line as
 * {@code flow.id  category: reason}; blank lines and lines starting with {@code #} are ignored.
 */
record ExpectedFailures(Map<String, String> reasons) {

    static ExpectedFailures load(Path file) throws Exception {
        Map<String, String> m = new LinkedHashMap<>();
        if (Files.exists(file)) {
            int n = 0;
            for (String line : Files.readAllLines(file)) {
                n++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                String[] parts = t.split("\\s+", 2);
                if (parts.length < 2 || parts[1].isBlank()) {
                    throw new IllegalArgumentException(file + ":" + n + ": every entry needs a reason: " + line);
                }
                if (m.put(parts[0], parts[1].strip()) != null) {
                    throw new IllegalArgumentException(file + ":" + n + ": " + parts[0] + " is listed twice");
                }
            }
        }
        return new ExpectedFailures(m);
    }

    boolean contains(String id) {
        return reasons.containsKey(id);
    }
}
