package borealis.persistence.backup;

import borealis.persistence.crypto.MasterKeys;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.persistence.volume.client.LogArchive.DurableRecord;
import borealis.persistence.volume.log.LogRecord;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S3 backup store against a real S3-compatible server started here (S3Proxy, jclouds' blob
 * store behind S3's REST API, signature v4): the store's contract, then an encrypted backup
 * archived and rebuilt through it with nothing on local disk but scratch files.
 */
class S3BackupStoreTest {

    private static final String ACCESS = "borealis-test";
    private static final String SECRET = "borealis-test-secret";
    private static S3Proxy server;
    private static BlobStoreContext blobs;
    private static String endpoint;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() throws Exception {
        blobs = ContextBuilder.newBuilder("transient").credentials("identity", "credential").build(BlobStoreContext.class);
        blobs.getBlobStore().createContainerInLocation(null, "backups");
        server = S3Proxy.builder().blobStore(blobs.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
        server.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!"STARTED".equals(server.getState()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        endpoint = "http://127.0.0.1:" + server.getPort();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.stop();
        blobs.close();
    }

    private S3BackupStore store(String prefix, String secret) throws IOException {
        return new S3BackupStore(new S3BackupStore.Settings("backups", prefix, endpoint, "us-east-1", true, ACCESS, secret,
                dir.resolve("scratch")));
    }

    @Test
    void storesListsReplacesAndDeletesObjects() throws Exception {
        S3BackupStore store = store("node-a/", SECRET);
        store.put("volumes/t/c/1/log/a.log", new byte[] {1, 2, 3});
        Path file = Files.createTempFile(store.scratchDir(), "obj", ".part");
        byte[] big = new byte[3 << 20];
        new Random(1).nextBytes(big);
        Files.write(file, big);
        store.put("volumes/t/c/1/image/b.img", file);
        store.put("volumes/t/c2/1/log/x.log", new byte[] {9});
        assertEquals(List.of("volumes/t/c/1/image/b.img", "volumes/t/c/1/log/a.log"), store.list("volumes/t/c/"));
        try (InputStream in = store.open("volumes/t/c/1/image/b.img")) {
            assertArrayEquals(big, in.readAllBytes());
        }
        store.put("volumes/t/c/1/log/a.log", new byte[] {4});
        try (InputStream in = store.open("volumes/t/c/1/log/a.log")) {
            assertArrayEquals(new byte[] {4}, in.readAllBytes());
        }
        store.delete("volumes/t/c/1/log/a.log");
        store.delete("volumes/t/c/1/log/a.log");
        assertThrows(java.nio.file.NoSuchFileException.class, () -> store.open("volumes/t/c/1/log/a.log"));
        assertEquals(List.of(), store("other/", SECRET).list("volumes/"), "a prefix is a namespace of its own");
        IOException refused = assertThrows(IOException.class, () -> store("node-a/", "wrong-secret").list("volumes/"));
        assertTrue(refused.getMessage().contains("s3://backups/node-a/"), refused.getMessage());
    }

    @Test
    void anEncryptedBackupIsArchivedAndRebuiltThroughS3() throws Exception {
        BackupService.Settings s = new BackupService.Settings(true, dir.resolve("unused"), Duration.ofDays(1), Duration.ofMillis(20),
                Duration.ofHours(1), 1L << 30, 1 << 24);
        BackupService service = new BackupService(s, store("node-b/", SECRET), MasterKeys.load(dir.resolve("master.key"), List.of()));
        String volume = "acme/orders/0001";
        byte[] content = new byte[256 * 1024];
        new Random(2).nextBytes(content);
        List<DurableRecord> log = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            log.add(new DurableRecord(LogRecord.write(i + 1, 0, 0, i * 65536L, java.util.Arrays.copyOfRange(content, i * 65536, (i + 1) * 65536),
                    65536, false), true, System.currentTimeMillis()));
        }
        byte[][] volumeBytes = {new byte[0]};
        long[] lsn = {0};
        BaseImages.Source source = new BaseImages.Source() {
            @Override
            public long size() {
                return volumeBytes[0].length;
            }

            @Override
            public long highestLsn() {
                return lsn[0];
            }

            @Override
            public void read(long offset, ByteBuffer dst) {
                dst.put(volumeBytes[0], (int) offset, dst.remaining());
            }
        };
        try {
            LogArchiver archiver = service.archiver(volume);
            archiver.durable(log.subList(0, 1));
            volumeBytes[0] = java.util.Arrays.copyOf(content, 65536);
            lsn[0] = 1;
            archiver.attach(source);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (BackupCatalog.list(service.store(), volume).images().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            archiver.durable(log.subList(1, 4));
            archiver.close();
            BackupService.Materialized m = service.materialize(service.resolve(volume, Long.MAX_VALUE, Long.MAX_VALUE));
            assertArrayEquals(content, ScratchFiles.contents(m));
            assertTrue(service.store().list("volumes/acme/orders/0001/").contains("volumes/acme/orders/0001/data.key"));
        } finally {
            service.close();
        }
    }
}
