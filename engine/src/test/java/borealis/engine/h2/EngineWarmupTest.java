package borealis.engine.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.client.CollectorRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's warm-up runs a resume on a throw-away volume and leaves nothing of it behind. */
class EngineWarmupTest {

    @TempDir
    Path scratch;

    @Test
    void theWarmUpLeavesNoFileNoMountedVolumeAndNoMetricSeries() throws Exception {
        EngineWarmup.run(scratch, 256 * 1024);
        try (Stream<Path> left = Files.list(scratch)) {
            assertEquals(0, left.count(), "the warm-up's replicas are deleted");
        }
        assertTrue(VolumeFileSystem.mounted().stream().noneMatch(v -> v.id().startsWith("borealis-warmup")),
                "no warm-up volume stays mounted (its cache would count as the node's)");
        assertNull(CollectorRegistry.defaultRegistry.getSampleValue("borealis_volume_quorum_write_seconds_count",
                new String[] {"tenant", "cluster"}, new String[] {"borealis-warmup", "engine"}), "no tenant named borealis-warmup in the metrics");
    }
}
