package borealis.persistence.backup;

import borealis.persistence.volume.client.LogArchive.DurableRecord;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Durable records waiting for the next flush, already encoded as {@link LogSegments} lays them out
 * and held off the heap. Held on the heap for the second between flushes, every record a busy
 * writer made survived a few young collections and was promoted: a million-row insert left about
 * 150 MB of archived records in the old generation, which the heap guard took for the statement's
 * own growth and cancelled it (53200). Off the heap, only the flush's one short-lived array remains.
 */
final class ArchiveSpool {

    /** Direct chunks shared by every spool of a node: their native memory is reused, not left to the collector. */
    static final class Chunks {
        static final int SIZE = 1 << 20;
        private final ArrayDeque<ByteBuffer> idle = new ArrayDeque<>();
        private final int maxIdle;

        Chunks(int maxIdle) {
            this.maxIdle = maxIdle;
        }

        synchronized ByteBuffer take() {
            ByteBuffer b = idle.poll();
            return b != null ? b.clear() : ByteBuffer.allocateDirect(SIZE);
        }

        synchronized void give(List<ByteBuffer> buffers) {
            for (ByteBuffer b : buffers) {
                if (idle.size() < maxIdle) {
                    idle.push(b);
                }
            }
        }
    }

    private final Chunks chunks;
    private final List<ByteBuffer> held = new ArrayList<>();
    private final DataOutputStream out = new DataOutputStream(new OutputStream() {
        @Override
        public void write(int b) {
            room().put((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            while (len > 0) {
                ByteBuffer c = room();
                int n = Math.min(len, c.remaining());
                c.put(b, off, n);
                off += n;
                len -= n;
            }
        }
    });
    private int count;
    private long bytes;
    private long firstLsn;
    private long lastLsn;
    private long firstMillis;
    private long lastMillis;

    ArchiveSpool(Chunks chunks) {
        this.chunks = chunks;
    }

    private ByteBuffer room() {
        ByteBuffer last = held.isEmpty() ? null : held.get(held.size() - 1);
        if (last == null || !last.hasRemaining()) {
            last = chunks.take();
            held.add(last);
        }
        return last;
    }

    void add(DurableRecord d) {
        try {
            LogSegments.writeRecord(out, d);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the stream above throws none
        }
        if (count == 0) {
            firstLsn = d.record().lsn();
            firstMillis = d.durableAtMillis();
        }
        count++;
        lastLsn = d.record().lsn();
        lastMillis = d.durableAtMillis();
        bytes += d.record().wireSize();
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** What the records weigh on the wire (the queue's bound is counted in these). */
    long bytes() {
        return bytes;
    }

    long firstLsn() {
        return firstLsn;
    }

    long lastLsn() {
        return lastLsn;
    }

    long firstMillis() {
        return firstMillis;
    }

    long lastMillis() {
        return lastMillis;
    }

    /** The archived-log object holding every record added, as {@link LogSegments#decode} reads it. */
    byte[] toObject() {
        int body = out.size();
        byte[] all = new byte[LogSegments.HEADER_BYTES + body + 8];
        ByteBuffer w = ByteBuffer.wrap(all);
        LogSegments.writeHeader(w, count);
        for (ByteBuffer c : held) {
            w.put(c.duplicate().flip());
        }
        CRC32C crc = new CRC32C();
        crc.update(all, 0, all.length - 8);
        w.putLong(crc.getValue());
        return all;
    }

    /** Gives the chunks back; the spool is not used after. */
    void release() {
        chunks.give(held);
        held.clear();
    }
}
