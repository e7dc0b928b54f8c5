package borealis.actors.storage;

import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.InProcessNode;
import borealis.persistence.journal.SegmentLogJournal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long run of small commits leaves the segment journal's size bounded: replicas snapshot, the
 * journal deletes the events behind the snapshots and removes (or compacts) the files that no
 * longer hold live events, so its size follows what is live, not the age of the database.
 */
class JournalBoundIT {

    private static final long FILE_SIZE = 1 << 20;
    private static final int COMMITS = 1500;

    @TempDir
    Path tmp;

    @Test
    void aLongRunOfSmallCommitsLeavesTheJournalBounded() throws Exception {
        Path data = tmp.resolve("data");
        try (InProcessNode node = InProcessNode.start(data, Map.of(
                "borealis.journal.segments.max-file-size", FILE_SIZE,
                "borealis.storage.snapshot-every", 50))) {
            node.admin().createTenant("bound");
            node.admin().createCluster("bound", "db", "app", "secret-pass");
            Path journal = data.resolve("journal/segments");
            long[] sizes = new long[3];
            try (Connection c = DriverManager.getConnection(node.jdbcUrl("bound", "db"), "app", "secret-pass");
                 Statement s = c.createStatement()) {
                s.execute("create table t(id int primary key, v int not null)");
                for (int i = 0; i < 100; i++) {
                    s.executeUpdate("insert into t values (" + i + ", 0)");
                }
                try (PreparedStatement up = c.prepareStatement("update t set v = v + 1 where id = ?")) {
                    for (int i = 1; i <= COMMITS; i++) {
                        up.setInt(1, i % 100);
                        up.executeUpdate();
                        if (i % (COMMITS / 3) == 0) {
                            sizes[i / (COMMITS / 3) - 1] = SegmentLogJournal.stats(journal).orElseThrow().sizeOnDisk();
                        }
                    }
                }
            }
            SegmentLogJournal.Stats stats = SegmentLogJournal.stats(journal).orElseThrow();
            String figures = "journal written " + stats.bytesWritten() + " bytes; on disk after each third: "
                    + sizes[0] + ", " + sizes[1] + ", " + sizes[2] + " bytes in " + stats.files() + " files";
            System.out.println(figures);
            assertTrue(stats.bytesWritten() > 4 * sizes[2], "the journal forgets most of what it wrote: " + figures);
            assertTrue(sizes[2] <= sizes[0] + 4 * FILE_SIZE, "the journal does not grow with age: " + figures);
            assertTrue(sizes[2] <= 24 * FILE_SIZE, "the journal stays small: " + figures);
        }
    }
}
