package borealis.persistence.volume.segment;

import borealis.persistence.crypto.AtRestKeys;
import borealis.persistence.crypto.FileKeys;
import borealis.persistence.crypto.MasterKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Every case of {@link SegmentStateTest} with block files encrypted at rest. */
class EncryptedSegmentStateTest extends SegmentStateTest {

    @TempDir
    Path keyDir;
    private AtRestKeys ring;

    private FileKeys keys() {
        try {
            if (ring == null) {
                ring = AtRestKeys.open(keyDir, MasterKeys.of(MasterKeys.newDataKey()));
            }
            return new FileKeys(ring, "volume:test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    SegmentFiles files(Path d) {
        return new SegmentFiles(d, keys());
    }

    @Override
    BlockFile blockFile(Path p) {
        return new BlockFile(p, keys());
    }
}
