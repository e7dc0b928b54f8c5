package borealis.actors.pgcompat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The local PostgreSQL 15 server of the build machines, started with the shared
 * {@code local-postgres} tool in a fresh directory: the reference for differential tests.
 */
final class LocalPostgres implements AutoCloseable {

    static final String USER = "ref";
    static final String PASSWORD = "ref-pass";

    private final Path tool;
    private final Path dir;
    final int port;

    private LocalPostgres(Path tool, Path dir, int port) {
        this.tool = tool;
        this.dir = dir;
        this.port = port;
    }

    /** The tool, found as ../shared/tools/local-postgres from the repository, or null. */
    static Path tool() {
        Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (int i = 0; i < 4 && p != null; i++, p = p.getParent()) {
            Path candidate = p.resolve("shared/tools/local-postgres");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
            candidate = p.resolve("../shared/tools/local-postgres").normalize();
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    static LocalPostgres start() throws Exception {
        Path tool = tool();
        if (tool == null) {
            return null;
        }
        Path dir = Files.createTempDirectory("borealis-refpg");
        int port = borealis.actors.testkit.NodeProcess.freePort();
        Processes.Result r = Processes.run(List.of(tool.toString(), "start", dir.toString(), String.valueOf(port), USER, PASSWORD),
                Map.of(), null, 120);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("local-postgres did not start:\n" + r.output());
        }
        return new LocalPostgres(tool, dir, port);
    }

    String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?sslmode=disable";
    }

    @Override
    public void close() throws Exception {
        Processes.run(List.of(tool.toString(), "stop", dir.toString()), Map.of(), null, 60);
        Processes.run(List.of("rm", "-rf", dir.toString()), Map.of(), null, 60);
    }
}
