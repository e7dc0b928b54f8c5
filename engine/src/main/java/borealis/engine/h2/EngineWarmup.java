package borealis.engine.h2;

import borealis.engine.pg.SessionSettings;
import borealis.engine.pg.session.PgSession;
import borealis.engine.pg.wire.BackendWriter;
import borealis.engine.pg.wire.FrontendMessage;
import borealis.persistence.files.Trees;
import borealis.persistence.volume.client.ReplicatedVolume;
import borealis.persistence.volume.log.VolumeLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a resume once, at node start, on a throw-away volume of in-process replicas: recovery, H2
 * opening on the volume, the catalog, a few statements through a session in both protocols. The
 * first resume in a fresh JVM paid for loading and compiling all of that: measured on this 2-core
 * machine, 510-742 ms for a cluster's first resume after a node start against 65-102 ms for the
 * next ones (three restarts, each then a pause and a resume); that is also part of every writer
 * failover, whose new writer starts on a node that may never have run one.
 */
public final class EngineWarmup {

    private static final Logger log = LoggerFactory.getLogger(EngineWarmup.class);
    private static final String VOLUME = "borealis-warmup/engine";
    private static final List<String> STATEMENTS = List.of(
            "create table warm(id int primary key, name text not null, at timestamptz default now(), doc jsonb)",
            "insert into warm(id, name, doc) values (1, 'a', '{\"k\": 1}'), (2, 'b', null) on conflict (id) do nothing",
            "update warm set name = name || 'x' where id = 1 returning id, name",
            "select w.id, w.name, count(*) over () from warm w where w.name like 'a%' order by 1",
            "select c.relname from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace"
                    + " where n.nspname = 'public'",
            "begin", "delete from warm where id = 2", "commit");

    private EngineWarmup() {}

    /** Warms the resume path in {@code scratch}; what fails is logged, never thrown (it is only an optimisation). */
    public static void run(Path scratch, long groupSize) {
        long started = System.nanoTime();
        Path dir = null;
        try {
            dir = Files.createTempDirectory(scratch, "warmup");
            VolumeLayout layout = new VolumeLayout(groupSize);
            try (InProcessSegments segments = new InProcessSegments(dir, layout)) {
                ReplicatedVolume volume = ReplicatedVolume.open(VOLUME, layout, segments, 1, ReplicatedVolume.Settings.defaults());
                try {
                    Database db = Database.open(volume, "warmup-" + System.nanoTime());
                    try (PgSession session = db.newSession(new SessionSettings())) {
                        for (String sql : STATEMENTS) {
                            session.process(List.of(new FrontendMessage.Query(sql)), new BackendWriter(4096), 1 << 20);
                        }
                        // the extended protocol, as drivers speak it
                        session.process(List.of(new FrontendMessage.Parse("", "select name from warm where id = $1", new int[] {23}),
                                new FrontendMessage.Bind("", "", new short[0], new byte[][] {"1".getBytes()}, new short[0]),
                                new FrontendMessage.Describe('P', ""), new FrontendMessage.Execute("", 0), new FrontendMessage.Sync()),
                                new BackendWriter(4096), 1 << 20);
                    } finally {
                        db.close();
                    }
                } finally {
                    volume.close();
                    volume.forgetMetrics();
                }
            }
            log.info("engine warmed up in {} ms", (System.nanoTime() - started) / 1_000_000);
        } catch (Exception | LinkageError e) {
            log.warn("engine warm-up failed (the first resume on this node will be slower): {}", e.toString());
        } finally {
            if (dir != null) {
                delete(dir);
            }
        }
    }

    private static void delete(Path dir) {
        try {
            Trees.delete(dir);
        } catch (IOException e) {
            log.debug("warm-up directory {}", dir, e);
        }
    }
}
