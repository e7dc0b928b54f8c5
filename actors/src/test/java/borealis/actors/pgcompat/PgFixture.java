package borealis.actors.pgcompat;

import borealis.actors.testkit.InProcessNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * One Borealis node in the test's JVM with one tenant cluster, for the compatibility tests that
 * drive real clients (pgjdbc, psql, pgbench, psycopg2) at it. One per test class.
 */
final class PgFixture implements AutoCloseable {

    static final String USER = "app";
    static final String PASSWORD = "compat-pass-1";

    private final Path dir;
    private final InProcessNode node;
    final String tenant;
    final String cluster;

    private PgFixture(Path dir, InProcessNode node, String tenant, String cluster) {
        this.dir = dir;
        this.node = node;
        this.tenant = tenant;
        this.cluster = cluster;
    }

    static PgFixture start(String cluster) throws Exception {
        return start(cluster, java.util.Map.of());
    }

    /** With extra node configuration (e.g. TLS); {@code dir} placeholders in values are not expanded. */
    static PgFixture start(String cluster, java.util.Map<String, Object> config) throws Exception {
        Path dir = Files.createTempDirectory("borealis-pgcompat");
        InProcessNode node = InProcessNode.start(dir.resolve("data"), config);
        try {
            node.admin().createTenant("compat");
            node.admin().createCluster("compat", cluster, USER, PASSWORD);
            return new PgFixture(dir, node, "compat", cluster);
        } catch (Exception e) {
            node.close();
            throw e;
        }
    }

    int port() {
        return node.pgPort();
    }

    String database() {
        return tenant + "." + cluster;
    }

    String url() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database() + "?sslmode=disable";
    }

    /** A libpq connection string (psql, pgbench, psycopg2). */
    String conninfo() {
        return "host=127.0.0.1 port=" + port() + " dbname=" + database() + " user=" + USER + " sslmode=disable";
    }

    Connection connect() throws SQLException {
        return connect(new Properties());
    }

    Connection connect(Properties extra) throws SQLException {
        Properties p = new Properties();
        p.putAll(extra);
        p.setProperty("user", USER);
        p.setProperty("password", PASSWORD);
        return DriverManager.getConnection(url(), p);
    }

    InProcessNode node() {
        return node;
    }

    @Override
    public void close() throws IOException {
        node.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
