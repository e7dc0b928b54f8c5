package borealis.actors.auth;

import borealis.persistence.files.OwnerOnly;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The node's secret files (the admin API token, the decoy-verifier secret): created owner-only
 * (0600) before anything is written to them, and refused when found readable or writable by
 * others, since their secret may then already be known.
 */
public final class SecretFiles {

    private SecretFiles() {}

    /** The file's content, trimmed; refused if others may read or write it. */
    public static String readPrivate(Path file) throws IOException {
        requirePrivate(file);
        return Files.readString(file).trim();
    }

    /** Creates the file owner-only, then writes {@code content} and a newline into it. */
    public static void createPrivate(Path file, String content) throws IOException {
        OwnerOnly.writeNew(file, (content + "\n").getBytes(StandardCharsets.UTF_8));
    }

    static void requirePrivate(Path file) throws IOException {
        if (OwnerOnly.isExposed(file)) {
            throw new IllegalStateException(file + " is readable or writable by other users ("
                    + PosixFilePermissions.toString(Files.getPosixFilePermissions(file)) + "), so its secret may be known: "
                    + "check who had access, then make it owner-only (chmod 600 " + file + ") or delete it to have a new one made");
        }
    }
}
