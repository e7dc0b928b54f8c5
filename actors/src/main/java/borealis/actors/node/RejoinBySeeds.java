package borealis.actors.node;

import borealis.persistence.files.OwnerOnly;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node that has been a member of a cluster never forms a new cluster by itself when it starts
 * again. Pekko lets the first seed node join itself when no other seed answers within
 * {@code seed-node-timeout} (5 s): a restarted first seed on a loaded machine did that while the
 * two others were busy failing over twenty writers, and stayed an island of one for good
 * ({@code ThreeZoneClusterIT}, 2026-12-07). So a node whose data directory says it was a member
 * leaves itself out of the seed list and joins the others, however long they take. Only when the
 * whole cluster was stopped (no other seed ever answers) does the first seed form the cluster
 * again, after {@code borealis.node.rejoin-alone-after}, as Pekko would after 5 s.
 */
final class RejoinBySeeds {

    private static final Logger log = LoggerFactory.getLogger(RejoinBySeeds.class);
    /** Written once this node is Up in a cluster that it joined by seeds. */
    static final String MARKER = "cluster-member";

    private RejoinBySeeds() {}

    /** This node's address as seed nodes name it, if it joins by seeds. */
    private static String self(Config config) {
        return "pekko://borealis@" + config.getString("pekko.remote.artery.canonical.hostname") + ":"
                + config.getInt("pekko.remote.artery.canonical.port");
    }

    private static boolean joinsBySeeds(Config config) {
        return config.getString("borealis.node.join").equals("seeds") && config.getStringList("pekko.cluster.seed-nodes").size() > 1;
    }

    /** The configuration to start with: without this node among the seeds if it was a member before. */
    static Config seeds(Config config, Path dataDir) {
        if (!joinsBySeeds(config) || !Files.exists(dataDir.resolve(MARKER))) {
            return config;
        }
        List<String> seeds = config.getStringList("pekko.cluster.seed-nodes");
        String self = self(config);
        if (!seeds.contains(self)) {
            return config;
        }
        List<String> others = seeds.stream().filter(s -> !s.equals(self)).toList();
        log.info("this node was a member of the cluster: it joins through {} and forms no cluster by itself (for {})", others,
                config.getDuration("borealis.node.rejoin-alone-after"));
        return config.withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(others));
    }

    /**
     * Once the node is Up, marks the data directory; if it was the first seed and left itself out,
     * it forms the cluster alone when no other seed answered within the configured time.
     */
    static void watch(ActorSystem<?> system, Config original, Config started, Path dataDir) {
        if (!joinsBySeeds(original)) {
            return;
        }
        org.apache.pekko.cluster.Cluster classic = org.apache.pekko.cluster.Cluster.get(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system));
        java.util.concurrent.atomic.AtomicBoolean up = new java.util.concurrent.atomic.AtomicBoolean();
        classic.registerOnMemberUp(() -> {
            up.set(true);
            Path marker = dataDir.resolve(MARKER);
            try {
                if (!Files.exists(marker)) {
                    OwnerOnly.writeNew(marker, ("joined " + java.time.Instant.now() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + marker, e);
            }
        });
        List<String> seeds = original.getStringList("pekko.cluster.seed-nodes");
        boolean leftOut = started.getStringList("pekko.cluster.seed-nodes").size() < seeds.size();
        if (leftOut && seeds.get(0).equals(self(original))) {
            Duration after = original.getDuration("borealis.node.rejoin-alone-after");
            system.scheduler().scheduleOnce(after, () -> {
                if (!up.get()) {
                    log.warn("no other seed node answered within {}: forming the cluster again from this node (the first seed)", after);
                    Cluster cluster = Cluster.get(system);
                    cluster.manager().tell(Join.create(cluster.selfMember().address()));
                }
            }, system.executionContext());
        }
    }
}
