package borealis.persistence.volume.segment;

import borealis.persistence.files.OwnerOnly;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The directory of one replica's materialized block files, one per <em>generation</em>.
 *
 * <p>A replica normally lives in one generation. Hydration copies a peer's blocks into the next
 * generation's file while the current one stays untouched, and the replica switches over only when
 * the copy is complete and forced (an event records the switch). Replaying older events after a
 * crash therefore writes into the old generation's file, never over the fresh copy.
 */
public final class SegmentFiles {

    private static final String PREFIX = "blocks-";

    private final Path dir;

    public SegmentFiles(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path path(long generation) {
        return dir.resolve(PREFIX + generation);
    }

    /** Opens (creating if needed) a generation's block file. */
    public BlockFile open(long generation) {
        if (generation == 0) {
            adoptLegacyFile();
        }
        return new BlockFile(path(generation));
    }

    /**
     * Replicas written before file generations kept one file beside this directory,
     * {@code <dir>.blocks} (and its {@code .crc}); it becomes generation 0.
     */
    private void adoptLegacyFile() {
        Path legacy = dir.resolveSibling(dir.getFileName() + ".blocks");
        if (Files.exists(legacy) && !Files.exists(path(0))) {
            try {
                OwnerOnly.createDirectories(dir);
                Files.move(BlockFile.sumsPath(legacy), BlockFile.sumsPath(path(0)));
                Files.move(legacy, path(0));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot move " + legacy + " into " + dir, e);
            }
        }
    }

    /** Removes every generation's files except {@code keep}. */
    public void deleteAllBut(long keep) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(PREFIX) && !name.equals(PREFIX + keep) && !name.equals(PREFIX + keep + ".crc")) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + dir, e);
        }
    }

    /** Removes a generation's files (an abandoned copy). */
    public void delete(long generation) {
        try {
            BlockFile.delete(path(generation));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete generation " + generation + " in " + dir, e);
        }
    }
}
