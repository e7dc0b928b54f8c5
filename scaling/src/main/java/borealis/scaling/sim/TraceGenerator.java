package borealis.scaling.sim;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * Writes the shipped traces (deterministic: fixed seeds), so they can be regenerated and read:
 * {@code java -cp scaling/target/classes borealis.scaling.sim.TraceGenerator scaling/src/main/resources/traces}.
 */
public final class TraceGenerator {

    private TraceGenerator() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "scaling/src/main/resources/traces");
        Files.createDirectories(dir);
        stepUp(dir.resolve("step-up.csv"));
        stepDown(dir.resolve("step-down.csv"));
        diurnal(dir.resolve("diurnal.csv"));
        spiky(dir.resolve("spiky.csv"));
        idleThenBurst(dir.resolve("idle-then-burst.csv"));
    }

    private interface RowWriter {
        void row(int second, double cpu, double workingSetMib, int sessions);
    }

    private static PrintWriter open(Path file, String description, String config) throws IOException {
        PrintWriter w = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
        w.println("# " + description);
        w.println("# " + config);
        w.println("second,cpu,working_set_mib,sessions");
        return w;
    }

    private static RowWriter rows(PrintWriter w) {
        return (s, cpu, ws, sessions) -> w.println(String.format(Locale.ROOT, "%d,%.3f,%.0f,%d", s, Math.max(0, cpu), ws, sessions));
    }

    /** Light load, then a sudden step to 1.5 cores and 16 sessions for 20 minutes, then back. */
    static void stepUp(Path file) throws IOException {
        Random r = new Random(1);
        try (PrintWriter w = open(file, "step up: 0.05 cores, then 1.5 cores and 16 sessions at 300 s, back at 1500 s",
                "minAcu=0.5 maxAcu=16 secondsUntilAutoPause=300")) {
            RowWriter out = rows(w);
            for (int s = 0; s < 1800; s++) {
                boolean high = s >= 300 && s < 1500;
                out.row(s, (high ? 1.5 : 0.05) * (0.9 + 0.2 * r.nextDouble()), 96, high ? 16 : 1);
            }
        }
    }

    /** Heavy load for 10 minutes, then a sudden drop to almost nothing. */
    static void stepDown(Path file) throws IOException {
        Random r = new Random(2);
        try (PrintWriter w = open(file, "step down: 2 cores for 600 s, then 0.1 cores", "minAcu=0.5 maxAcu=16 secondsUntilAutoPause=300")) {
            RowWriter out = rows(w);
            for (int s = 0; s < 1800; s++) {
                boolean high = s < 600;
                out.row(s, (high ? 2.0 : 0.1) * (0.9 + 0.2 * r.nextDouble()), high ? 256 : 128, high ? 24 : 2);
            }
        }
    }

    /** A day compressed into two hours: load and working set follow a sine, with noise. */
    static void diurnal(Path file) throws IOException {
        Random r = new Random(3);
        try (PrintWriter w = open(file, "diurnal: a day in 7200 s, 0.05 to 1.8 cores, working set 64 to 320 MiB",
                "minAcu=0 maxAcu=16 secondsUntilAutoPause=300")) {
            RowWriter out = rows(w);
            for (int s = 0; s < 7200; s++) {
                double phase = (1 - Math.cos(2 * Math.PI * s / 7200.0)) / 2;
                double cpu = 0.05 + 1.75 * phase;
                out.row(s, cpu * (0.85 + 0.3 * r.nextDouble()), 64 + 256 * phase, 2 + (int) Math.round(18 * phase));
            }
        }
    }

    /** Steady light load with short random spikes of 1.5 to 3 cores. */
    static void spiky(Path file) throws IOException {
        Random r = new Random(4);
        try (PrintWriter w = open(file, "spiky: 0.2 cores with spikes of 1.5-3 cores lasting 5-30 s every 60-180 s",
                "minAcu=0.5 maxAcu=16 secondsUntilAutoPause=300")) {
            RowWriter out = rows(w);
            int nextSpike = 60 + r.nextInt(120);
            int spikeEnd = -1;
            double spike = 0;
            for (int s = 0; s < 3600; s++) {
                if (s == nextSpike) {
                    spike = 1.5 + 1.5 * r.nextDouble();
                    spikeEnd = s + 5 + r.nextInt(26);
                    nextSpike = spikeEnd + 60 + r.nextInt(120);
                }
                boolean inSpike = s < spikeEnd;
                out.row(s, (inSpike ? spike : 0.2) * (0.9 + 0.2 * r.nextDouble()), 128, inSpike ? 16 : 4);
            }
        }
    }

    /** Nobody connected for 15 minutes, a 5-minute burst, idle again, another burst. */
    static void idleThenBurst(Path file) throws IOException {
        Random r = new Random(5);
        try (PrintWriter w = open(file, "idle then burst: idle 900 s, 1 core for 300 s, idle 900 s, 1 core for 300 s",
                "minAcu=0 maxAcu=8 secondsUntilAutoPause=300")) {
            RowWriter out = rows(w);
            for (int s = 0; s < 2400; s++) {
                boolean burst = (s >= 900 && s < 1200) || (s >= 2100);
                out.row(s, burst ? 1.0 * (0.9 + 0.2 * r.nextDouble()) : 0, burst ? 96 : 0, burst ? 8 : 0);
            }
        }
    }
}
