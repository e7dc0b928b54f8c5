package borealis.engine.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The allocation sizes H2's cache of decoded pages; scaling resizes it every few seconds, so a
 * resize must keep the pages it holds (H2's own {@code SET CACHE_SIZE} empties the cache).
 */
class PageCacheTest {

    @TempDir
    Path dir;

    @Test
    void resizingKeepsTheDecodedPagesAndTheLimitIsApplied() throws Exception {
        try (OpenDatabase open = new OpenDatabase(dir, "t/pages/1", "page-cache-test-secret");
             Connection c = open.db.tenantConnection(); Statement s = c.createStatement()) {
            Database db = open.db;
            s.execute("create table t(id int primary key, pad varchar)");
            s.execute("insert into t select g, repeat('x', 200) from system_range(1, 20000) r(g)");
            db.resizePageCache(64L << 20);
            assertEquals(64L << 20, db.pageCacheBytes());
            try (ResultSet r = s.executeQuery("select sum(length(pad)) from t")) {
                r.next();
                assertEquals(4_000_000L, r.getLong(1));
            }
            MVStore store = db.store();
            int used = store.getFileStore().getCacheSizeUsed();
            assertTrue(used >= 1, "reading the table filled the cache: " + used + " MB");
            db.resizePageCache(128L << 20);
            assertEquals(128L << 20, db.pageCacheBytes());
            assertEquals(used, store.getFileStore().getCacheSizeUsed(), "growing kept every page");
            db.resizePageCache(1L << 20);
            try (ResultSet r = s.executeQuery("select count(*) from t")) {
                r.next();
                assertEquals(20000, r.getInt(1));
            }
            assertTrue(store.getFileStore().getCacheSizeUsed() <= 1, "shrunk to its new limit as it went");
        }
    }
}
