package borealis.persistence.volume.segment;

import borealis.persistence.crypto.FileKeys;
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
 *
 * <p>For a clone, a generation is <em>frozen</em>: its files are renamed to a layer
 * ({@code layer-<id>}), never written again, and the next generation is created empty over it.
 * The clone's replica hard-links the layer (and the layers below it) into its own directory and
 * lays a generation of its own over it. A layer stays as long as any replica's current generation
 * reaches it; deleting the source only drops the source's links.
 */
public final class SegmentFiles {

    private static final String PREFIX = "blocks-";
    private static final String LAYER = "layer-";

    private final Path dir;
    private final FileKeys keys;

    public SegmentFiles(Path dir) {
        this(dir, FileKeys.NONE);
    }

    /** With {@code keys}, new block files are encrypted (and encrypted ones found are read). */
    public SegmentFiles(Path dir, FileKeys keys) {
        this.dir = dir;
        this.keys = keys;
    }

    public FileKeys keys() {
        return keys;
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
        return new BlockFile(path(generation), keys);
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
                for (Path f : LayerFiles.filesOf(legacy)) {
                    if (Files.exists(f)) { // the data file last
                        Files.move(f, dir.resolve(f.getFileName().toString().replace(legacy.getFileName().toString(), path(0).getFileName().toString())));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot move " + legacy + " into " + dir, e);
            }
        }
    }

    public static String layerFile(String layerId) {
        return LAYER + layerId;
    }

    /**
     * Freezes generation {@code generation} as layer {@code layerId} and creates {@code next} over
     * it. The caller has forced and closed the generation's file. Done again after a crash (or on
     * replay) it finishes what is missing: the data file is renamed last, so a layer whose data file
     * exists has all its sidecars.
     */
    public void freeze(long generation, String layerId, long next) {
        Path layer = dir.resolve(layerFile(layerId));
        try {
            OwnerOnly.createDirectories(dir);
            if (!Files.exists(layer)) {
                Path from = path(generation);
                if (!Files.exists(from)) {
                    new BlockFile(from, keys).close(); // lost: the layer is empty, and the replica's checks see it
                }
                for (Path f : LayerFiles.filesOf(from)) {
                    if (Files.exists(f)) {
                        Files.move(f, dir.resolve(f.getFileName().toString().replace(from.getFileName().toString(), layer.getFileName().toString())),
                                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    }
                }
                borealis.persistence.files.Fsync.directory(dir);
            }
            if (LayerFiles.layerName(path(next)) == null) {
                LayerFiles.createOver(path(next), layerFile(layerId));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot freeze generation " + generation + " of " + dir + " as layer " + layerId, e);
        }
    }

    /**
     * Hard-links layer {@code layerId} of another replica's directory, and every layer below it,
     * into this one (what is linked already stays). Fails if the layer is neither here nor there,
     * or lies on another file system. {@code own}: the layer becomes this replica's (a restore's,
     * which no other cluster holds), else it stays its source's and is not charged here.
     */
    public void adopt(Path sourceDir, String layerId, boolean own) throws IOException {
        OwnerOnly.createDirectories(dir);
        String name = layerFile(layerId);
        while (name != null) {
            Path mineLayer = dir.resolve(name);
            Path theirs = sourceDir.resolve(name);
            if (!Files.exists(mineLayer) && !Files.exists(theirs)) {
                throw new IOException("layer " + name + " is in neither " + sourceDir + " nor " + dir);
            }
            for (Path f : LayerFiles.filesOf(theirs)) {
                Path mine = dir.resolve(f.getFileName().toString());
                if (Files.exists(f) && !Files.exists(mine)) {
                    Files.createLink(mine, f);
                }
            }
            if (!own && !Files.exists(LayerFiles.adoptedMarker(mineLayer))) {
                OwnerOnly.writeNew(LayerFiles.adoptedMarker(mineLayer), new byte[0]);
            }
            name = LayerFiles.layerName(mineLayer);
        }
        borealis.persistence.files.Fsync.directory(dir);
    }

    /** The layer file generation {@code generation} lies over, or null. */
    public String layerOf(long generation) {
        try {
            return LayerFiles.layerName(path(generation));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the layer of generation " + generation + " in " + dir, e);
        }
    }

    /** Creates generation {@code generation} over layer {@code layerId} (linked here), unless done already. */
    public void createOver(long generation, String layerId) {
        try {
            if (LayerFiles.layerName(path(generation)) == null) {
                LayerFiles.createOver(path(generation), layerFile(layerId));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create generation " + generation + " of " + dir + " over layer " + layerId, e);
        }
    }

    /** Removes every generation's files except {@code keep}, and the layers {@code keep} does not lie over. */
    public void deleteAllBut(long keep) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try {
            java.util.Set<String> layers = new java.util.HashSet<>();
            for (String l = LayerFiles.layerName(path(keep)); l != null; l = LayerFiles.layerName(dir.resolve(l))) {
                layers.add(l);
            }
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    String name = p.getFileName().toString();
                    boolean otherGeneration = name.startsWith(PREFIX) && !name.equals(PREFIX + keep) && !name.startsWith(PREFIX + keep + ".");
                    boolean unusedLayer = name.startsWith(LAYER) && !layers.contains(name.split("\\.", 2)[0]);
                    if (otherGeneration || unusedLayer) {
                        Files.deleteIfExists(p);
                    }
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
