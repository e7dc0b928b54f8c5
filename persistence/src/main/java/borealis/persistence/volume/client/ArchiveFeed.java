package borealis.persistence.volume.client;

import borealis.persistence.volume.log.LogRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The writer's records between registration and durability, for a {@link LogArchive}: marks which
 * record ends an engine write and hands records over once the VDL passes them. Used under the
 * volume's lock.
 */
final class ArchiveFeed {

    private static final class Pending {
        final LogRecord record;
        boolean boundary;

        Pending(LogRecord record) {
            this.record = record;
        }
    }

    private final LogArchive archive;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();

    ArchiveFeed(LogArchive archive) {
        this.archive = archive;
    }

    void registered(LogRecord r) {
        if (archive != LogArchive.NONE) {
            pending.addLast(new Pending(r));
        }
    }

    /** The record registered last ends an engine write (or the GROW that opens an epoch). */
    void boundary() {
        Pending last = pending.peekLast();
        if (last != null) {
            last.boundary = true;
        }
    }

    void closed() {
        archive.volumeClosed();
    }

    void durableUpTo(long vdl) {
        if (pending.isEmpty() || pending.peekFirst().record.lsn() > vdl) {
            return;
        }
        long now = System.currentTimeMillis();
        List<LogArchive.DurableRecord> out = new ArrayList<>();
        while (!pending.isEmpty() && pending.peekFirst().record.lsn() <= vdl) {
            Pending p = pending.pollFirst();
            out.add(new LogArchive.DurableRecord(p.record, p.boundary, now));
        }
        archive.durable(out);
    }
}
