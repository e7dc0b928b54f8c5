package borealis.persistence.volume.segment;

import borealis.persistence.crypto.FileKeys;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Every case of {@link SegmentStateTest} with block files encrypted at rest. */
class EncryptedSegmentStateTest extends SegmentStateTest {

    @TempDir
    Path keyDir;
    private FileKeys keys;

    @Override
    FileKeys keys() {
        if (keys == null) {
            keys = TestKeys.forVolume(keyDir);
        }
        return keys;
    }
}
