package borealis.persistence.backup;

import borealis.persistence.volume.client.LogArchive.DurableRecord;
import borealis.persistence.volume.log.LogRecord;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The archived log: each object holds a run of consecutive durable records of one volume, with
 * whether each ends an engine write and when it became durable, followed by a CRC-32C of
 * everything before it. The key names the run, {@code <volume>/log/<first>-<last>-<lastMillis>.log},
 * so that the catalog is a listing.
 */
final class LogSegments {

    private static final int MAGIC = 0x424c4f47; // "BLOG"
    private static final int VERSION = 1;
    private static final byte COMPRESSED = 1;
    private static final byte BOUNDARY = 2;

    /** A listed object: the LSNs it holds and when its last record became durable. */
    record Key(String key, long first, long last, long lastMillis) {}

    private LogSegments() {}

    static String key(String volumePrefix, long first, long last, long lastMillis) {
        return ObjectNames.name(volumePrefix, "log", first, last, lastMillis, "log");
    }

    /** Parses a listed key; null for something else. */
    static Key parse(String key) {
        long[] n = ObjectNames.numbers(key, "log");
        return n == null ? null : new Key(key, n[0], n[1], n[2]);
    }

    /** Magic, version and record count. */
    static final int HEADER_BYTES = 12;

    static void writeHeader(java.nio.ByteBuffer out, int count) {
        out.putInt(MAGIC).putInt(VERSION).putInt(count);
    }

    static void writeRecord(java.io.DataOutput out, DurableRecord d) throws IOException {
        LogRecord r = d.record();
        out.writeLong(r.lsn());
        out.writeLong(r.prevLsnInGroup());
        out.writeInt(r.group());
        out.writeByte(r.kind().ordinal());
        out.writeLong(r.offset());
        out.writeInt(r.length());
        out.writeByte((r.compressed() ? COMPRESSED : 0) | (d.boundary() ? BOUNDARY : 0));
        out.writeLong(d.durableAtMillis());
        out.writeInt(r.data() == null ? -1 : r.data().length);
        if (r.data() != null) {
            out.write(r.data());
        }
    }

    static byte[] encode(List<DurableRecord> records) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(records.size());
        for (DurableRecord d : records) {
            writeRecord(out, d);
        }
        out.flush();
        CRC32C crc = new CRC32C();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        return bytes.toByteArray();
    }

    static List<DurableRecord> decode(String key, InputStream in) throws IOException {
        byte[] all = in.readAllBytes();
        if (all.length < 20) {
            throw new IOException("backup object " + key + " is truncated");
        }
        CRC32C crc = new CRC32C();
        crc.update(all, 0, all.length - 8);
        DataInputStream data = new DataInputStream(new java.io.ByteArrayInputStream(all));
        data.skipNBytes(all.length - 8);
        if (data.readLong() != crc.getValue()) {
            throw new IOException("backup object " + key + " fails its checksum");
        }
        DataInputStream d = new DataInputStream(new java.io.ByteArrayInputStream(all, 0, all.length - 8));
        if (d.readInt() != MAGIC || d.readInt() != VERSION) {
            throw new IOException("backup object " + key + " is not an archived log of this version");
        }
        int n = d.readInt();
        List<DurableRecord> out = new ArrayList<>(n);
        LogRecord.Kind[] kinds = LogRecord.Kind.values();
        for (int i = 0; i < n; i++) {
            long lsn = d.readLong();
            long prev = d.readLong();
            int group = d.readInt();
            LogRecord.Kind kind = kinds[d.readByte()];
            long offset = d.readLong();
            int length = d.readInt();
            byte flags = d.readByte();
            long at = d.readLong();
            int dataLength = d.readInt();
            byte[] bytes = dataLength < 0 ? null : d.readNBytes(dataLength);
            out.add(new DurableRecord(new LogRecord(lsn, prev, group, kind, offset, bytes, length, (flags & COMPRESSED) != 0),
                    (flags & BOUNDARY) != 0, at));
        }
        return out;
    }
}
