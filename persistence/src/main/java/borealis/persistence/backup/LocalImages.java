package borealis.persistence.backup;

import borealis.persistence.crypto.FileKeys;
import borealis.persistence.files.Fsync;
import borealis.persistence.files.OwnerOnly;
import borealis.persistence.files.Trees;
import borealis.persistence.volume.segment.LayerFiles;
import borealis.persistence.volume.segment.SegmentFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The newest base images of the volumes whose writer runs here, kept beside the node's replicas as
 * one layer file per protection group, as the image was copied. A restore (or backtrack, or clone
 * as of a past time) from such an image hard-links the layers into the new replicas instead of
 * reading the image from the store and writing the volume again, and replays only the log after
 * the image: its time grows with that log, not with the volume's size.
 *
 * <p>Layout: {@code <root>/<volume id>/<start>-<end>-<takenMillis>/} (the image's numbers in the
 * store) holding {@code layer-img<h><start>g<group>} and {@code image.meta} (size, group size).
 * A copy is written in a {@code .part} directory renamed when whole, so a directory without the
 * suffix is complete. Disk: {@code keep} copies of each such volume.
 */
public final class LocalImages {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LocalImages.class);
    private static final String META = "image.meta";
    private static final String PART = ".part";

    private final Path root;
    private final int keep;
    private final Function<String, FileKeys> keys;

    /** {@code keys}: the at-rest keys a volume's files are encrypted under ({@link FileKeys#NONE}: plaintext). */
    public LocalImages(Path root, int keep, Function<String, FileKeys> keys) throws IOException {
        if (keep < 1) {
            throw new IllegalArgumentException("local images: keep at least 1, not " + keep);
        }
        this.root = root.toAbsolutePath();
        this.keep = keep;
        this.keys = keys;
        OwnerOnly.createDirectories(this.root);
        // Copies a crash cut short are never used: removed.
        try (Stream<Path> s = Files.walk(this.root)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(PART) && Files.isDirectory(p)).toList()) {
                Trees.delete(p);
            }
        }
    }

    /** A complete local copy of one base image. */
    public record Image(Path dir, long size, long groupSize, List<String> layerIds) {}

    /** The local copy of the image stored as {@code imageKey} of {@code volumeId}, or null. */
    public Image find(String volumeId, String imageKey) {
        BaseImages.Key k = BaseImages.parse(imageKey);
        if (k == null) {
            return null;
        }
        Path dir = volumeDir(volumeId).resolve(name(k.start(), k.end(), k.takenMillis()));
        try {
            if (!Files.isRegularFile(dir.resolve(META))) {
                return null;
            }
            String[] meta = Files.readString(dir.resolve(META), StandardCharsets.UTF_8).strip().split(" ");
            long size = Long.parseLong(meta[0]);
            long groupSize = Long.parseLong(meta[1]);
            int groups = (int) Math.max(1, (size + groupSize - 1) / groupSize);
            List<String> ids = new ArrayList<>();
            for (int g = 0; g < groups; g++) {
                String id = layerId(volumeId, k.start(), g);
                if (!Files.exists(dir.resolve(SegmentFiles.layerFile(id)))) {
                    return null;
                }
                ids.add(id);
            }
            return new Image(dir, size, groupSize, ids);
        } catch (IOException | RuntimeException e) {
            LOG.warn("local copy of base image {} unreadable, not used: {}", imageKey, e.toString());
            return null;
        }
    }

    /** Starts a local copy of an image of {@code volumeId} (groups of {@code groupSize}) about to be taken. */
    Copy begin(String volumeId, long groupSize) throws IOException {
        return new Copy(volumeId, groupSize);
    }

    /**
     * Keeps the newest {@code keep} copies of {@code volumeId} among those whose image the store
     * still holds ({@code storedImageKeys}); deletes the others.
     */
    void retain(String volumeId, Collection<String> storedImageKeys) throws IOException {
        Path dir = volumeDir(volumeId);
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<String> stored = storedImageKeys.stream().map(BaseImages::parse).filter(java.util.Objects::nonNull)
                .sorted(Comparator.comparingLong(BaseImages.Key::start).reversed())
                .map(k -> name(k.start(), k.end(), k.takenMillis())).toList();
        List<String> wanted = stored.subList(0, Math.min(keep, stored.size()));
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (!n.endsWith(PART) && !wanted.contains(n)) {
                    Trees.delete(p); // restored replicas keep their own links to its layers
                }
            }
        }
    }

    /**
     * For every volume with local copies here but no writer archiving here ({@code active}): keeps
     * only copies of images the store still holds ({@code storedImages}, by volume; a volume
     * absent has none). A writer that moved to another node leaves its copies here until the store
     * prunes their images.
     */
    void retainInactive(java.util.Map<String, List<String>> storedImages, java.util.Set<String> active) throws IOException {
        List<String> volumes = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path meta : s.filter(p -> p.getFileName().toString().equals(META)).toList()) {
                Path volumeDir = meta.getParent().getParent();
                String volumeId = root.relativize(volumeDir).toString().replace(java.io.File.separatorChar, '/');
                if (!volumes.contains(volumeId)) {
                    volumes.add(volumeId);
                }
            }
        }
        for (String volumeId : volumes) {
            if (!active.contains(volumeId)) {
                retain(volumeId, storedImages.getOrDefault(volumeId, List.of()));
            }
        }
    }

    /** Removes every local copy of {@code volumeId} (its backup was swept). */
    void drop(String volumeId) throws IOException {
        Trees.delete(volumeDir(volumeId));
    }

    private Path volumeDir(String volumeId) {
        BackupCatalog.prefix(volumeId); // validates: no ".." or separators beyond the id's own
        return root.resolve(volumeId);
    }

    private static String name(long start, long end, long takenMillis) {
        return start + "-" + end + "-" + takenMillis;
    }

    /** Unique per volume and image: a backtracked replica may already hold the layer of an earlier backtrack to the same image. */
    static String layerId(String volumeId, long start, int group) {
        return "img" + Integer.toHexString(volumeId.hashCode()) + "s" + start + "g" + group;
    }

    /** One image being copied, chunk by chunk in offset order, into a layer per group. */
    final class Copy implements AutoCloseable {
        private final String volumeId;
        private final long groupSize;
        private final Path dir;
        private final byte[] buf = new byte[BaseImages.CHUNK];
        private LayerFiles.Writer layer;
        private int group = -1;
        private long next;
        private final List<Integer> groups = new ArrayList<>();
        private boolean done;

        private Copy(String volumeId, long groupSize) throws IOException {
            this.volumeId = volumeId;
            this.groupSize = groupSize;
            this.dir = volumeDir(volumeId).resolve(java.util.UUID.randomUUID() + PART);
            OwnerOnly.createDirectories(dir);
        }

        /** The next {@code n} bytes of the volume, at {@code offset} (never below the last call's end). */
        void chunk(long offset, byte[] bytes, int n) throws IOException {
            if (offset < next) {
                throw new IllegalStateException("image copied out of order");
            }
            if (offset > next) {
                zeros(offset);
            }
            int done = 0;
            while (done < n) {
                long at = offset + done;
                int g = (int) (at / groupSize);
                if (g != group) {
                    openGroup(g);
                }
                int len = (int) Math.min(n - done, (long) (g + 1) * groupSize - at);
                System.arraycopy(bytes, done, buf, 0, len); // the writer encrypts in place
                layer.append(buf, len);
                done += len;
            }
            next = offset + n;
        }

        private void zeros(long upTo) throws IOException {
            java.util.Arrays.fill(buf, (byte) 0);
            while (next < upTo) {
                int n = (int) Math.min(buf.length, upTo - next);
                chunk(next, buf.clone(), n);
            }
        }

        private void openGroup(int g) throws IOException {
            if (layer != null) {
                layer.finish();
                layer.close();
            }
            group = g;
            groups.add(g);
            layer = new LayerFiles.Writer(dir.resolve(SegmentFiles.layerFile(layerId(volumeId, -1, g))), keys.apply(volumeId));
        }

        /** The copy is whole: named after the stored image ({@code size} bytes, LSNs start..end). */
        void finish(long size, long start, long end, long takenMillis) throws IOException {
            if (next < size) {
                zeros(size);
            }
            if (layer == null) {
                openGroup(0); // an empty volume: one empty layer
            }
            layer.finish();
            layer.close();
            layer = null;
            // Layers were written under a provisional id: renamed to the image's.
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    String n = p.getFileName().toString();
                    for (int g : groups) {
                        String from = SegmentFiles.layerFile(layerId(volumeId, -1, g));
                        if (n.equals(from) || n.startsWith(from + ".")) {
                            Files.move(p, dir.resolve(SegmentFiles.layerFile(layerId(volumeId, start, g)) + n.substring(from.length())));
                        }
                    }
                }
            }
            OwnerOnly.writeNew(dir.resolve(META), (size + " " + groupSize + "\n").getBytes(StandardCharsets.UTF_8));
            Fsync.directory(dir);
            Path finalDir = dir.resolveSibling(name(start, end, takenMillis));
            Files.move(dir, finalDir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Fsync.parentOf(finalDir);
            done = true;
        }

        @Override
        public void close() throws IOException {
            if (layer != null) {
                layer.close();
            }
            if (!done) {
                Trees.delete(dir);
            }
        }
    }
}
