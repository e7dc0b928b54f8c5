package borealis.ecosystem;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a helper program with a time limit and captures its output. */
final class Processes {

    record Result(int exitCode, String output) {}

    private Processes() {}

    static Result run(List<String> command, Map<String, String> env, long timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Path out = Files.createTempFile("borealis-eco", ".out");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(command + " did not finish within " + timeoutSeconds + " s:\n" + Files.readString(out));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
