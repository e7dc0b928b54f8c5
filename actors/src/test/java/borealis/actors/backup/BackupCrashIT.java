package borealis.actors.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.AdminClient;
import borealis.actors.testkit.NodeProcess;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup across a kill -9 of the node: the records the archiver had not written out yet are
 * fetched back from the replicas by the restarted writer, so the archive stays continuous (no new
 * base image). Their own points in time died with the writer: a restore to just before the kill
 * gets the last point archived before it; one after the restart gets everything. Each holds
 * exactly a prefix of the acknowledged rows.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BackupCrashIT {

    private static final String PASSWORD = "s3cret-pass";

    @TempDir
    Path tmp;

    @Test
    void restoresAroundAKilledWriterHoldExactlyAcknowledgedPrefixes() throws Exception {
        Path data = tmp.resolve("data");
        // A long flush interval: the kill lands while records wait for the store. Replicas that
        // snapshot rarely keep every record of the run as records (what the backfill fetches).
        String conf = "borealis.backup.flush-interval = 2s\nborealis.volume.group-size = 262144\n"
                + "borealis.storage.snapshot-every = 100000\n";
        Instant afterHundred;
        Instant beforeKill;
        try (NodeProcess node = new NodeProcess(data).withConfig(conf).start()) {
            node.admin().createTenant("acme");
            node.admin().createCluster("acme", "orders", "app", PASSWORD);
            try (Connection c = DriverManager.getConnection(node.jdbcUrl("acme", "orders"), "app", PASSWORD)) {
                try (Statement s = c.createStatement()) {
                    s.execute("create table items(id int primary key, payload varchar(500))");
                }
                Instant sent = insert(c, 1, 100);
                awaitRestorable(node.admin(), sent);
                afterHundred = Instant.now();
                insert(c, 101, 300);
                beforeKill = Instant.now();
            }
            node.kill();
        }
        try (NodeProcess node = new NodeProcess(data).withConfig(conf).start()) {
            AdminClient api = node.admin();
            Instant sent;
            try (Connection c = DriverManager.getConnection(node.jdbcUrl("acme", "orders"), "app", PASSWORD)) {
                sent = insert(c, 301, 350);
            }
            awaitRestorable(api, sent);
            JsonNode backups = api.call("GET", "/v1/clusters/acme/orders/backups", null).ok().body();
            assertEquals(1, backups.path("baseImages").asInt(), "the records the killed writer had not archived were fetched back from"
                    + " the replicas: the archive stayed continuous and needed no new base image: " + backups);

            assertEquals(range(1, 100), restoredIds(node, "at-hundred", afterHundred.toString()), "before the gap: exactly rows 1-100");
            List<Integer> inGap = restoredIds(node, "before-kill", beforeKill.toString());
            System.out.printf("restore to just before the kill: %d of the 300 rows acknowledged by then (the rest were not archived)%n",
                    inGap.size());
            assertTrue(inGap.size() >= 100 && inGap.equals(range(1, inGap.size())),
                    "a point inside the gap restores the last archived point before it, a prefix: " + inGap.size() + " rows");
            assertEquals(range(1, 350), restoredIds(node, "latest", null), "after the gap: every acknowledged row");
        }
    }

    private static Instant insert(Connection c, int from, int to) throws Exception {
        Instant sent = Instant.now();
        try (PreparedStatement ps = c.prepareStatement("insert into items values (?, ?)")) {
            for (int i = from; i <= to; i++) {
                ps.setInt(1, i);
                ps.setString(2, ("row " + i + " ").repeat(40));
                sent = Instant.now();
                assertEquals(1, ps.executeUpdate());
            }
        }
        return sent;
    }

    private static List<Integer> range(int from, int to) {
        return IntStream.rangeClosed(from, to).boxed().toList();
    }

    private static List<Integer> restoredIds(NodeProcess node, String name, String toTime) throws Exception {
        AdminClient api = node.admin();
        AdminClient.Response r = api.call("POST", "/v1/clusters/acme/orders/restore",
                toTime == null ? Map.of("name", name) : Map.of("name", name, "toTime", toTime));
        assertEquals(201, r.status(), r.body().toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!api.call("GET", "/v1/clusters/acme/" + name, null).ok().body().path("restore").path("state").asText().equals("done")) {
            assertTrue(System.nanoTime() < deadline, "restore " + name + " did not finish");
            Thread.sleep(100);
        }
        List<Integer> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(node.jdbcUrl("acme", name), "app", PASSWORD);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select id from items order by id")) {
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
        }
        return ids;
    }

    private static void awaitRestorable(AdminClient api, Instant sent) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            JsonNode b = api.call("GET", "/v1/clusters/acme/orders/backups", null).ok().body();
            if (b.path("latestPoint").isTextual() && !Instant.parse(b.path("latestPoint").asText()).isBefore(sent)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the backup never reached " + sent);
    }
}
