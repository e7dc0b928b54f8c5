package borealis.actors.testkit;

import borealis.actors.node.BorealisNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.Map;

/** A node in the test's own JVM, on free ports, with every message serialized as if it crossed nodes. */
public final class InProcessNode implements AutoCloseable {

    private final BorealisNode node;

    private InProcessNode(BorealisNode node) {
        this.node = node;
    }

    public static InProcessNode start(Path dataDir, Map<String, Object> extra) throws Exception {
        Map<String, Object> overrides = new java.util.HashMap<>();
        overrides.put("borealis.data-dir", dataDir.toString());
        overrides.put("borealis.node.pg-port", 0);
        overrides.put("borealis.node.admin-port", 0);
        overrides.put("borealis.admin.token", "test-token");
        overrides.put("pekko.actor.serialize-messages", "on");
        overrides.putAll(extra);
        Config cfg = ConfigFactory.load(ConfigFactory.parseMap(overrides));
        return new InProcessNode(BorealisNode.start(cfg));
    }

    public static InProcessNode start(Path dataDir) throws Exception {
        return start(dataDir, Map.of());
    }

    public BorealisNode node() {
        return node;
    }

    public AdminClient admin() {
        return new AdminClient("http://127.0.0.1:" + node.adminPort(), "test-token");
    }

    public int pgPort() {
        return node.pgPort();
    }

    public String jdbcUrl(String tenant, String cluster) {
        return "jdbc:postgresql://127.0.0.1:" + node.pgPort() + "/" + tenant + "." + cluster + "?sslmode=disable";
    }

    @Override
    public void close() {
        node.close();
    }
}
