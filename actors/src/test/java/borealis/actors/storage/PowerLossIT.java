package borealis.actors.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.NodeProcess;
import borealis.actors.testkit.OrderCommits;
import borealis.actors.testkit.powerloss.PowerLossFileSystemProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A power loss, not a process kill: the node runs on a file system layer that records what was
 * forced ({@link PowerLossFileSystemProvider}); after {@code kill -9} the data directory is rewritten
 * to only that (file contents as of their last fsync, directory entries as of their directory's last
 * fsync) and the node starts again on it. Every commit a client saw acknowledged must be there.
 *
 * <p>Replicas snapshot every few events, so the journal deletes events behind snapshots many times
 * during the run: with Pekko's local snapshot store (content and rename never forced) the restarted
 * node has lost acknowledged rows or cannot recover its replicas at all.
 */
class PowerLossIT {

    private static final int COMMITS = 400;

    @TempDir
    Path tmp;

    @Test
    void everyAcknowledgedCommitSurvivesAPowerLoss() throws Exception {
        Path data = tmp.resolve("data");
        Path shadow = tmp.resolve("shadow");
        TreeSet<Integer> acknowledged = new TreeSet<>();
        String config = "borealis.storage.snapshot-every = 20\n";
        try (NodeProcess node = new NodeProcess(data, PowerLossFileSystemProvider.jvmOptions(data, shadow)).withConfig(config).start()) {
            OrderCommits.setUp(node);
            acknowledged.addAll(OrderCommits.insert(node, COMMITS, i -> "order " + i + " " + "x".repeat(i % 150)));
            node.kill();
        }
        int files = PowerLossFileSystemProvider.powerLoss(data, shadow);
        assertTrue(files > 0, "the power loss kept the files that were forced");
        try (NodeProcess node = new NodeProcess(data).withConfig(config).start()) {
            assertEquals(List.of(), OrderCommits.lost(acknowledged, node), "acknowledged commits lost by the power loss (of "
                    + acknowledged.size() + ")");
        } catch (AssertionError | Exception e) {
            List<String> lines = Files.readAllLines(data.resolveSibling("data-node.log"));
            System.out.println("---- node log, last 200 lines ----");
            lines.subList(Math.max(0, lines.size() - 200), lines.size()).forEach(System.out::println);
            throw e;
        }
    }
}
