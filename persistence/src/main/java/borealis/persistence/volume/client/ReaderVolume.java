package borealis.persistence.volume.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * A read-only snapshot of a volume that another compute instance writes: what a reader instance
 * opens H2 on. Its size is the volume's size at the durable point it was taken at; reads go to a
 * replica through the shared, forward-only read points of its {@link VolumeFollower}. Writes and
 * truncates fail: a reader never writes the log and never begins an epoch.
 *
 * <p>Each snapshot has its own block cache: the writer reuses the space of chunks that no snapshot
 * references any more, so a block cached for one snapshot may be stale for the next.
 */
public final class ReaderVolume implements Volume {

    private final String id;
    private final VolumeFollower follower;
    private final VolumeFollower.Point point;
    private final BlockCache cache;
    private final VolumeReader reader;

    /**
     * @param id a mount id of its own (H2 knows databases by path; the writer may be mounted in the same JVM)
     */
    public ReaderVolume(String id, VolumeFollower follower, VolumeFollower.Point point, long cacheBytes) {
        this.id = id;
        this.follower = follower;
        this.point = point;
        this.cache = new BlockCache(cacheBytes);
        this.reader = new VolumeReader(follower.volumeId(), follower.layout(), follower.transport(), cache, follower.timeoutMillis(),
                new VolumeReader.View() {
                    @Override
                    public long size() {
                        return point.size();
                    }

                    @Override
                    public long readPoint(int group) {
                        return follower.readPoint(group);
                    }

                    @Override
                    public boolean likelyServes(int group, int replica, long readPoint) {
                        return follower.likelyServes(group, replica, readPoint);
                    }

                    @Override
                    public void served(int group, SegmentTransport.ReadResult r) throws IOException {
                        if (r.replicaEpoch() > point.epoch()) {
                            // A new writer recovered the volume: it reuses space this snapshot may reference.
                            throw new SnapshotRetiredException("snapshot retired: a new writer opened volume " + follower.volumeId()
                                    + " (epoch " + point.epoch() + " -> " + r.replicaEpoch() + "); retry on a newer snapshot");
                        }
                        follower.served(group, r.servedLsn());
                    }
                });
    }

    /** The durable point this snapshot was taken at. */
    public VolumeFollower.Point point() {
        return point;
    }

    @Override
    public long cachedBytes() {
        return cache.stats().sizeBytes();
    }

    public BlockCache cache() {
        return cache;
    }

    public long remoteReads() {
        return reader.remoteReads();
    }

    /** Reads the whole snapshot into its cache if it is at most {@code maxBytes} and half the cache; the bytes read (0 if not). */
    public long prefetch(long maxBytes) throws IOException {
        return reader.prefetch(point.size(), maxBytes);
    }

    /** Reads that miss fetch this many blocks from their first missing one while H2 opens the snapshot (0: what is asked). */
    public void setOpenReadAhead(int blocks) {
        reader.readAhead(blocks);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public long size() {
        return point.size();
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        reader.read(offset, dst);
    }

    @Override
    public long write(long offset, ByteBuffer src) throws IOException {
        throw new IOException("volume " + follower.volumeId() + " is read-only on a reader instance");
    }

    @Override
    public long truncate(long size) throws IOException {
        throw new IOException("volume " + follower.volumeId() + " is read-only on a reader instance");
    }

    @Override
    public long highestLsn() {
        return point.lsn();
    }

    @Override
    public long durableLsn() {
        return point.lsn();
    }

    /** Everything a reader shows is durable already. */
    @Override
    public CompletableFuture<Long> whenDurable(long lsn) {
        return CompletableFuture.completedFuture(point.lsn());
    }

    @Override
    public void close() {
        // The follower (and its transport) outlives its snapshots; the reader instance closes it.
    }
}
