package borealis.persistence.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Makes directory entries durable. A file's own fsync holds its content, not its name: a file
 * created, renamed or deleted is only where the directory says after a power loss once the
 * directory itself has been forced (POSIX fsync(2); ext4 without {@code auto_da_alloc}, XFS).
 */
public final class Fsync {

    private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");

    private Fsync() {}

    /** Forces {@code dir}'s entries (creations, renames, deletions in it) to disk. */
    public static void directory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Windows cannot open a directory for reading, and has nothing to force there.
            if (!WINDOWS) {
                throw e;
            }
        }
    }

    /** Forces the directory holding {@code file}. */
    public static void parentOf(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            directory(parent);
        }
    }
}
