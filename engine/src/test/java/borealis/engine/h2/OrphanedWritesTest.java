package borealis.engine.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A crash image holding row versions of an open transaction whose undo records it lacks (what a
 * store taken while that transaction wrote can leave: {@link OrphanedWrites}). Made here by
 * clearing the open transaction's undo log before a store, then copying the file as a crash would
 * leave it.
 */
class OrphanedWritesTest {

    /** H2 may use plain paths only under the scratch directory (ScratchFiles confines them). */
    private final Path dir = ScratchFiles.root().resolve("orphaned-writes-test-" + System.nanoTime());

    @AfterEach
    void removeFiles() throws java.io.IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Why the repair exists: in H2 as it is, the transaction that gets the orphan's id reads the version as its own. */
    @Test
    void withoutTheRepairATransactionWithTheSameIdReadsTheOrphanedVersion() throws Exception {
        Path image = crashImage();
        try (Connection first = open(image)) {
            List<String> seen = readInSessions(image, 6);
            assertTrue(seen.contains("a,orphan"), "one of the new transactions took the orphan for its own: " + seen);
        }
    }

    @Test
    void rollBackRestoresTheCommittedVersions() throws Exception {
        Path image = crashImage();
        try (Connection first = open(image)) {
            int rolledBack = OrphanedWrites.rollBack(engineOf(first));
            assertTrue(rolledBack >= 2, "the update of row 1 and the insert of row 3: " + rolledBack);
            List<String> seen = readInSessions(image, 6);
            assertEquals(List.of("a", "a", "a", "a", "a", "a"), seen);
            try (Statement s = first.createStatement()) {
                s.execute("update t set v = v || ',x' where k = 1");
                assertEquals("a,x", one(s, "select v from t where k = 1"));
                assertEquals("2", one(s, "select count(*) from t"));
            }
            assertEquals(0, OrphanedWrites.rollBack(engineOf(first)), "none left, and the repair was stored");
        }
    }

    /** A database whose file holds row 1 updated and row 3 inserted by a transaction with no undo records. */
    private Path crashImage() throws Exception {
        Path live = dir.resolve("live");
        Files.createDirectories(live);
        String url = "jdbc:h2:" + live.resolve("db") + ";FILE_LOCK=NO;DB_CLOSE_DELAY=-1";
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            s.execute("create table t(k int primary key, v varchar(100))");
            s.execute("insert into t values (1, 'a'), (2, 'b')");
            try (Connection writer = DriverManager.getConnection(url, "sa", ""); Statement w = writer.createStatement()) {
                writer.setAutoCommit(false);
                w.execute("update t set v = 'a,orphan' where k = 1");
                w.execute("insert into t values (3, 'orphan')");
                MVStore store = engineOf(writer).getStore().getMvStore();
                int cleared = 0;
                for (String name : store.getMapNames()) {
                    if (name.startsWith("undoLog") && store.hasMap(name)) {
                        MVMap<Object, Object> undo = store.openMap(name);
                        cleared += undo.size();
                        undo.clear();
                    }
                }
                assertTrue(cleared >= 2, "the writer's undo records (its update and its insert): " + cleared);
                store.commit();
                Path image = dir.resolve("image" + System.nanoTime());
                Files.createDirectories(image);
                Files.copy(live.resolve("db.mv.db"), image.resolve("db.mv.db"));
                s.execute("shutdown immediately");
                return image;
            }
        } catch (SQLException closedByShutdown) {
            throw new IllegalStateException(closedByShutdown);
        }
    }

    private static Connection open(Path image) throws SQLException {
        return DriverManager.getConnection("jdbc:h2:" + image.resolve("db") + ";FILE_LOCK=NO;DB_CLOSE_DELAY=-1", "sa", "");
    }

    /** Row 1 as each of {@code n} sessions sees it, each in a transaction of its own held open (so each has a new id). */
    private static List<String> readInSessions(Path image, int n) throws SQLException {
        List<Connection> sessions = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                Connection c = open(image);
                sessions.add(c);
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    seen.add(one(s, "select v from t where k = 1"));
                }
            }
        } finally {
            for (Connection c : sessions) {
                c.rollback();
                c.close();
            }
        }
        return seen;
    }

    private static String one(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static org.h2.engine.Database engineOf(Connection c) throws SQLException {
        return ((SessionLocal) c.unwrap(JdbcConnection.class).getSession()).getDatabase();
    }
}
