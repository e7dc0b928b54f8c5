package borealis.actors.pgcompat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs client programs (psql, pgbench, python3) with a time limit and captures their output. */
final class Processes {

    record Result(int exitCode, String output) {}

    private Processes() {}

    static boolean available(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    static Result run(List<String> command, Map<String, String> env, String stdin, long timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Path out = Files.createTempFile("borealis-client", ".out");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            String text = Files.readString(out);
            Files.deleteIfExists(out);
            throw new AssertionError(command.get(0) + " did not finish within " + timeoutSeconds + " s:\n" + text);
        }
        String text = Files.readString(out);
        Files.deleteIfExists(out);
        return new Result(p.exitValue(), text);
    }
}
