package borealis.persistence.volume.client;

import borealis.persistence.volume.log.LogRecord;
import borealis.persistence.volume.log.VolumeLayout;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Fetches a run of the log back from the replicas that still hold it as records (each keeps its
 * recent applied records and whatever it has not applied), checking every group's chain of
 * {@code prevLsnInGroup} links and the run's density across the volume.
 */
final class HeldRecordsFetch {

    private HeldRecordsFetch() {}

    /** Records in (afterLsn, vcl], in LSN order, or null when some group's replicas no longer hold all of theirs. */
    static List<LogRecord> between(SegmentTransport transport, String id, ReplicatedVolume.Settings settings, long[] lastInGroup,
                                   long afterLsn, long vcl) throws IOException {
        List<LogRecord> all = new ArrayList<>();
        for (int g = 0; g < lastInGroup.length; g++) {
            if (lastInGroup[g] <= afterLsn) {
                continue;
            }
            List<LogRecord> group = null;
            for (int r = 0; r < VolumeLayout.REPLICAS && group == null; r++) {
                group = chainFrom(transport, id, settings, g, r, afterLsn, lastInGroup[g]);
            }
            if (group == null) {
                return null;
            }
            all.addAll(group);
        }
        all.sort(Comparator.comparingLong(LogRecord::lsn));
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).lsn() != afterLsn + 1 + i) {
                return null;
            }
        }
        return all.size() == vcl - afterLsn ? all : null;
    }

    /** Group {@code g}'s records in (afterLsn, last] from one replica, checked link by link; null if it lacks any. */
    private static List<LogRecord> chainFrom(SegmentTransport transport, String id, ReplicatedVolume.Settings settings, int g, int replica,
                                             long afterLsn, long last) throws IOException {
        List<LogRecord> out = new ArrayList<>();
        long from = afterLsn;
        long prev = -1;
        try {
            while (true) {
                SegmentTransport.HeldRecords page = transport.recordsAfter(g, replica, from, settings.maxBatchBytes())
                        .get(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
                for (LogRecord rec : page.records()) {
                    if (rec.lsn() <= from || rec.lsn() > last) {
                        continue;
                    }
                    boolean linked = prev < 0 ? rec.prevLsnInGroup() <= afterLsn : rec.prevLsnInGroup() == prev;
                    if (!linked) {
                        return null;
                    }
                    out.add(rec);
                    prev = rec.lsn();
                    if (prev == last) {
                        return out;
                    }
                }
                if (!page.more() || page.records().isEmpty()) {
                    return null;
                }
                from = prev < 0 ? page.records().get(page.records().size() - 1).lsn() : prev;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted fetching records of volume " + id, e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return null;
        }
    }
}
