package borealis.persistence.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The journal's files on disk: their names, and the header that begins each of them.
 *
 * <pre>
 * NNNNNNNNNN.journal: | int32 FILE_MAGIC | int32 salt | entries ({@link LogEntry}) ...
 * NNNNNNNNNN.spare:   a retired file waiting to be reused (ignored by recovery)
 * </pre>
 *
 * Every entry's checksum covers the file's salt first, so the entries a reused file still holds
 * from its previous use never pass as its own. Files written before headers existed begin with an
 * entry; they are read, and continued, unsalted ({@link LogEntry#UNSALTED}).
 */
final class JournalFiles {

    static final String SUFFIX = ".journal";
    static final String SPARE_SUFFIX = ".spare";
    /** First int of a file with a header; larger than any entry length, so older readers stop there. */
    static final int FILE_MAGIC = 0x424A4E31;
    static final int FILE_HEADER = 8;

    private JournalFiles() {}

    static Path journal(Path dir, int id) {
        return dir.resolve(String.format("%010d%s", id, SUFFIX));
    }

    static Path spare(Path dir, int id) {
        return dir.resolve(String.format("%010d%s", id, SPARE_SUFFIX));
    }

    static boolean isJournal(Path p) {
        return p.getFileName().toString().endsWith(SUFFIX);
    }

    static boolean isSpare(Path p) {
        return p.getFileName().toString().endsWith(SPARE_SUFFIX);
    }

    static int idOf(Path journal) {
        return Integer.parseInt(journal.getFileName().toString().replace(SUFFIX, ""));
    }

    /** The salt in a file's header, or {@link LogEntry#UNSALTED} if it has none. */
    static long saltOf(FileChannel ch) throws IOException {
        if (ch.size() < FILE_HEADER) {
            return LogEntry.UNSALTED;
        }
        ByteBuffer h = ByteBuffer.allocate(FILE_HEADER);
        readFully(ch, h, 0);
        return h.getInt(0) == FILE_MAGIC ? h.getInt(4) & 0xFFFF_FFFFL : LogEntry.UNSALTED;
    }

    /** A random salt, never the one a reused file had (its old entries would pass again). */
    static long newSalt(FileChannel reused) throws IOException {
        long old = reused == null ? LogEntry.UNSALTED : saltOf(reused);
        long salt;
        do {
            salt = ThreadLocalRandom.current().nextInt() & 0xFFFF_FFFFL;
        } while (salt == old);
        return salt;
    }

    static void writeHeader(FileChannel ch, long salt) throws IOException {
        writeFully(ch, ByteBuffer.allocate(FILE_HEADER).putInt(0, FILE_MAGIC).putInt(4, (int) salt), 0);
    }

    static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + buf.position());
            if (n < 0) {
                throw new IOException("unexpected end of journal file");
            }
        }
    }

    static void writeFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf, pos + buf.position());
        }
    }
}
