package borealis.actors.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node that was a member leaves itself out of the seed list; a new one, or one seed alone, keeps the list. */
class RejoinBySeedsTest {

    @TempDir
    Path dataDir;

    private static final List<String> SEEDS = List.of("pekko://borealis@10.0.0.1:25520", "pekko://borealis@10.0.0.2:25520",
            "pekko://borealis@10.0.0.3:25520");

    private static Config node(String host, List<String> seeds) {
        return ConfigFactory.parseMap(Map.of("borealis.node.join", "seeds", "borealis.node.rejoin-alone-after", "30s",
                "pekko.cluster.seed-nodes", seeds, "pekko.remote.artery.canonical.hostname", host,
                "pekko.remote.artery.canonical.port", 25520));
    }

    @Test
    void aNewNodeKeepsEverySeedSoTheFirstCanFormTheCluster() {
        assertEquals(SEEDS, RejoinBySeeds.seeds(node("10.0.0.1", SEEDS), dataDir).getStringList("pekko.cluster.seed-nodes"));
    }

    @Test
    void aNodeThatWasAMemberJoinsTheOthersOnly() throws Exception {
        Files.writeString(dataDir.resolve(RejoinBySeeds.MARKER), "joined\n");
        assertEquals(SEEDS.subList(1, 3), RejoinBySeeds.seeds(node("10.0.0.1", SEEDS), dataDir).getStringList("pekko.cluster.seed-nodes"));
        assertEquals(List.of(SEEDS.get(0), SEEDS.get(2)),
                RejoinBySeeds.seeds(node("10.0.0.2", SEEDS), dataDir).getStringList("pekko.cluster.seed-nodes"));
        // Not among the seeds, or the only seed: nothing to leave out.
        assertEquals(SEEDS, RejoinBySeeds.seeds(node("10.0.0.9", SEEDS), dataDir).getStringList("pekko.cluster.seed-nodes"));
        List<String> one = List.of(SEEDS.get(0));
        assertEquals(one, RejoinBySeeds.seeds(node("10.0.0.1", one), dataDir).getStringList("pekko.cluster.seed-nodes"));
    }
}
