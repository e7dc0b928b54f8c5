package borealis.actors.testkit;

import borealis.actors.cli.BorealisCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * Runs the {@code borealis} CLI in this JVM and captures what it prints. A node running in the
 * same JVM logs to the console too: its lines (they start with a time of day) are not the CLI's.
 */
public final class CliRun {

    public record Result(int exit, String out, String err) {}

    private CliRun() {}

    public static synchronized Result run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int exit = new CommandLine(new BorealisCli()).execute(args);
            return new Result(exit, withoutLogLines(o), withoutLogLines(e));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static String withoutLogLines(ByteArrayOutputStream captured) {
        StringBuilder b = new StringBuilder();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n", -1)) {
            if (!line.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*")) {
                b.append(line).append('\n');
            }
        }
        return b.toString();
    }
}
