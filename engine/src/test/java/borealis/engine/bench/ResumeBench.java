package borealis.engine.bench;

import borealis.engine.h2.Database;
import borealis.engine.h2.InProcessSegments;
import borealis.engine.pg.SessionSettings;
import borealis.engine.pg.session.PgSession;
import borealis.engine.pg.wire.BackendWriter;
import borealis.engine.pg.wire.FrontendMessage;
import borealis.persistence.files.Trees;
import borealis.persistence.volume.client.ReplicatedVolume;
import borealis.persistence.volume.log.VolumeLayout;
import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What a resume costs the engine, in process: the volume opened in a new epoch, H2 and the catalog
 * opened, one query, closed; repeated on one small database. Prints wall time and process CPU per
 * resume (issue 18: a node of 2 cores must resume many clusters a second). Run under JFR to see
 * where the CPU goes:
 * {@code java -XX:StartFlightRecording=filename=resume.jfr -cp ... borealis.engine.bench.ResumeBench --rounds 300}
 */
public final class ResumeBench {

    public static void main(String[] args) throws Exception {
        int rounds = 200;
        int warmup = 100;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Path dir = Files.createTempDirectory("borealis-resume-bench");
        VolumeLayout layout = new VolumeLayout(1 << 20);
        try (InProcessSegments segments = new InProcessSegments(dir, layout)) {
            long epoch = 1;
            resume(segments, layout, epoch++, List.of(
                    "create table items(id int primary key, name text not null, price numeric(10,2), at timestamptz default now())",
                    "create index items_name on items(name)",
                    "insert into items(id, name, price) select g, 'item ' || g, g * 1.5 from generate_series(1, 1000) g",
                    "create table orders(id bigserial primary key, item int references items(id), qty int)"));
            long[] wall = new long[rounds];
            long[] cpu = new long[rounds];
            for (int r = -warmup; r < rounds; r++) {
                long c0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                resume(segments, layout, epoch++, List.of("select name, price from items where id = 42"));
                if (r >= 0) {
                    wall[r] = System.nanoTime() - t0;
                    cpu[r] = os.getProcessCpuTime() - c0;
                }
            }
            Arrays.sort(wall);
            Arrays.sort(cpu);
            System.out.printf("resumes %d (after %d warm-up): wall p50 %.1f ms p99 %.1f ms; process CPU p50 %.1f ms p99 %.1f ms%n",
                    rounds, warmup, wall[rounds / 2] / 1e6, wall[rounds * 99 / 100] / 1e6, cpu[rounds / 2] / 1e6,
                    cpu[rounds * 99 / 100] / 1e6);
        } finally {
            Trees.delete(dir);
        }
    }

    private static void resume(InProcessSegments segments, VolumeLayout layout, long epoch, List<String> statements) throws Exception {
        ReplicatedVolume volume = ReplicatedVolume.open("bench/resume", layout, segments, epoch, ReplicatedVolume.Settings.defaults());
        try {
            Database db = Database.open(volume, "bench-secret");
            try (PgSession session = db.newSession(new SessionSettings())) {
                for (String sql : statements) {
                    session.process(List.of(new FrontendMessage.Query(sql)), new BackendWriter(4096), 1 << 20);
                }
            } finally {
                db.close();
            }
            // As a compute instance pauses: the close's last writes durable before the volume closes.
            volume.whenDurable(volume.highestLsn()).get(30, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            volume.close();
            volume.forgetMetrics();
        }
    }
}
