package borealis.persistence.journal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * One entry of a journal log file, and its on-disk form.
 *
 * <pre>
 * | int32 length of body | int32 CRC32C of (the file's salt,) body | body                     |
 * body: | byte type | str persistenceId | ...
 *   EVENTS:    | int32 count | count x ( int64 seqNr | int32 n | n bytes serialized PersistentRepr ) |
 *   DELETE:    | int64 toSeqNr |
 *   PID_STATE: | int64 highestSeqNr | int64 deletedTo |
 * str: | int16 n | n bytes UTF-8 |
 * </pre>
 *
 * An atomic write is one EVENTS entry, so a torn tail loses it whole or not at all.
 */
sealed interface LogEntry {

    int HEADER = 8;
    /** Upper bound of one entry, to reject a garbage length read from a torn or corrupt tail. */
    int MAX_BODY = 256 * 1024 * 1024;

    byte EVENTS = 1;
    byte DELETE = 2;
    byte PID_STATE = 3;

    String persistenceId();

    /** Events of one atomic write: consecutive sequence numbers of one persistent actor. */
    record Events(String persistenceId, long[] seqNrs, byte[][] payloads) implements LogEntry {}

    /** Events up to and including {@code toSeqNr} are deleted. */
    record Delete(String persistenceId, long toSeqNr) implements LogEntry {}

    /** Carries a persistent actor's counters forward when the file that held them is removed. */
    record PidState(String persistenceId, long highestSeqNr, long deletedTo) implements LogEntry {}

    static ByteBuffer encode(LogEntry entry) {
        ByteBuffer buf = ByteBuffer.allocate(encodedSize(entry));
        encodeInto(entry, buf);
        buf.flip();
        return buf;
    }

    /** Header and body. */
    static int encodedSize(LogEntry entry) {
        int size = HEADER + 1 + 2 + entry.persistenceId().getBytes(StandardCharsets.UTF_8).length;
        if (entry instanceof Events e) {
            size += 4;
            for (byte[] p : e.payloads()) {
                size += 12 + p.length;
            }
        } else if (entry instanceof Delete) {
            size += 8;
        } else {
            size += 16;
        }
        return size;
    }

    /** Writes the entry at {@code out}'s position (heap or direct) and advances it, without a salt. */
    static void encodeInto(LogEntry entry, ByteBuffer out) {
        encodeInto(entry, out, UNSALTED);
    }

    /** A file written before files had headers: checksums cover the body alone. */
    long UNSALTED = -1;

    /**
     * Writes the entry at {@code out}'s position (heap or direct) and advances it; the checksum
     * covers the file's salt (a non-negative int, or {@link #UNSALTED}) and then the body.
     */
    static void encodeInto(LogEntry entry, ByteBuffer out, long salt) {
        byte[] pid = entry.persistenceId().getBytes(StandardCharsets.UTF_8);
        int start = out.position();
        out.position(start + HEADER);
        if (entry instanceof Events e) {
            out.put(EVENTS).putShort((short) pid.length).put(pid).putInt(e.payloads().length);
            for (int i = 0; i < e.payloads().length; i++) {
                out.putLong(e.seqNrs()[i]).putInt(e.payloads()[i].length).put(e.payloads()[i]);
            }
        } else if (entry instanceof Delete d) {
            out.put(DELETE).putShort((short) pid.length).put(pid).putLong(d.toSeqNr());
        } else {
            PidState s = (PidState) entry;
            out.put(PID_STATE).putShort((short) pid.length).put(pid).putLong(s.highestSeqNr()).putLong(s.deletedTo());
        }
        int end = out.position();
        int size = end - start - HEADER;
        CRC32C crc = salted(salt);
        crc.update(out.duplicate().position(start + HEADER).limit(end));
        out.putInt(start, size).putInt(start + 4, (int) crc.getValue());
    }

    /** Decodes a body whose checksum was verified. */
    static LogEntry decode(ByteBuffer body) {
        byte type = body.get();
        byte[] pidBytes = new byte[body.getShort()];
        body.get(pidBytes);
        String pid = new String(pidBytes, StandardCharsets.UTF_8);
        return switch (type) {
            case EVENTS -> {
                int count = body.getInt();
                long[] seqNrs = new long[count];
                byte[][] payloads = new byte[count][];
                for (int i = 0; i < count; i++) {
                    seqNrs[i] = body.getLong();
                    payloads[i] = new byte[body.getInt()];
                    body.get(payloads[i]);
                }
                yield new Events(pid, seqNrs, payloads);
            }
            case DELETE -> new Delete(pid, body.getLong());
            case PID_STATE -> new PidState(pid, body.getLong(), body.getLong());
            default -> throw new IllegalStateException("unknown journal entry type " + type);
        };
    }

    static boolean checksumMatches(byte[] body, int crc) {
        return checksumMatches(body, crc, UNSALTED);
    }

    static boolean checksumMatches(byte[] body, int crc, long salt) {
        CRC32C c = salted(salt);
        c.update(body);
        return (int) c.getValue() == crc;
    }

    private static CRC32C salted(long salt) {
        CRC32C c = new CRC32C();
        if (salt != UNSALTED) {
            int v = (int) salt;
            c.update(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
        }
        return c;
    }
}
