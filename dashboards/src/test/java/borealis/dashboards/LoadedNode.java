package borealis.dashboards;

import borealis.actors.testkit.InProcessNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;

/** A node with a tenant, a cluster, a writer doing work and a reader instance following it, so every family has samples. */
final class LoadedNode implements AutoCloseable {

    static final String TENANT = "obs";
    static final String CLUSTER = "db";

    final InProcessNode node;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread load;

    LoadedNode(Path dataDir) throws Exception {
        node = InProcessNode.start(dataDir);
        node.admin().createTenant(TENANT);
        node.admin().createCluster(TENANT, CLUSTER, "app", "observe-pass");
        try (Connection c = DriverManager.getConnection(node.jdbcUrl(TENANT, CLUSTER), "app", "observe-pass");
             Statement s = c.createStatement()) {
            s.execute("create table t(id int primary key, v varchar(100))");
        }
        node.admin().call("POST", "/v1/clusters/" + TENANT + "/" + CLUSTER + "/readers", null).ok();
        load = new Thread(this::work, "dashboard-load");
        load.setDaemon(true);
        load.start();
    }

    private void work() {
        try (Connection c = DriverManager.getConnection(node.jdbcUrl(TENANT, CLUSTER), "app", "observe-pass");
             Statement s = c.createStatement();
             Connection r = DriverManager.getConnection(node.jdbcUrl(TENANT, CLUSTER + "-ro"), "app", "observe-pass");
             Statement rs = r.createStatement()) {
            int i = 0;
            while (running.get()) {
                s.executeUpdate("insert into t values (" + i + ", 'row " + i + "') on conflict do nothing");
                s.executeQuery("select count(*) from t").close();
                rs.executeQuery("select count(*) from t").close();
                i++;
                Thread.sleep(20);
            }
        } catch (Exception e) {
            if (running.get()) {
                throw new IllegalStateException("load failed", e);
            }
        }
    }

    int adminPort() {
        return node.node().adminPort();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        load.join(10_000);
        node.close();
    }
}
