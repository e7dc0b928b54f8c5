package borealis.actors.storage;

import borealis.persistence.volume.segment.BlockFile;
import borealis.persistence.volume.segment.SegmentState;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Digests of a replica's applied bytes, for a scrub that compares the six replicas of a group. */
final class BlockDigests {

    /** 1 MiB: one read of a replica's block file per question (a few milliseconds on this machine). */
    static final int MAX_LENGTH = 1 << 20;

    private BlockDigests() {}

    static StorageSegment.BlocksDigest of(int replica, SegmentState s, long localOffset, int length) {
        if (localOffset < 0 || length < 0 || length > MAX_LENGTH) {
            return new StorageSegment.BlocksDigest(replica, s.appliedLsn(), s.file().length(), null,
                    "a digest covers 0 to " + MAX_LENGTH + " bytes at a non-negative offset, not " + length + " at " + localOffset);
        }
        try {
            byte[] data = s.readApplied(localOffset, length);
            return new StorageSegment.BlocksDigest(replica, s.appliedLsn(), s.file().length(),
                    MessageDigest.getInstance("SHA-256").digest(data), null);
        } catch (BlockFile.CorruptBlockException e) {
            return new StorageSegment.BlocksDigest(replica, s.appliedLsn(), s.file().length(), null, e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
