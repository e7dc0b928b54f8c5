package borealis.ecosystem;

import borealis.actors.testkit.AdminClient;
import borealis.actors.testkit.InProcessNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One embedded Borealis node (every role in the test's JVM, on free ports). Each flow gets a cluster of
 * its own in one tenant, addressed as database {@code eco.<cluster>}, with its master user.
 */
final class BorealisTarget implements Target {

    static final String TENANT = "eco";
    static final String USER = "app";
    static final String PASSWORD = "eco-pass-1";

    private final Path dir;
    private final InProcessNode node;
    private final AdminClient admin;
    private final AtomicInteger seq = new AtomicInteger();

    private BorealisTarget(Path dir, InProcessNode node) {
        this.dir = dir;
        this.node = node;
        this.admin = node.admin();
    }

    static BorealisTarget start() throws Exception {
        Path dir = Files.createTempDirectory("borealis-eco-node");
        InProcessNode node = InProcessNode.start(dir.resolve("data"), Map.of());
        try {
            node.admin().call("POST", "/v1/tenants", Map.of("name", TENANT, "maxClusters", 10000)).ok();
            return new BorealisTarget(dir, node);
        } catch (Exception e) {
            node.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "borealis";
    }

    @Override
    public String describe() {
        return "Borealis (embedded node)";
    }

    int port() {
        return node.pgPort();
    }

    @Override
    public Db create(String flowId) throws Exception {
        String cluster = "f" + seq.incrementAndGet() + "-" + flowId.toLowerCase().replaceAll("[^a-z0-9]+", "-");
        if (cluster.length() > 48) {
            cluster = cluster.substring(0, 48);
        }
        cluster = cluster.replaceAll("-+$", "");
        admin.call("POST", "/v1/clusters", Map.of("tenant", TENANT, "name", cluster,
                "masterUsername", USER, "masterPassword", PASSWORD)).ok();
        return new Db(name(), "127.0.0.1", node.pgPort(), TENANT + "." + cluster, USER, PASSWORD);
    }

    @Override
    public void drop(Db db) {
        String cluster = db.database().substring(TENANT.length() + 1);
        try {
            AdminClient.Response r = admin.call("DELETE", "/v1/clusters/" + TENANT + "/" + cluster + "?force=true", null);
            if (r.status() >= 300) {
                System.err.println("could not delete cluster " + cluster + ": " + r.status() + " " + r.body());
            }
        } catch (Exception e) {
            System.err.println("could not delete cluster " + cluster + ": " + e);
        }
    }

    @Override
    public void close() throws IOException {
        node.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
