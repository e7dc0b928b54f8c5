package borealis.actors.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import borealis.actors.testkit.InProcessNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Admission on a full node (issue 18): a node of 2 ACU without overcommit holds four instances of 0.5 ACU, yet every
 * one of twelve clusters answers its client, sequentially and all at once: the least recently used
 * idle instance pauses to make room, and clients wait their turn instead of being refused. A
 * client that finds every instance busy waits for the admission bound, then gets a retryable error.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdmissionIT {

    private static final String PASSWORD = "s3cret-pass";
    private static final int CLUSTERS = 12;

    @TempDir
    static Path tmp;
    static InProcessNode node;

    @BeforeAll
    static void start() throws Exception {
        node = InProcessNode.start(tmp.resolve("data"), Map.of("borealis.capacity.node-acus", 2, "borealis.capacity.admission-wait", "8s",
                "borealis.capacity.overcommit", 1));
        node.admin().createTenant("acme");
        for (int i = 0; i < CLUSTERS; i++) {
            // Auto-pause far away: only admission pauses anything in this test.
            node.admin().call("POST", "/v1/clusters", Map.of("tenant", "acme", "name", "c" + i, "masterUsername", "app", "masterPassword",
                    PASSWORD, "minAcu", 0, "maxAcu", 0.5, "secondsUntilAutoPause", 3600)).ok();
        }
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static Connection connect(int i) throws SQLException {
        return DriverManager.getConnection(node.jdbcUrl("acme", "c" + i), "app", PASSWORD);
    }

    private static long countRows(int i) throws SQLException {
        try (Connection c = connect(i); Statement s = c.createStatement()) {
            s.execute("create table if not exists t(id int primary key)");
            s.execute("insert into t values ((select coalesce(max(id), 0) + 1 from t))");
            try (ResultSet rs = s.executeQuery("select count(*) from t")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    @Order(1)
    void everyClusterAnswersOnAFullNode() throws Exception {
        // One after another: from the fifth on, the least recently used idle instance pauses for each.
        for (int i = 0; i < CLUSTERS; i++) {
            assertEquals(1, countRows(i), "cluster c" + i + " answered");
        }
        List<CapacityLedger.ScalingEvent> first = node.node().capacity().scalingEvents("acme", "c0", 100).toCompletableFuture().get();
        assertTrue(first.stream().anyMatch(e -> e.kind().equals("pause") && e.detail().contains("making room for acme/c4")),
                "c0, the least recently used, paused for c4: " + first);

        // All at once, each holding its session a moment: nobody is refused; they wait their turn.
        ExecutorService pool = Executors.newFixedThreadPool(CLUSTERS);
        try {
            List<Future<Long>> answers = new ArrayList<>();
            for (int i = 0; i < CLUSTERS; i++) {
                int n = i;
                answers.add(pool.submit(() -> {
                    try (Connection c = connect(n); Statement s = c.createStatement()) {
                        s.execute("insert into t values ((select max(id) + 1 from t))");
                        Thread.sleep(300);
                        try (ResultSet rs = s.executeQuery("select count(*) from t")) {
                            rs.next();
                            return rs.getLong(1);
                        }
                    }
                }));
            }
            for (int i = 0; i < CLUSTERS; i++) {
                assertEquals(2, answers.get(i).get(90, TimeUnit.SECONDS), "cluster c" + i + " kept its first row and took the second");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Order(2)
    void aClientThatFindsEveryInstanceBusyGetsARetryableErrorAfterTheBound() throws Exception {
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Connection c = connect(i);
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.execute("select 1");
                }
                held.add(c);
            }
            long started = System.nanoTime();
            try (Connection c = connect(5)) {
                fail("admitted although the node is full of busy instances");
            } catch (SQLException e) {
                long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                assertEquals("57P03", e.getSQLState(), e.getMessage());
                assertTrue(e.getMessage().contains("retry"), e.getMessage());
                assertTrue(waitedMs >= 7000, "it waited for the bound (8 s), not " + waitedMs + " ms");
            }
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
        assertEquals(3, countRows(5), "once the sessions end, the same cluster is admitted (its third row)");
    }
}
