package borealis.actors.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.NodeProcess;
import borealis.actors.testkit.OrderCommits;
import borealis.actors.testkit.powerloss.PowerLossFileSystemProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's disk fills up while clients write (every replica of the node journals on it), then
 * space comes back. While it is full no commit may be acknowledged that is not durable; once it
 * is back, commits are acknowledged again without a restart; and after a {@code kill -9} every
 * acknowledged commit is there.
 */
class DiskFullIT {

    @TempDir
    Path tmp;

    @Test
    void aFullDiskLosesNothingAcknowledgedAndWritesResumeWhenSpaceReturns() throws Exception {
        Path data = tmp.resolve("data");
        Path full = tmp.resolve("disk-full");
        TreeSet<Integer> acknowledged = new TreeSet<>();
        Map<String, Integer> errors = new TreeMap<>();
        List<Long> ackTimes = new ArrayList<>();
        long fullFrom;
        long fullUntil;
        List<String> options = new ArrayList<>(PowerLossFileSystemProvider.jvmOptions(data, tmp.resolve("shadow")));
        options.add("-Dborealis.powerloss.full=" + full);
        try (NodeProcess node = new NodeProcess(data, options).start()) {
            OrderCommits.setUp(node);
            fullFrom = 0;
            fullUntil = 0;
            int id = 1;
            long started = System.nanoTime();
            long deadline = started + 120_000_000_000L;
            Connection c = OrderCommits.connect(node);
            while (System.nanoTime() < deadline) {
                if (fullFrom == 0 && acknowledged.size() >= 100) {
                    Files.createFile(full);
                    fullFrom = System.nanoTime();
                }
                if (fullFrom != 0 && fullUntil == 0 && System.nanoTime() - fullFrom > 8_000_000_000L) {
                    Files.delete(full);
                    fullUntil = System.nanoTime();
                }
                if (fullUntil != 0 && ackedSince(ackTimes, fullUntil) >= 100) {
                    break;
                }
                try (PreparedStatement insert = c.prepareStatement("insert into orders values (?, ?)")) {
                    insert.setInt(1, id);
                    insert.setString(2, "order " + id + " " + "x".repeat(150));
                    insert.executeUpdate();
                    acknowledged.add(id);
                    ackTimes.add(System.nanoTime());
                } catch (SQLException e) {
                    errors.merge(e.getSQLState() + " " + firstLine(e.getMessage()), 1, Integer::sum);
                    if (c.isClosed() || e.getSQLState() == null || e.getSQLState().startsWith("08") || e.getSQLState().startsWith("57")) {
                        c.close();
                        Thread.sleep(500);
                        try {
                            c = OrderCommits.connect(node);
                        } catch (SQLException again) {
                            errors.merge("connect " + again.getSQLState() + " " + firstLine(again.getMessage()), 1, Integer::sum);
                        }
                    }
                }
                id++;
            }
            c.close();
            System.out.println("disk full: " + acknowledged.size() + " acknowledged, errors " + errors);
            assertTrue(fullUntil != 0, "the disk was made full and then freed");
            assertTrue(ackedSince(ackTimes, fullUntil) >= 100, "commits are acknowledged again once space returns: " + errors);
            node.kill();
        }
        try (NodeProcess node = new NodeProcess(data).start()) {
            assertEquals(List.of(), OrderCommits.lost(acknowledged, node), "acknowledged commits lost (of " + acknowledged.size() + ")");
        }
    }

    private static long ackedSince(List<Long> times, long since) {
        return times.stream().filter(t -> t > since).count();
    }

    /** The kind of error: its first line without numbers, at most 100 characters. */
    private static String firstLine(String s) {
        String line = s == null ? "" : s.lines().findFirst().orElse("").replaceAll("\\d+", "#");
        return line.length() > 100 ? line.substring(0, 100) : line;
    }
}
