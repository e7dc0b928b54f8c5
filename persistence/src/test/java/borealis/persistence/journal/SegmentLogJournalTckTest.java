package borealis.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import borealis.persistence.tck.TckRun;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pekko's persistence TCK (the journal specification every plugin is meant to pass) run against
 * {@link SegmentLogJournal}. The TCK is a ScalaTest suite; it runs here from JUnit with a reporter
 * that collects its outcome, so that a failing TCK case fails this test with its name.
 */
class SegmentLogJournalTckTest {

    @TempDir
    Path dir;

    @Test
    void passesThePekkoPersistenceJournalTck() {
        Config config = ConfigFactory.parseString("""
                pekko.persistence.journal.plugin = "borealis.journal.tck"
                borealis.journal.tck = ${borealis.journal.segments}
                borealis.journal.tck.dir = "%s"
                borealis.snapshot-store.dir = "%s"
                borealis.encryption.keys-dir = "%s/keys"
                borealis.encryption.master-key-file = "%s/master.key"
                """.formatted(dir.resolve("journal"), dir.resolve("snapshots"), dir, dir))
                .withFallback(ConfigFactory.defaultReference()).resolve();
        TckRun run = TckRun.journal(config);
        List<String> failed = run.failed();
        List<String> passed = run.passed();
        assertTrue(failed.isEmpty(), "TCK cases failed: " + failed);
        assertTrue(passed.size() >= 15, "the TCK ran its cases: " + passed);
    }
}
