package borealis.persistence.volume.segment;

import borealis.persistence.crypto.AtRestKeys;
import borealis.persistence.crypto.FileKeys;
import borealis.persistence.crypto.MasterKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** A key ring under a fresh master key, for tests of encrypted block files. */
final class TestKeys {

    private TestKeys() {}

    static FileKeys forVolume(Path keyDir) {
        try {
            return new FileKeys(AtRestKeys.open(keyDir, MasterKeys.of(MasterKeys.newDataKey())), "volume:test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
