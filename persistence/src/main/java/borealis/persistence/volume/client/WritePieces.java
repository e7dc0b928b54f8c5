package borealis.persistence.volume.client;

import borealis.persistence.volume.log.VolumeLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** How one write of the engine becomes log records and cached blocks. */
final class WritePieces {

    private static final int BLOCK = VolumeLayout.BLOCK;

    private WritePieces() {}

    /** Cuts pieces larger than {@code maxRecordBytes} so that every message fits a remoting frame. */
    static List<VolumeLayout.Piece> splitRecords(List<VolumeLayout.Piece> pieces, int maxRecordBytes) {
        if (pieces.stream().allMatch(p -> p.length() <= maxRecordBytes)) {
            return pieces;
        }
        List<VolumeLayout.Piece> out = new ArrayList<>();
        for (VolumeLayout.Piece p : pieces) {
            for (int done = 0; done < p.length(); done += maxRecordBytes) {
                int n = Math.min(maxRecordBytes, p.length() - done);
                out.add(new VolumeLayout.Piece(p.group(), p.offset() + done, p.sourceOffset() + done, n));
            }
        }
        return out;
    }

    /**
     * Puts the blocks a write touched in the cache, pinned until {@code lsn} is durable. Edge
     * blocks the write covers only partly keep their other bytes: from the cache, or from {@code
     * head} / {@code tail} read before the write.
     */
    static void cacheWrite(BlockCache cache, long offset, byte[] bytes, byte[] head, byte[] tail, long lsn) {
        long first = offset / BLOCK;
        long last = (offset + bytes.length - 1) / BLOCK;
        for (long b = first; b <= last; b++) {
            long blockStart = b * BLOCK;
            byte[] block;
            if (offset <= blockStart && offset + bytes.length >= blockStart + BLOCK) {
                block = Arrays.copyOfRange(bytes, (int) (blockStart - offset), (int) (blockStart - offset) + BLOCK);
            } else {
                byte[] cached = cache.get(b);
                byte[] base = cached != null ? cached : (b == first ? head : tail);
                block = base == null ? new byte[BLOCK] : base.clone();
                long from = Math.max(offset, blockStart);
                long to = Math.min(offset + bytes.length, blockStart + BLOCK);
                System.arraycopy(bytes, (int) (from - offset), block, (int) (from - blockStart), (int) (to - from));
            }
            cache.putDirty(b, block, lsn);
        }
    }
}
