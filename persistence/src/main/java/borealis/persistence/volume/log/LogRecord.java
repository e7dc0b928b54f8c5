package borealis.persistence.volume.log;

import borealis.persistence.serialization.BorealisSerializable;

/**
 * One entry of a volume's redo log, shipped by the writer to the six replicas of one protection
 * group.
 *
 * <p>LSNs are dense across the whole volume (every record takes the next number), so recovery can
 * see a missing record as a hole in the sequence whatever group it belonged to; {@code
 * prevLsnInGroup} links the records of one group so that a replica can tell whether it holds all
 * of them (its segment-complete LSN).
 *
 * @param lsn            log sequence number, 1-based and dense across the volume
 * @param prevLsnInGroup LSN of the previous record of the same group, 0 for the first
 * @param group          protection group index
 * @param kind           what the record does
 * @param offset         WRITE: absolute volume offset of the first byte; TRUNCATE: new volume size;
 *                       GROW: the highest group index now in use
 * @param data           WRITE only: the bytes, LZ4-compressed when {@code compressed}
 * @param length         WRITE only: the number of bytes written (uncompressed)
 * @param compressed     whether {@code data} is LZ4 block-compressed
 */
public record LogRecord(long lsn, long prevLsnInGroup, int group, Kind kind, long offset, byte[] data, int length,
                        boolean compressed) implements BorealisSerializable {

    public enum Kind { WRITE, TRUNCATE, GROW }

    public static LogRecord write(long lsn, long prev, int group, long offset, byte[] data, int length, boolean compressed) {
        return new LogRecord(lsn, prev, group, Kind.WRITE, offset, data, length, compressed);
    }

    public static LogRecord truncate(long lsn, long prev, int group, long newVolumeSize) {
        return new LogRecord(lsn, prev, group, Kind.TRUNCATE, newVolumeSize, null, 0, false);
    }

    public static LogRecord grow(long lsn, long prev, int highestGroup) {
        return new LogRecord(lsn, prev, 0, Kind.GROW, highestGroup, null, 0, false);
    }

    /** The uncompressed payload of a WRITE record. */
    public byte[] payload() {
        return compressed ? Compression.decompress(data, length) : data;
    }

    /** Bytes this record occupies on the wire and in the journal, roughly. */
    public int wireSize() {
        return 48 + (data == null ? 0 : data.length);
    }

    @Override
    public String toString() {
        return "LogRecord[" + kind + " lsn=" + lsn + " prev=" + prevLsnInGroup + " group=" + group + " offset=" + offset
                + (kind == Kind.WRITE ? " length=" + length + (compressed ? " lz4=" + data.length : "") : "") + "]";
    }
}
