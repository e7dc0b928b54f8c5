package borealis.engine.bench;

import borealis.engine.h2.Database;
import borealis.engine.h2.DelegatingTransport;
import borealis.engine.h2.InProcessSegments;
import borealis.engine.pg.SessionSettings;
import borealis.engine.pg.session.PgSession;
import borealis.engine.pg.wire.BackendWriter;
import borealis.engine.pg.wire.FrontendMessage;
import borealis.persistence.files.Trees;
import borealis.persistence.volume.client.ReplicatedVolume;
import borealis.persistence.volume.client.SegmentTransport;
import borealis.persistence.volume.log.VolumeLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Opening a database that was not closed cleanly (a failover after kill -9, a copy-on-write clone
 * of a running source): H2 then reads every chunk's header and footer. Loads a table by many small
 * commits (many chunks), leaves the file unclean, and opens it again several times, printing the
 * open's time and the reads it made through the replicas, with the volume's open read-ahead set by
 * {@code --read-ahead} (blocks of 4 KiB; 0 = none). {@code --trace true} prints each replica read
 * of the last open (first block and length in blocks). docs/backup.md ("Clones") has its figures:
 * {@code java -cp <engine test class path> borealis.engine.bench.UncleanOpenBench --commits 500
 * --rows-per-commit 500 --row-bytes 2048 --opens 2 --read-ahead 2}
 */
public final class UncleanOpenBench {

    private static volatile boolean TRACE;

    public static void main(String[] args) throws Exception {
        int commits = 20_000;
        int opens = 5;
        int readAhead = 0;
        int rowsPerCommit = 1;
        int rowBytes = 200;
        boolean trace = false;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--commits" -> commits = Integer.parseInt(args[i + 1]);
                case "--opens" -> opens = Integer.parseInt(args[i + 1]);
                case "--read-ahead" -> readAhead = Integer.parseInt(args[i + 1]);
                case "--rows-per-commit" -> rowsPerCommit = Integer.parseInt(args[i + 1]);
                case "--row-bytes" -> rowBytes = Integer.parseInt(args[i + 1]);
                case "--trace" -> trace = Boolean.parseBoolean(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path dir = Files.createTempDirectory("borealis-unclean-open");
        VolumeLayout layout = new VolumeLayout(64L << 20);
        try (InProcessSegments segments = new InProcessSegments(dir, layout)) {
            long epoch = 1;
            List<String> load = new ArrayList<>();
            load.add("create table events(id int primary key, payload text)");
            for (int i = 0; i < commits; i++) {
                // sql-built: the benchmark's own integers
                load.add("insert into events select g, repeat(md5(random()::text), " + Math.max(1, rowBytes / 32) + ") from generate_series("
                        + (i * rowsPerCommit) + ", " + ((i + 1) * rowsPerCommit - 1) + ") g");
            }
            life(segments, layout, epoch++, 0, load);
            for (int i = 0; i < opens; i++) {
                TRACE = trace && i == opens - 1;
                life(segments, layout, epoch++, readAhead, List.of("select count(*) from events"));
                TRACE = false;
            }
        } finally {
            Trees.delete(dir);
        }
    }

    /** Opens, runs {@code statements}, leaves H2 unclean (SHUTDOWN IMMEDIATELY), waits for durability, closes. */
    private static void life(InProcessSegments segments, VolumeLayout layout, long epoch, int readAhead, List<String> statements)
            throws Exception {
        SegmentTransport transport = new DelegatingTransport(segments) {
            @Override
            public CompletableFuture<ReadResult> read(int group, int replica, long offset, int length, long readPoint) {
                if (TRACE) {
                    System.out.println("read " + offset / 4096 + " " + length / 4096);
                }
                return super.read(group, replica, offset, length, readPoint);
            }
        };
        ReplicatedVolume volume = ReplicatedVolume.open("bench/unclean", layout, transport, epoch, ReplicatedVolume.Settings.defaults());
        try {
            volume.setOpenReadAhead(readAhead);
            long reads = volume.stats().remoteReads();
            long t0 = System.nanoTime();
            Database db = Database.open(volume, "bench-secret");
            long openNanos = System.nanoTime() - t0;
            volume.setOpenReadAhead(0);
            if (epoch > 1) {
                System.out.printf("epoch %d: H2 open %.1f ms, %d reads from the replicas (read-ahead %d blocks), size %.1f MB%n",
                        epoch, openNanos / 1e6, volume.stats().remoteReads() - reads, readAhead, volume.size() / 1e6);
            }
            try (PgSession session = db.newSession(new SessionSettings())) {
                for (String sql : statements) {
                    session.process(List.of(new FrontendMessage.Query(sql)), new BackendWriter(4096), 1 << 20);
                }
            } finally {
                db.retention().pin(Duration.ZERO); // a pinned writer closes with SHUTDOWN IMMEDIATELY: unclean
                db.close();
            }
            volume.whenDurable(volume.highestLsn()).get(60, TimeUnit.SECONDS);
        } finally {
            volume.close();
            volume.forgetMetrics();
        }
    }
}
