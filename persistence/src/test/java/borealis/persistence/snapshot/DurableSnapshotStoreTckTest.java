package borealis.persistence.snapshot;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.persistence.CapabilityFlag;
import org.apache.pekko.persistence.japi.snapshot.JavaSnapshotStoreSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scalatest.Args;
import org.scalatest.Reporter;
import org.scalatest.events.TestFailed;
import org.scalatest.events.TestSucceeded;
import scala.Option;

/**
 * Pekko's persistence TCK for snapshot stores (load by criteria, newest first, deletes by metadata
 * and by criteria, serialization) run against {@link DurableSnapshotStore}.
 */
class DurableSnapshotStoreTckTest {

    @TempDir
    Path dir;

    @Test
    void passesThePekkoPersistenceSnapshotStoreTck() {
        Config config = ConfigFactory.parseString("""
                borealis.snapshot-store.dir = "%s"
                borealis.journal.control.dir = "%s"
                pekko.persistence.journal.plugin = "borealis.journal.control"
                """.formatted(dir.resolve("snapshots"), dir.resolve("journal")))
                .withFallback(ConfigFactory.defaultReference()).resolve();
        JavaSnapshotStoreSpec tck = new JavaSnapshotStoreSpec(config) {
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
        assertTrue(passed.size() >= 8, "the TCK ran its cases: " + passed);
        try (var files = java.nio.file.Files.list(dir.resolve("snapshots"))) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("snapshot-")), "the TCK's snapshots went through this store");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
