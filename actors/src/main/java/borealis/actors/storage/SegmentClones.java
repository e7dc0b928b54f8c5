package borealis.actors.storage;

import borealis.actors.storage.StorageSegment.Event;
import borealis.actors.storage.StorageSegment.Freeze;
import borealis.actors.storage.StorageSegment.FrozenLayer;
import borealis.actors.storage.StorageSegment.Seed;
import borealis.actors.storage.StorageSegment.SeedDone;
import borealis.persistence.volume.segment.SegmentFiles;
import borealis.persistence.volume.segment.SegmentState;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * A replica's part in clones and laid-out restores: freezing its blocks as a layer for a clone,
 * and starting over a layer (a clone's source replica's, or a restore's). The entity's commands
 * {@link Freeze} and {@link Seed}; the state changes are its events {@code Frozen} and {@code Seeded}.
 */
final class SegmentClones {

    private final int group;
    private final int replica;
    private final SegmentFiles files;

    SegmentClones(int group, int replica, SegmentFiles files) {
        this.group = group;
        this.replica = replica;
        this.files = files;
    }

    ReplyEffect<Event, SegmentState> freeze(EffectFactories<Event, SegmentState> effect, SegmentState s, Freeze c) {
        if (s.epoch() != c.epoch()) {
            return effect.reply(c.replyTo(), refused(c.layerId(), "replica serves writer epoch " + s.epoch() + ", not " + c.epoch()));
        }
        if (SegmentFiles.layerFile(c.layerId()).equals(currentLayer(s))) {
            // Asked again (a lost answer): frozen already, and the writer has held its writes since.
            return effect.reply(c.replyTo(), frozenLayer(s, c.layerId()));
        }
        s.advanceDurable(c.groupLast()); // the writer holds its writes: everything up to it is durable
        String unfit = s.unfitToFreeze(c.groupLast());
        if (unfit != null) {
            return effect.reply(c.replyTo(), refused(c.layerId(), unfit));
        }
        String current = currentLayer(s);
        if (current != null && s.file().isUntouchedOverlay()) {
            // Nothing written since the last freeze: the clone shares that layer, and no level is added.
            return effect.reply(c.replyTo(), frozenLayer(s, current.substring(SegmentFiles.layerFile("").length())));
        }
        // Two generations on: a hydration in flight copies into the next one, and is then dropped as stale.
        return effect.persist((Event) new StorageSegment.Frozen(c.layerId(), s.generation() + 2))
                .thenReply(c.replyTo(), after -> frozenLayer(after, c.layerId()));
    }

    /** {@code seeded} runs once the seed is persisted (the entity stops a gap round begun at start-up). */
    ReplyEffect<Event, SegmentState> seed(EffectFactories<Event, SegmentState> effect, SegmentState s, Seed c, Runnable seeded) {
        FrozenLayer from = c.from();
        if (SegmentFiles.layerFile(from.layerId()).equals(currentLayer(s))) {
            return effect.reply(c.replyTo(), new SeedDone(group, replica, null)); // seeded before
        }
        if ((s.highestLsn() > 0 || s.epoch() > 0) && c.writerEpoch() <= s.epoch()) {
            return effect.reply(c.replyTo(), new SeedDone(group, replica, "replica holds records up to LSN " + s.highestLsn()
                    + " of writer epoch " + s.epoch() + ", not older than " + c.writerEpoch()));
        }
        try {
            files.adopt(Path.of(from.dir()), from.layerId(), c.own());
        } catch (IOException e) {
            // Another node's disk, or the layer is gone: this replica fills from its seeded peers instead.
            return effect.reply(c.replyTo(), new SeedDone(group, replica, "cannot link the layer: " + e));
        }
        return effect.persist((Event) new StorageSegment.Seeded(from.layerId(), s.generation() + 2, from.appliedLsn(), from.durableHint(),
                        from.highestGroup(), c.writerEpoch()))
                .thenRun(after -> seeded.run())
                .thenReply(c.replyTo(), after -> new SeedDone(group, replica, null));
    }

    private FrozenLayer frozenLayer(SegmentState s, String layerId) {
        return new FrozenLayer(group, replica, files.dir().toAbsolutePath().toString(), layerId, s.appliedLsn(), s.durableHint(),
                s.highestGroup(), null);
    }

    private FrozenLayer refused(String layerId, String why) {
        return new FrozenLayer(group, replica, files.dir().toAbsolutePath().toString(), layerId, 0, 0, 0, why);
    }

    private String currentLayer(SegmentState s) {
        return files.layerOf(s.generation());
    }
}
