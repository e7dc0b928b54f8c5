package borealis.actors.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.NodeProcess;
import borealis.persistence.crypto.AtRestKeys;
import borealis.persistence.crypto.FileKeys;
import borealis.persistence.crypto.MasterKeys;
import borealis.persistence.volume.segment.BlockFile;
import borealis.actors.testkit.OrderCommits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas of every group lose their block files (and checksums) while the node is down, as a
 * directory entry lost at a power loss or an operator's {@code rm} would: their snapshots say they
 * applied records the files no longer hold. They must say so, serve nothing from the files they lost,
 * and copy their peers' blocks; every commit must read back as written.
 */
class BlockFileLossIT {

    private static final int COMMITS = 300;
    private static final List<Integer> DAMAGED = List.of(0, 3);

    @TempDir
    Path tmp;

    private static String note(int i) {
        return "order " + i + " " + "x".repeat(i % 150);
    }

    @Test
    void replicasThatLostTheirBlockFilesReportItAndHydrateWithoutLosingACommit() throws Exception {
        Path data = tmp.resolve("data");
        // Snapshots, and with them the journal dropping the events behind, happen often.
        String config = "borealis.storage.snapshot-every = 20\n";
        try (NodeProcess node = new NodeProcess(data).withConfig(config).start()) {
            OrderCommits.setUp(node);
            OrderCommits.insert(node, COMMITS, BlockFileLossIT::note);
            node.kill();
        }
        List<Path> damaged = new ArrayList<>();
        for (Path volume : list(data.resolve("segments"))) {
            for (Path replica : list(volume)) {
                if (DAMAGED.contains(Integer.parseInt(replica.getFileName().toString().split("-")[1]))) {
                    for (Path f : list(replica)) {
                        Files.delete(f);
                    }
                    damaged.add(replica);
                }
            }
        }
        assertTrue(!damaged.isEmpty(), "block files deleted");

        try (NodeProcess node = new NodeProcess(data).withConfig(config).start()) {
            try (Connection c = OrderCommits.connect(node); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select id, note from orders order by id")) {
                int expected = 1;
                while (rs.next()) {
                    assertEquals(expected, rs.getInt(1), "orders in sequence");
                    assertEquals(note(expected), rs.getString(2), "order " + expected);
                    expected++;
                }
                assertEquals(COMMITS + 1, expected, "every acknowledged commit is read");
            }
            String log = Files.readString(data.resolveSibling("data-node.log"));
            for (int r : DAMAGED) {
                assertTrue(log.contains("replica 0/" + r + " of ") && log.contains("lost blocks it had applied"),
                        "replica " + r + " reported the loss");
            }
            // Each damaged replica ends with a block file equal to an intact peer's.
            long deadline = System.nanoTime() + 30_000_000_000L;
            FileKeys keys = new FileKeys(AtRestKeys.open(data.resolve("keys"),
                    MasterKeys.load(data.resolveSibling(data.getFileName() + "-master.key"), List.of())), null);
            for (Path replica : damaged) {
                while (!equalsAPeer(replica, keys)) {
                    assertTrue(System.nanoTime() < deadline, replica + " holds what its peers hold again");
                    Thread.sleep(200);
                }
            }
        }
    }

    /**
     * Whether the replica's block file holds what the block file of some replica that was not
     * damaged holds (as the node reads them: each file is encrypted under its own nonce).
     */
    private static boolean equalsAPeer(Path replica, FileKeys keys) throws IOException {
        Optional<Path> mine = blocks(replica);
        if (mine.isEmpty() || Files.size(mine.get()) == 0) {
            return false;
        }
        byte[] mineBytes = content(mine.get(), keys);
        for (Path peer : list(replica.getParent())) {
            int index = Integer.parseInt(peer.getFileName().toString().split("-")[1]);
            Optional<Path> theirs = blocks(peer);
            if (!DAMAGED.contains(index) && theirs.isPresent() && java.util.Arrays.equals(mineBytes, content(theirs.get(), keys))) {
                return true;
            }
        }
        return false;
    }

    private static byte[] content(Path file, FileKeys keys) throws IOException {
        try (BlockFile f = BlockFile.openReadOnly(file, keys)) {
            return f.read(0, (int) f.length());
        } catch (BlockFile.CorruptBlockException | java.io.UncheckedIOException e) {
            return new byte[0]; // being written: looked at again
        }
    }

    /** The replica's current block file: the highest generation. */
    private static Optional<Path> blocks(Path replica) throws IOException {
        return list(replica).stream().filter(p -> p.getFileName().toString().matches("blocks-\\d+"))
                .max(java.util.Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().substring(7))));
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
