package borealis.persistence.journal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The journal's in-memory index: for each persistence id, where its events' payloads lie, its
 * highest sequence number and how far it is deleted; it keeps each file's count of live events
 * current. Rebuilt from the files by recovery. Guarded by the {@link JournalStore}'s lock: every
 * method is called holding it.
 */
final class JournalIndex {

    private static final class PidIndex {
        long highest;
        long deletedTo;
        int lastFile;
        final TreeMap<Long, JournalStore.Location> events = new TreeMap<>();
    }

    private final Map<String, PidIndex> pids = new HashMap<>();
    /** The store's open files, whose live events this index counts. */
    private final Map<Integer, JournalStore.FileInfo> files;

    JournalIndex(Map<Integer, JournalStore.FileInfo> files) {
        this.files = files;
    }

    /** Takes in an entry written to {@code file} at {@code entryStart}. */
    void apply(LogEntry entry, JournalStore.FileInfo file, long entryStart) {
        PidIndex pid = pids.computeIfAbsent(entry.persistenceId(), k -> new PidIndex());
        pid.lastFile = file.id;
        if (entry instanceof LogEntry.Events e) {
            // Payload positions follow the layout written by LogEntry.encode.
            long pos = entryStart + LogEntry.HEADER + 1 + 2 + e.persistenceId().getBytes(StandardCharsets.UTF_8).length + 4;
            for (int i = 0; i < e.seqNrs().length; i++) {
                pos += 12;
                long seqNr = e.seqNrs()[i];
                int n = e.payloads()[i].length;
                if (seqNr > pid.deletedTo) {
                    JournalStore.Location old = pid.events.put(seqNr, new JournalStore.Location(file.id, pos, n));
                    if (old != null) {
                        release(old);
                    }
                    file.liveEvents++;
                }
                file.totalEvents++;
                pid.highest = Math.max(pid.highest, seqNr);
                pos += n;
            }
        } else if (entry instanceof LogEntry.Delete d) {
            delete(pid, d.toSeqNr());
        } else if (entry instanceof LogEntry.PidState s) {
            pid.highest = Math.max(pid.highest, s.highestSeqNr());
            delete(pid, s.deletedTo());
        }
    }

    private void delete(PidIndex pid, long toSeqNr) {
        if (toSeqNr <= pid.deletedTo) {
            return;
        }
        pid.deletedTo = toSeqNr;
        var dropped = pid.events.headMap(toSeqNr, true);
        for (JournalStore.Location l : dropped.values()) {
            release(l);
        }
        dropped.clear();
    }

    private void release(JournalStore.Location l) {
        JournalStore.FileInfo f = files.get(l.file());
        if (f != null) {
            f.liveEvents--;
        }
    }

    long highestSequenceNr(String persistenceId) {
        PidIndex pid = pids.get(persistenceId);
        return pid == null ? 0 : pid.highest;
    }

    boolean holds(String persistenceId, long seqNr) {
        PidIndex pid = pids.get(persistenceId);
        return pid != null && pid.events.containsKey(seqNr);
    }

    List<JournalStore.Located> located(String persistenceId, long from, long to, long max) {
        PidIndex pid = pids.get(persistenceId);
        List<JournalStore.Located> out = new ArrayList<>();
        if (pid == null || from > to) {
            return out;
        }
        for (Map.Entry<Long, JournalStore.Location> e : pid.events.subMap(from, true, to, true).entrySet()) {
            if (out.size() >= max) {
                break;
            }
            out.add(new JournalStore.Located(e.getKey(), e.getValue()));
        }
        return out;
    }

    /**
     * What must be written again before file {@code fileId} goes: its live events, and the
     * counters of persistence ids last mentioned there. {@code read} reads a payload.
     */
    List<LogEntry> carriedForward(int fileId, Function<JournalStore.Location, byte[]> read) {
        List<LogEntry> carry = new ArrayList<>();
        for (Map.Entry<String, PidIndex> e : pids.entrySet()) {
            PidIndex pid = e.getValue();
            List<Long> seqNrs = new ArrayList<>();
            for (Map.Entry<Long, JournalStore.Location> ev : pid.events.entrySet()) {
                if (ev.getValue().file() == fileId) {
                    seqNrs.add(ev.getKey());
                }
            }
            if (!seqNrs.isEmpty()) {
                carry.add(copyOf(e.getKey(), pid, seqNrs, read));
            } else if (pid.lastFile == fileId) {
                carry.add(new LogEntry.PidState(e.getKey(), pid.highest, pid.deletedTo));
            }
        }
        return carry;
    }

    /** An EVENTS entry re-stating live events so they survive the removal of their file. */
    private static LogEntry copyOf(String persistenceId, PidIndex pid, List<Long> seqNrs,
                                   Function<JournalStore.Location, byte[]> read) {
        long[] nrs = new long[seqNrs.size()];
        byte[][] payloads = new byte[seqNrs.size()][];
        for (int i = 0; i < nrs.length; i++) {
            nrs[i] = seqNrs.get(i);
            payloads[i] = read.apply(pid.events.get(nrs[i]));
        }
        return new LogEntry.Events(persistenceId, nrs, payloads);
    }
}
