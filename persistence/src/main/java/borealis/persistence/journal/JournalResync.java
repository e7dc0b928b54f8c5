package borealis.persistence.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Tells a torn tail from damage inside acknowledged entries. Where recovery meets an entry whose
 * length or checksum is wrong, a crash that cut the last write leaves nothing valid behind it; a
 * flipped bit or a bad sector in the middle leaves the entries after it intact. Those were forced
 * and acknowledged, so recovery must keep them: it looks for the next entry that passes its
 * checksum (with this file's salt, so a recycled file's old entries never match), first right
 * after the damaged entry if its length is intact, then byte by byte within a window.
 */
final class JournalResync {

    /** How far past the damage to look byte by byte: more than one group commit writes. */
    static final int WINDOW = 4 * 1024 * 1024;
    /** A candidate longer than this is not an entry this journal wrote (an atomic write is far smaller). */
    private static final int MAX_CANDIDATE = 16 * 1024 * 1024;

    private JournalResync() {}

    /** The position of the first valid entry after the damaged one at {@code damaged}, or -1 if none follows. */
    static long nextValidEntry(FileChannel ch, long damaged, long size, long salt) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(LogEntry.HEADER);
        JournalFiles.readFully(ch, header, damaged);
        int len = header.getInt(0);
        if (len > 0 && len <= MAX_CANDIDATE) {
            long after = damaged + LogEntry.HEADER + len;
            if (validAt(ch, after, size, salt)) {
                return after;
            }
        }
        long end = Math.min(size - LogEntry.HEADER - 3, damaged + WINDOW);
        ByteBuffer window = ByteBuffer.allocate((int) Math.max(0, end + LogEntry.HEADER + 3 - damaged));
        JournalFiles.readFully(ch, window, damaged);
        for (long pos = damaged + 1; pos <= end; pos++) {
            int at = (int) (pos - damaged);
            int n = window.getInt(at);
            // Cheap filters before a checksum: a plausible length, an entry type, a short persistence id.
            if (n <= 3 || n > MAX_CANDIDATE || pos + LogEntry.HEADER + n > size) {
                continue;
            }
            byte type = window.get(at + LogEntry.HEADER);
            short pidLength = window.getShort(at + LogEntry.HEADER + 1);
            if (type < LogEntry.EVENTS || type > LogEntry.PID_STATE || pidLength <= 0 || pidLength > MAX_PID
                    || pidLength + 3 > n || !printable(window, at + LogEntry.HEADER + 3, pidLength)) {
                continue;
            }
            // Most candidates that get here are whole entries of a recycled file's previous use:
            // checked in memory when they lie in the window (a read each made the scan take minutes).
            boolean matches = at + LogEntry.HEADER + n <= window.limit()
                    ? LogEntry.checksumMatches(java.util.Arrays.copyOfRange(window.array(), at + LogEntry.HEADER, at + LogEntry.HEADER + n),
                            window.getInt(at + 4), salt)
                    : validAt(ch, pos, size, salt);
            if (matches) {
                return pos;
            }
        }
        return -1;
    }

    /** Persistence ids are short printable ASCII (entity type, zone, cluster, group, replica). */
    private static final int MAX_PID = 512;

    private static boolean printable(ByteBuffer b, int from, int length) {
        if (from + length > b.limit()) {
            return false;
        }
        for (int i = from; i < from + length; i++) {
            byte c = b.get(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private static boolean validAt(FileChannel ch, long pos, long size, long salt) throws IOException {
        if (pos + LogEntry.HEADER > size) {
            return false;
        }
        ByteBuffer header = ByteBuffer.allocate(LogEntry.HEADER);
        JournalFiles.readFully(ch, header, pos);
        int len = header.getInt(0);
        if (len <= 0 || len > MAX_CANDIDATE || pos + LogEntry.HEADER + len > size) {
            return false;
        }
        ByteBuffer body = ByteBuffer.allocate(len);
        JournalFiles.readFully(ch, body, pos + LogEntry.HEADER);
        return LogEntry.checksumMatches(body.array(), header.getInt(4), salt);
    }
}
