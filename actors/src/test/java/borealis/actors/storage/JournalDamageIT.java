package borealis.actors.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.NodeProcess;
import borealis.actors.testkit.OrderCommits;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bit rot in the middle of the node's segment journal, not at its tail: after {@code kill -9},
 * bytes halfway through the last journal file are overwritten, where one replica's acknowledged
 * entry sits among the six replicas' entries of later commits. Recovery must keep every entry after
 * the damaged one (cutting the file there, as for a torn tail, would take the later commits from
 * all six replicas of this one-node cluster at once), and every acknowledged commit must be read.
 */
class JournalDamageIT {

    private static final int COMMITS = 300;

    @TempDir
    Path tmp;

    @Test
    void damageInsideTheJournalLosesNoAcknowledgedCommit() throws Exception {
        Path data = tmp.resolve("data");
        String config = "borealis.storage.snapshot-every = 100000\n"; // the journal keeps every event
        try (NodeProcess node = new NodeProcess(data).withConfig(config).start()) {
            OrderCommits.setUp(node);
            OrderCommits.insert(node, COMMITS, i -> "order " + i);
            node.kill();
        }
        Path journal;
        try (Stream<Path> files = Files.list(data.resolve("journal/segments"))) {
            journal = files.filter(p -> p.toString().endsWith(".journal")).sorted().reduce((a, b) -> b).orElseThrow();
        }
        long size = Files.size(journal);
        assertTrue(size > 100_000, "the commits are in the journal: " + size);
        try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0x5a, 0x5a, 0x5a, 0x5a}), size / 2);
        }
        try (NodeProcess node = new NodeProcess(data).withConfig(config).start();
             Connection c = OrderCommits.connect(node); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*), min(id), max(id) from orders")) {
            rs.next();
            assertEquals(List.of(COMMITS, 1, COMMITS), List.of(rs.getInt(1), rs.getInt(2), rs.getInt(3)),
                    "every acknowledged commit is read after the damage");
            String log = Files.readString(data.resolveSibling("data-node.log"));
            assertTrue(log.contains("fails its checksum but valid entries follow") || log.contains("impossible length but valid entries follow"),
                    "recovery saw the damage and kept what follows it");
        }
    }
}
