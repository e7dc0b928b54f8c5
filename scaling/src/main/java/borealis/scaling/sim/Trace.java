package borealis.scaling.sim;

import borealis.scaling.ScalingConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A load trace: one row per second of what the workload would use if nothing held it back.
 *
 * <pre>
 *  # minAcu=0 maxAcu=16 secondsUntilAutoPause=300     (the cluster's configuration)
 *  second,cpu,working_set_mib,sessions
 *  0,0.05,64,2                                       (CPU in cores; sessions open)
 * </pre>
 */
public record Trace(String name, ScalingConfig config, List<Row> rows) {

    /** The shipped traces, in {@code src/main/resources/traces}. */
    public static final List<String> SHIPPED = List.of("step-up", "step-down", "diurnal", "spiky", "idle-then-burst");

    /** One second of load. */
    public record Row(int second, double cpu, long workingSetBytes, int sessions) {}

    public static Trace shipped(String name) {
        InputStream in = Trace.class.getResourceAsStream("/traces/" + name + ".csv");
        if (in == null) {
            throw new IllegalArgumentException("no shipped trace named " + name + "; shipped: " + SHIPPED);
        }
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return parse(name, r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Trace parse(String name, Reader source) throws IOException {
        BufferedReader r = new BufferedReader(source);
        Map<String, String> header = new HashMap<>();
        List<Row> rows = new ArrayList<>();
        String line;
        int lineNo = 0;
        while ((line = r.readLine()) != null) {
            lineNo++;
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                for (String kv : line.substring(1).trim().split("\\s+")) {
                    int eq = kv.indexOf('=');
                    if (eq > 0) {
                        header.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                }
                continue;
            }
            if (line.startsWith("second")) {
                continue;
            }
            String[] f = line.split(",");
            if (f.length != 4) {
                throw new IOException(name + ":" + lineNo + ": expected second,cpu,working_set_mib,sessions, got \"" + line + "\"");
            }
            try {
                rows.add(new Row(Integer.parseInt(f[0]), Double.parseDouble(f[1]), (long) (Double.parseDouble(f[2]) * (1 << 20)),
                        Integer.parseInt(f[3])));
            } catch (NumberFormatException e) {
                throw new IOException(name + ":" + lineNo + ": " + e.getMessage(), e);
            }
        }
        ScalingConfig config = new ScalingConfig(Double.parseDouble(header.getOrDefault("minAcu", "0")),
                Double.parseDouble(header.getOrDefault("maxAcu", "16")),
                Integer.parseInt(header.getOrDefault("secondsUntilAutoPause", "300")));
        return new Trace(name, config, rows);
    }
}
