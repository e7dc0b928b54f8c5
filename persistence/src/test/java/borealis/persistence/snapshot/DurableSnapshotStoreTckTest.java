package borealis.persistence.snapshot;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import borealis.persistence.tck.TckRun;
import java.util.List;
import org.apache.pekko.persistence.CapabilityFlag;
import org.apache.pekko.persistence.japi.snapshot.JavaSnapshotStoreSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
                borealis.encryption.keys-dir = "%s/keys"
                borealis.encryption.master-key-file = "%s/master.key"
                """.formatted(dir.resolve("snapshots"), dir.resolve("journal"), dir, dir))
                .withFallback(ConfigFactory.defaultReference()).resolve();
        JavaSnapshotStoreSpec tck = new JavaSnapshotStoreSpec(config) {
            @Override
            public CapabilityFlag supportsSerialization() {
                return CapabilityFlag.on();
            }
        };
        TckRun run = TckRun.of(tck);
        List<String> failed = run.failed();
        List<String> passed = run.passed();
        assertTrue(failed.isEmpty(), "TCK cases failed: " + failed);
        assertTrue(passed.size() >= 8, "the TCK ran its cases: " + passed);
        try (var files = java.nio.file.Files.list(dir.resolve("snapshots"))) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("snapshot-")), "the TCK's snapshots went through this store");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
