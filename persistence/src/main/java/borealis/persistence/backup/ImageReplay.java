package borealis.persistence.backup;

import borealis.persistence.crypto.FileKeys;
import borealis.persistence.files.Fsync;
import borealis.persistence.files.OwnerOnly;
import borealis.persistence.volume.segment.BlockFile;
import borealis.persistence.volume.segment.LayerFiles;
import borealis.persistence.volume.segment.SegmentFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Lays a volume out at a restore point from a local copy of its base image ({@link LocalImages}):
 * each group's image layer is hard-linked, and the archived log after the image up to the point
 * is written into a new layer over it, which holds only the blocks that log touched. Nothing of
 * the image is copied, so the time grows with the log to replay, not with the volume.
 */
public final class ImageReplay {

    private ImageReplay() {}

    /** One layer per group of the restored volume (in {@code staging}), its size, and the bytes of log written. */
    public record LaidOut(List<String> layerIds, long size, long logBytes) {}

    /**
     * Lays out {@code target} in {@code staging} (on the image's file system), under layer ids
     * starting with {@code id}; new files are encrypted under {@code keys}.
     */
    public static LaidOut layOut(BackupService backups, BackupCatalog.Target target, LocalImages.Image image, Path staging, String id,
                                 FileKeys keys) throws IOException {
        OwnerOnly.createDirectories(staging);
        long groupSize = image.groupSize();
        int imageGroups = image.layerIds().size();
        List<String> bases = new ArrayList<>();
        for (int g = 0; g < imageGroups; g++) {
            // Linked under this restore's own names: a replica that a backtrack to the same image
            // seeded before must not take it for the layer it already started over, and pruning
            // the local copy meanwhile cannot take the layers away.
            bases.add(id + "g" + g + "i");
            link(image.dir(), image.layerIds().get(g), staging, bases.get(g));
        }
        TreeMap<Integer, BlockFile> touched = new TreeMap<>();
        long[] logBytes = {0};
        try {
            BackupCatalog.Replay into = new BackupCatalog.Replay() {
                private BlockFile file(int g) throws IOException {
                    BlockFile f = touched.get(g);
                    return f != null ? f : open(staging, id, g, g < imageGroups ? bases.get(g) : null, keys, touched);
                }

                @Override
                public void write(long offset, byte[] payload) throws IOException {
                    logBytes[0] += payload.length;
                    for (int done = 0; done < payload.length; ) {
                        long at = offset + done;
                        int g = (int) (at / groupSize);
                        int n = (int) Math.min(payload.length - done, (g + 1L) * groupSize - at);
                        byte[] part = done == 0 && n == payload.length ? payload : java.util.Arrays.copyOfRange(payload, done, done + n);
                        file(g).write(at - g * groupSize, part);
                        done += n;
                    }
                }

                @Override
                public void truncate(long offset) throws IOException {
                    int highest = Math.max(imageGroups - 1, touched.isEmpty() ? -1 : touched.lastKey());
                    for (int g = (int) (offset / groupSize); g <= highest; g++) {
                        file(g).truncate(Math.max(0, offset - g * groupSize));
                    }
                }
            };
            long size = backups.replay(target, image.size(), into);
            int groups = (int) Math.max(1, (size + groupSize - 1) / groupSize);
            List<String> ids = new ArrayList<>();
            for (int g = 0; g < groups; g++) {
                long length = Math.max(0, Math.min(groupSize, size - g * groupSize));
                BlockFile f = touched.get(g);
                if (f == null && g < imageGroups && imageLength(image, g) == length) {
                    ids.add(bases.get(g)); // untouched since the image: the image's layer itself
                    continue;
                }
                if (f == null) {
                    f = open(staging, id, g, g < imageGroups ? bases.get(g) : null, keys, touched);
                }
                if (f.length() != length) {
                    f.truncate(length);
                }
                ids.add(id + "g" + g);
            }
            for (BlockFile f : touched.values()) {
                f.force();
            }
            Fsync.directory(staging);
            return new LaidOut(ids, size, logBytes[0]);
        } finally {
            for (BlockFile f : touched.values()) {
                f.close();
            }
        }
    }

    /** Group {@code g}'s new layer, over the image's ({@code base}) or on its own. */
    private static BlockFile open(Path staging, String id, int g, String base, FileKeys keys, TreeMap<Integer, BlockFile> touched)
            throws IOException {
        Path path = staging.resolve(SegmentFiles.layerFile(id + "g" + g));
        BlockFile f = base != null ? LayerFiles.openOver(path, base, keys) : new BlockFile(path, keys);
        touched.put(g, f);
        return f;
    }

    private static long imageLength(LocalImages.Image image, int g) {
        return Math.max(0, Math.min(image.groupSize(), image.size() - g * image.groupSize()));
    }

    /** Hard-links layer {@code layerId} of {@code dir} (its data and sidecars) into {@code into} as layer {@code as}. */
    static void link(Path dir, String layerId, Path into, String as) throws IOException {
        String from = SegmentFiles.layerFile(layerId);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (n.equals(from) || n.startsWith(from + ".")) {
                    Files.createLink(into.resolve(SegmentFiles.layerFile(as) + n.substring(from.length())), f);
                }
            }
        }
    }
}
