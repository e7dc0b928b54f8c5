package borealis.actors.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.storage.StorageSegment;
import borealis.actors.testkit.AdminClient;
import borealis.actors.testkit.InProcessNode;
import borealis.persistence.volume.log.ReplicaStatus;
import borealis.persistence.volume.log.VolumeLayout;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deletion path: compute stops at once; after the retention period every segment replica of
 * every protection group loses its block file, journal events and snapshots; then the name is
 * free and a new cluster under it starts empty.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClusterDeletionIT {

    private static final long GROUP = 256 * 1024;

    @TempDir
    Path tmp;

    private static Map<String, Object> cluster(String tenant, String name) {
        return Map.of("tenant", tenant, "name", name, "masterUsername", "app", "masterPassword", "s3cret-pass");
    }

    @Test
    void storageIsPurgedAfterRetentionAndTheNameCanBeUsedAgain() throws Exception {
        Path data = tmp.resolve("data");
        try (InProcessNode node = InProcessNode.start(data, Map.of("borealis.volume.group-size", GROUP,
                "borealis.storage.snapshot-every", 20, "borealis.control.storage-retention", "0s"))) {
            AdminClient api = node.admin();
            api.createTenant("acme");
            api.createCluster("acme", "orders", "app", "s3cret-pass");
            try (Connection c = DriverManager.getConnection(node.jdbcUrl("acme", "orders"), "app", "s3cret-pass");
                 Statement s = c.createStatement()) {
                s.execute("create table items(id int primary key, payload varchar(2000))");
                try (PreparedStatement ins = c.prepareStatement("insert into items values (?, ?)")) {
                    for (int i = 0; i < 600; i++) {
                        ins.setInt(1, i);
                        ins.setString(2, (i + "-").repeat(2000).substring(0, 2000));
                        ins.executeUpdate();
                    }
                }
            }
            String volumeId = volumeDir(data, "acme~orders~").getFileName().toString().replace('~', '/');
            ClusterSharding sharding = ClusterSharding.get(node.node().system());
            int highestGroup = inspect(sharding, volumeId, 0, 0).highestGroup();
            assertTrue(highestGroup >= 1, "the volume should span several protection groups");
            // Replicas apply up to the durable point they were told, which travels with the next batch or tick.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (inspect(sharding, volumeId, highestGroup, 3).appliedLsn() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(inspect(sharding, volumeId, highestGroup, 3).appliedLsn() > 0);
            assertTrue(snapshotsOf(data, volumeId) > 0, "replicas should have snapshots before the purge");

            JsonNode deleted = api.call("DELETE", "/v1/clusters/acme/orders", null).ok().body();
            assertEquals("deleting", deleted.get("cluster").get("status").asText());

            awaitGone(api, "acme", "orders");
            assertFalse(Files.exists(data.resolve("segments").resolve(volumeId.replace('/', '~'))),
                    "every block file (and their directory) is gone");
            assertEquals(0, snapshotsOf(data, volumeId), "every snapshot is gone");
            for (int g = 0; g <= highestGroup; g++) {
                for (int r = 0; r < VolumeLayout.REPLICAS; r++) {
                    ReplicaStatus after = inspect(sharding, volumeId, g, r);
                    assertEquals(0, after.appliedLsn(), "group " + g + " replica " + r + " replays nothing: its events are deleted");
                    assertEquals(0, after.epoch());
                }
            }

            // The name is free; the new cluster is a new, empty volume.
            api.createCluster("acme", "orders", "app", "other-pass-1");
            try (Connection c = DriverManager.getConnection(node.jdbcUrl("acme", "orders"), "app", "other-pass-1");
                 Statement s = c.createStatement()) {
                SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("select count(*) from items"));
                assertEquals("42P01", e.getSQLState());
            }
            api.call("DELETE", "/v1/clusters/acme/orders?force=true", null).ok();
            awaitGone(api, "acme", "orders");
            assertEquals(200, api.call("DELETE", "/v1/tenants/acme", null).ok().status());
        }
    }

    @Test
    void storageIsKeptDuringRetentionAndTheNameIsReserved() throws Exception {
        Path data = tmp.resolve("data-retained");
        try (InProcessNode node = InProcessNode.start(data, Map.of("borealis.control.storage-retention", "1h"))) {
            AdminClient api = node.admin();
            api.createTenant("acme");
            api.createCluster("acme", "orders", "app", "s3cret-pass");
            try (Connection c = DriverManager.getConnection(node.jdbcUrl("acme", "orders"), "app", "s3cret-pass");
                 Statement s = c.createStatement()) {
                s.execute("create table t(i int)");
            }
            Instant before = Instant.now();
            JsonNode deleted = api.call("DELETE", "/v1/clusters/acme/orders", null).ok().body();
            Instant purgeAt = Instant.parse(deleted.get("storagePurgeAt").asText());
            assertTrue(purgeAt.isAfter(before.plus(Duration.ofMinutes(59))), purgeAt.toString());

            JsonNode described = api.call("GET", "/v1/clusters/acme/orders", null).ok().body();
            assertEquals("deleting", described.get("status").asText());
            assertEquals(purgeAt.toString(), described.get("purgeAt").asText());
            assertEquals(0, api.call("GET", "/v1/clusters?tenant=acme", null).ok().body().get("clusters").size(), "deleted clusters are not listed");
            AdminClient.Response again = api.call("POST", "/v1/clusters", cluster("acme", "orders"));
            assertEquals(409, again.status());
            assertTrue(again.body().get("error").asText().contains("storage is kept until"), again.body().toString());
            assertEquals(200, api.call("DELETE", "/v1/clusters/acme/orders", null).ok().status(), "deleting again is answered as the first time");
            // A deleted cluster has no users left: the login fails as for any cluster that does not exist (28P01,
            // which does not tell whether it ever did).
            assertEquals("28P01", assertThrows(SQLException.class,
                    () -> DriverManager.getConnection(node.jdbcUrl("acme", "orders"), "app", "s3cret-pass").close()).getSQLState());
            assertTrue(volumeDir(data, "acme~orders~") != null, "storage is still there");
            // The tenant no longer owns it, so the tenant can go (the storage purge stays scheduled).
            assertEquals(200, api.call("DELETE", "/v1/tenants/acme", null).ok().status());
        }
    }

    private static ReplicaStatus inspect(ClusterSharding sharding, String volumeId, int group, int replica) throws Exception {
        return sharding.entityRefFor(StorageSegment.typeKey(replica), StorageSegment.entityId(volumeId, new VolumeLayout(GROUP), group, replica))
                .<ReplicaStatus>ask(StorageSegment.Inspect::new, Duration.ofSeconds(20)).toCompletableFuture().get();
    }

    private static Path volumeDir(Path data, String prefix) throws Exception {
        try (Stream<Path> dirs = Files.list(data.resolve("segments"))) {
            List<Path> found = dirs.filter(d -> d.getFileName().toString().startsWith(prefix)).toList();
            assertEquals(1, found.size(), found.toString());
            return found.get(0);
        }
    }

    private static long snapshotsOf(Path data, String volumeId) throws Exception {
        Path dir = data.resolve("snapshots");
        if (!Files.exists(dir)) {
            return 0;
        }
        String encoded = URLEncoder.encode(volumeId, StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().contains(encoded)).count();
        }
    }

    private static void awaitGone(AdminClient api, String tenant, String name) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (api.call("GET", "/v1/clusters/" + tenant + "/" + name, null).status() != 404) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the storage of " + tenant + "/" + name + " was not purged within 60 s");
            }
            Thread.sleep(100);
        }
    }
}
