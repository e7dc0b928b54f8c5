package borealis.actors.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.AdminClient;
import borealis.actors.testkit.InProcessNode;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose backups go to an S3-compatible server (S3Proxy, started here): a cluster's data
 * restored from the bucket into a new cluster, by a node that never saw the source.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class S3RestoreIT {

    @TempDir
    Path tmp;

    @Test
    void aClusterIsRestoredFromTheBucketByAnotherNode() throws Exception {
        BlobStoreContext blobs = ContextBuilder.newBuilder("transient").credentials("identity", "credential").build(BlobStoreContext.class);
        blobs.getBlobStore().createContainerInLocation(null, "borealis-backups");
        S3Proxy s3 = S3Proxy.builder().blobStore(blobs.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "access", "secret-key").build();
        s3.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!"STARTED".equals(s3.getState()) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Map<String, Object> conf = Map.of("borealis.backup.store", "s3", "borealis.backup.s3.bucket", "borealis-backups",
                    "borealis.backup.s3.endpoint", "http://127.0.0.1:" + s3.getPort(), "borealis.backup.s3.path-style", true,
                    "borealis.backup.s3.access-key-id", "access", "borealis.backup.s3.secret-access-key", "secret-key",
                    "borealis.backup.flush-interval", "50ms", "borealis.encryption.master-key-file", tmp.resolve("master.key").toString());
            try (InProcessNode node = InProcessNode.start(tmp.resolve("first"), conf)) {
                AdminClient api = node.admin();
                api.createTenant("acme");
                api.createCluster("acme", "orders", "app", "s3cret-pass");
                try (Connection c = DriverManager.getConnection(node.jdbcUrl("acme", "orders"), "app", "s3cret-pass");
                     Statement s = c.createStatement()) {
                    s.execute("create table items(id int primary key, what varchar(100))");
                    s.execute("insert into items select g, 'item ' || g from generate_series(1, 500) g");
                }
                // Until the archive holds the insert: the latest point's LSN stops moving once it does.
                long lsn = -1;
                for (int i = 0; i < 100; i++) {
                    long now = api.call("GET", "/v1/clusters/acme/orders/backups", null).ok().body().path("latestLsn").asLong();
                    if (now > 0 && now == lsn) {
                        break;
                    }
                    lsn = now;
                    Thread.sleep(200);
                }
                assertTrue(api.call("GET", "/v1/clusters/acme/orders/backups", null).ok().body().path("store").asText()
                        .startsWith("s3://borealis-backups/"));
            }
            try (InProcessNode node = InProcessNode.start(tmp.resolve("second"), conf)) {
                AdminClient api = node.admin();
                api.createTenant("acme");
                api.call("POST", "/v1/clusters/acme/orders/restore", Map.of("name", "orders-back", "masterPassword", "new-pass-1")).ok();
                for (int i = 0; i < 300; i++) {
                    if (api.call("GET", "/v1/clusters/acme/orders-back", null).ok().body().path("restore").path("state").asText().equals("done")) {
                        break;
                    }
                    Thread.sleep(100);
                }
                try (Connection c = DriverManager.getConnection(node.jdbcUrl("acme", "orders-back"), "app", "new-pass-1");
                     Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*), max(what) from items")) {
                    rs.next();
                    assertEquals(500, rs.getInt(1));
                    assertEquals("item 99", rs.getString(2));
                }
            }
        } finally {
            s3.stop();
            blobs.close();
        }
    }
}
