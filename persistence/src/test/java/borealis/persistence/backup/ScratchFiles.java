package borealis.persistence.backup;

import borealis.persistence.crypto.ScratchFile;
import java.io.IOException;
import java.nio.ByteBuffer;

/** A rebuilt volume's bytes, for tests that compare them whole. */
final class ScratchFiles {

    private ScratchFiles() {}

    static byte[] read(ScratchFile f) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) f.size());
        f.read(b, 0);
        return b.array();
    }

    static byte[] contents(BackupService.Materialized m) throws IOException {
        byte[] out = read(m.scratch());
        m.close();
        return out;
    }
}
