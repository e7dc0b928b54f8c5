package borealis.ecosystem;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A throw-away PostgreSQL 15 started with the shared {@code local-postgres} tool. Each flow gets a
 * database of its own, owned by a plain login role (no superuser), as an application would have.
 */
final class PostgresTarget implements Target {

    static final String ADMIN = "ref";
    static final String ADMIN_PASSWORD = "ref-pass";
    static final String USER = "app";
    static final String PASSWORD = "eco-pass-1";

    private final Path tool;
    private final Path dir;
    private final int port;
    private final Connection admin;
    private final String version;
    private final AtomicInteger seq = new AtomicInteger();

    private PostgresTarget(Path tool, Path dir, int port, Connection admin, String version) {
        this.tool = tool;
        this.dir = dir;
        this.port = port;
        this.admin = admin;
        this.version = version;
    }

    /** The tool, found as shared/tools/local-postgres beside (or above) the working directory. */
    static Path tool() {
        Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (int i = 0; i < 5 && p != null; i++, p = p.getParent()) {
            for (String rel : List.of("shared/tools/local-postgres", "../shared/tools/local-postgres")) {
                Path candidate = p.resolve(rel).normalize();
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    static PostgresTarget start(Path workDir) throws Exception {
        Path tool = tool();
        if (tool == null) {
            throw new IllegalStateException("no shared/tools/local-postgres found above " + System.getProperty("user.dir"));
        }
        Path dir = Files.createTempDirectory("borealis-eco-pg");
        dir.toFile().setReadable(true, false);
        dir.toFile().setExecutable(true, false);
        int port = borealis.actors.testkit.NodeProcess.freePort();
        Processes.Result r = Processes.run(List.of(tool.toString(), "start", dir.toString(), String.valueOf(port), ADMIN, ADMIN_PASSWORD),
                Map.of(), 180);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("local-postgres did not start:\n" + r.output());
        }
        Connection admin = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres?sslmode=disable", ADMIN, ADMIN_PASSWORD);
        String version;
        try (Statement s = admin.createStatement()) {
            s.execute("create role " + USER + " login password '" + PASSWORD + "'");
            try (ResultSet rs = s.executeQuery("show server_version")) {
                rs.next();
                version = rs.getString(1);
            }
        }
        return new PostgresTarget(tool, dir, port, admin, version);
    }

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public String describe() {
        return "PostgreSQL " + version;
    }

    int port() {
        return port;
    }

    @Override
    public synchronized Db create(String flowId) throws Exception {
        String name = "f" + seq.incrementAndGet() + "_" + flowId.toLowerCase().replaceAll("[^a-z0-9]+", "_");
        if (name.length() > 60) {
            name = name.substring(0, 60);
        }
        try (Statement s = admin.createStatement()) {
            s.execute("create database \"" + name + "\" owner " + USER);
        }
        return new Db(name(), "127.0.0.1", port, name, USER, PASSWORD);
    }

    @Override
    public synchronized void drop(Db db) {
        try (Statement s = admin.createStatement()) {
            s.execute("drop database if exists \"" + db.database() + "\" with (force)");
        } catch (Exception e) {
            System.err.println("could not drop " + db.database() + ": " + e);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            admin.close();
        } finally {
            Processes.run(List.of(tool.toString(), "stop", dir.toString()), Map.of(), 60);
            Processes.run(List.of("rm", "-rf", dir.toString()), Map.of(), 60);
        }
    }
}
