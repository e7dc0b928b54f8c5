package borealis.actors.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.DiskScan;
import borealis.actors.testkit.InProcessNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encryption at rest of everything a node writes: after rows carrying a marker went through the
 * log, the journals, snapshots, block files and backups, no file under the data directory (or the
 * backup store) holds the marker; with encryption off the same scan finds it. The master key
 * guards it all: a node given another key refuses to start, naming the key, and changes nothing;
 * a rotation re-wraps the data keys and the old key can then go.
 */
class AtRestEncryptionIT {

    private static final String PASSWORD = "s3cret-pass";
    private static final int ROWS = 400;

    @TempDir
    Path tmp;

    private Map<String, Object> settings(String dataName, boolean encrypted, Path masterKey, List<String> previous) {
        Map<String, Object> m = new HashMap<>();
        m.put("borealis.encryption.enabled", encrypted);
        m.put("borealis.encryption.master-key-file", masterKey.toString());
        m.put("borealis.encryption.previous-master-key-files", previous);
        m.put("borealis.backup.dir", tmp.resolve(dataName + "-backup").toString());
        m.put("borealis.volume.group-size", 256 * 1024);
        // Snapshots early, so that replicas' snapshots and forced block files are on disk to scan.
        m.put("borealis.storage.snapshot-every", 40);
        return m;
    }

    private static void fill(InProcessNode node) throws Exception {
        node.admin().createTenant("acme");
        node.admin().createCluster("acme", "orders", "app", PASSWORD);
        try (Connection c = DriverManager.getConnection(node.jdbcUrl("acme", "orders"), "app", PASSWORD);
             Statement s = c.createStatement()) {
            s.execute("create table items(id int primary key, payload varchar(3000))");
            for (int i = 0; i < ROWS; i++) {
                s.execute("insert into items values (" + i + ", 'atrest-marker-" + i + "-' || repeat('z', 2000))");
            }
            s.execute("update items set payload = 'atrest-marker-updated-' || id where id % 7 = 0");
        }
    }

    private static int rows(InProcessNode node) throws Exception {
        try (Connection c = DriverManager.getConnection(node.jdbcUrl("acme", "orders"), "app", PASSWORD);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from items where payload like 'atrest-marker-%'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void noRowReachesTheDiskInPlaintextAndOnlyTheMasterKeyOpensIt() throws Exception {
        Path data = tmp.resolve("data");
        Path key = tmp.resolve("master.key");
        try (InProcessNode node = InProcessNode.start(data, settings("data", true, key, List.of()))) {
            fill(node);
            assertEquals(ROWS, rows(node));
        }
        assertTrue(hasFile(data.resolve("snapshots"), "snapshot-StorageSegment"), "replicas' snapshots were written (and scanned)");
        assertTrue(hasFile(data.resolve("segments"), ".wc"), "block files were written encrypted (and scanned)");
        assertEquals(List.of(), DiskScan.filesContaining(data, "atrest-marker-"), "no file of the node holds a row in plaintext");
        assertEquals(List.of(), DiskScan.filesContaining(tmp.resolve("data-backup"), "atrest-marker-"), "nor does the backup store");

        Map<String, byte[]> keysBefore = contents(data.resolve("keys"));
        Exception refused = assertThrows(Exception.class, () -> InProcessNode.start(data, settings("data", true, tmp.resolve("other.key"), List.of())));
        String message = messages(refused);
        assertTrue(message.contains("which this node does not hold") && message.contains("at-rest data key"), message);
        assertEquals(keysBefore.keySet(), contents(data.resolve("keys")).keySet(), "a refused start changes no key");

        // Rotation: the new key with the old one as previous re-wraps the data keys; then the old one can go.
        Path rotated = tmp.resolve("rotated.key");
        try (InProcessNode node = InProcessNode.start(data, settings("data", true, rotated, List.of(key.toString())))) {
            assertEquals(ROWS, rows(node));
        }
        try (InProcessNode node = InProcessNode.start(data, settings("data", true, rotated, List.of()))) {
            assertEquals(ROWS, rows(node), "every row, read with the rotated key alone");
        }
    }

    @Test
    void theSameScanFindsTheRowsWhenEncryptionIsOff() throws Exception {
        Path data = tmp.resolve("plain");
        try (InProcessNode node = InProcessNode.start(data, settings("plain", false, tmp.resolve("plain.key"), List.of()))) {
            fill(node);
        }
        assertTrue(DiskScan.filesContaining(data, "atrest-marker-").size() > 0, "the check above can fail: plaintext rows are found");
    }

    private static String messages(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c).append(" / ");
        }
        return b.toString();
    }

    private static boolean hasFile(Path dir, String nameContains) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().contains(nameContains));
        }
    }

    private static Map<String, byte[]> contents(Path dir) throws Exception {
        Map<String, byte[]> out = new HashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                out.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }
}
