package borealis.persistence.volume.log;

import java.util.ArrayList;
import java.util.List;

/**
 * How a volume's byte address space is cut into protection groups of a fixed size, and where
 * each group's six replicas live: replica {@code r} is in zone {@code r / 2}, two per zone.
 */
public record VolumeLayout(long groupSize) {

    /** The 4 KiB block: the unit of the compute's cache, of a replica's block file, its checksums and its repair. */
    public static final int BLOCK = 4096;

    public static final int REPLICAS = 6;
    public static final int ZONES = 3;
    /** A write is durable once this many replicas of its group have persisted it. */
    public static final int WRITE_QUORUM = 4;
    /** Any read quorum intersects every write quorum: 3 + 4 > 6. */
    public static final int READ_QUORUM = 3;

    public VolumeLayout {
        if (groupSize < 64 * 1024 || Long.bitCount(groupSize) != 1) {
            throw new IllegalArgumentException("protection group size must be a power of two of at least 64 KiB, got " + groupSize);
        }
    }

    public int groupOf(long offset) {
        return Math.toIntExact(offset / groupSize);
    }

    public long groupStart(int group) {
        return group * groupSize;
    }

    public static int zoneOf(int replica) {
        return replica / 2;
    }

    public static String zoneName(int zone) {
        return "zone-" + (char) ('a' + zone);
    }

    /** A piece of a volume range that falls inside one group. */
    public record Piece(int group, long offset, int sourceOffset, int length) {}

    /** Splits {@code [offset, offset + length)} at group boundaries. */
    public List<Piece> split(long offset, int length) {
        List<Piece> pieces = new ArrayList<>(2);
        int done = 0;
        while (done < length) {
            long at = offset + done;
            int group = groupOf(at);
            long groupEnd = groupStart(group) + groupSize;
            int n = (int) Math.min(length - done, groupEnd - at);
            pieces.add(new Piece(group, at, done, n));
            done += n;
        }
        return pieces;
    }

    /** Length of a group's local content after the volume is truncated to {@code volumeSize}. */
    public long localLengthAfterTruncate(int group, long volumeSize) {
        return Math.max(0, Math.min(groupSize, volumeSize - groupStart(group)));
    }
}
