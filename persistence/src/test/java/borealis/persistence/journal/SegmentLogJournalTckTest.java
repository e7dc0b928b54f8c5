package borealis.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.persistence.CapabilityFlag;
import org.apache.pekko.persistence.japi.journal.JavaJournalSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scalatest.Args;
import org.scalatest.Reporter;
import org.scalatest.events.TestFailed;
import org.scalatest.events.TestSucceeded;
import scala.Option;

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
                """.formatted(dir.resolve("journal"), dir.resolve("snapshots")))
                .withFallback(ConfigFactory.defaultReference()).resolve();
        JavaJournalSpec tck = new JavaJournalSpec(config) {
            @Override
            public CapabilityFlag supportsRejectingNonSerializableObjects() {
                return CapabilityFlag.on();
            }

            @Override
            public CapabilityFlag supportsSerialization() {
                return CapabilityFlag.on();
            }
        };
        List<String> failed = new ArrayList<>();
        List<String> passed = new ArrayList<>();
        Reporter reporter = event -> {
            if (event instanceof TestFailed f) {
                failed.add(f.testName() + ": " + f.message());
            } else if (event instanceof TestSucceeded s) {
                passed.add(s.testName());
            }
        };
        Args args = new Args(reporter, Args.$lessinit$greater$default$2(), Args.$lessinit$greater$default$3(),
                Args.$lessinit$greater$default$4(), Args.$lessinit$greater$default$5(), Args.$lessinit$greater$default$6(),
                Args.$lessinit$greater$default$7(), Args.$lessinit$greater$default$8(), Args.$lessinit$greater$default$9(),
                Args.$lessinit$greater$default$10());
        tck.run(Option.empty(), args);
        assertTrue(failed.isEmpty(), "TCK cases failed: " + failed);
        assertTrue(passed.size() >= 15, "the TCK ran its cases: " + passed);
    }
}
