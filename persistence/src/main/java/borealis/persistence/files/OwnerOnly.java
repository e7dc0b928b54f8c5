package borealis.persistence.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;

/**
 * Files and directories that only the node's OS user may read or write: the data directory, the
 * journals, block files, snapshots, the audit log and the secrets (0700 and 0600). They are created
 * with those permissions, never widened and then narrowed, so there is no moment in which another
 * local user could open them. On a file system without POSIX permissions the calls create normally.
 */
public final class OwnerOnly {

    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private OwnerOnly() {}

    /**
     * Creates {@code dir} and its missing parents, each created one 0700 and its entry forced into
     * its parent (a directory made but not synced can vanish with everything in it at a power
     * loss); an existing directory is left as it is.
     */
    public static Path createDirectories(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            return dir;
        }
        Path parent = abs.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            createDirectories(parent);
        }
        try {
            if (POSIX) {
                Files.createDirectory(abs, PosixFilePermissions.asFileAttribute(DIRECTORY));
            } else {
                Files.createDirectory(abs);
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            if (!Files.isDirectory(abs)) {
                throw e;
            }
            return dir;
        }
        if (parent != null) {
            Fsync.directory(parent);
        }
        return dir;
    }

    /**
     * Creates {@code dir} as {@link #createDirectories} does and narrows it to 0700 if it existed
     * wider (a data directory made by an older version): its contents then stay private whatever
     * permissions their own files have.
     */
    public static Path privateDirectory(Path dir) throws IOException {
        createDirectories(dir);
        if (POSIX && !Files.getPosixFilePermissions(dir).equals(DIRECTORY)) {
            Files.setPosixFilePermissions(dir, DIRECTORY);
        }
        return dir;
    }

    /** Opens a file channel; a file it creates is 0600 from its creation. */
    public static FileChannel open(Path file, OpenOption... options) throws IOException {
        boolean creates = Arrays.stream(options).anyMatch(o -> o == StandardOpenOption.CREATE || o == StandardOpenOption.CREATE_NEW);
        if (!creates || !POSIX) {
            return FileChannel.open(file, options);
        }
        FileAttribute<?> attr = PosixFilePermissions.asFileAttribute(FILE);
        return FileChannel.open(file, Set.of(options), attr);
    }

    /**
     * Creates a new file (it must not exist) with 0600, writes {@code content} into it and forces
     * both the file and its directory entry: secrets and logs created once must survive a power loss.
     */
    public static void writeNew(Path file, byte[] content) throws IOException {
        try (FileChannel ch = open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Fsync.parentOf(file);
    }

    /** Whether a file others can read or write (group or world bits set); false where permissions are not POSIX. */
    public static boolean isExposed(Path file) throws IOException {
        if (!POSIX) {
            return false;
        }
        Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
        return p.stream().anyMatch(x -> !FILE.contains(x) && x != PosixFilePermission.OWNER_EXECUTE);
    }
}
