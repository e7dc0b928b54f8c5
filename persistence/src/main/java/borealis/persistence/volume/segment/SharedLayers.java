package borealis.persistence.volume.segment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;

/**
 * The frozen layers open on this node, one instance per file whatever the names it is reached by
 * (a source and each of its clones link the same file): a source cloned a hundred times would
 * otherwise hold a hundred channels to one layer in every replica that reads through it.
 */
final class SharedLayers {

    private record Open(BlockFile file, int users) {}

    /** By file key (device and inode): the same for every hard link. */
    private static final Map<Object, Open> OPEN = new HashMap<>();

    private SharedLayers() {}

    static BlockFile acquire(Path path, borealis.persistence.crypto.FileKeys keys) throws IOException {
        Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        if (key == null) {
            return BlockFile.openLayer(path, keys); // a file system without file keys: not shared
        }
        synchronized (OPEN) {
            Open open = OPEN.get(key);
            if (open == null) {
                open = new Open(BlockFile.openLayer(path, keys), 0);
            }
            OPEN.put(key, new Open(open.file(), open.users() + 1));
            return open.file();
        }
    }

    /** Closes the layer when its last user lets go. */
    static void release(BlockFile layer) {
        synchronized (OPEN) {
            for (Map.Entry<Object, Open> e : OPEN.entrySet()) {
                if (e.getValue().file() == layer) {
                    if (e.getValue().users() > 1) {
                        e.setValue(new Open(layer, e.getValue().users() - 1));
                    } else {
                        OPEN.remove(e.getKey());
                        layer.closeLayer();
                    }
                    return;
                }
            }
        }
        layer.closeLayer(); // never shared
    }
}
