package borealis.persistence.volume.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * The database file as the engine sees it: a byte address space whose writes become log records.
 *
 * <p>Writes return as soon as they are ordered (given an LSN) and visible to reads; durability is
 * asked for separately with {@link #whenDurable}, so that the thread that wrote need not wait on
 * the network and concurrent commits share quorum round trips.
 */
public interface Volume extends AutoCloseable {

    String id();

    long size();

    /** Reads {@code dst.remaining()} bytes at {@code offset}; bytes past the end read as zeros. */
    void read(long offset, ByteBuffer dst) throws IOException;

    /** Writes {@code src} at {@code offset}; returns the LSN of the last record it produced. */
    long write(long offset, ByteBuffer src) throws IOException;

    /** Cuts the volume to {@code size} bytes (no-op if it is not larger). */
    long truncate(long size) throws IOException;

    /** The LSN of the newest record issued so far. */
    long highestLsn();

    /** The volume-durable LSN: every record at or below it is on a write quorum. */
    long durableLsn();

    /** Completes when every record up to {@code lsn} is durable, or fails if the volume is fenced or closed. */
    CompletableFuture<Long> whenDurable(long lsn);

    /**
     * Completes when every record up to {@code lsn} is safe to show to a reader: it will survive
     * any recovery even if not yet acknowledged (replicated volumes: on a read quorum). Output of
     * work that wrote nothing waits for this instead of {@link #whenDurable}, so reads go on while
     * a write quorum is missing. By default, the same as {@link #whenDurable}.
     */
    default CompletableFuture<Long> whenReadable(long lsn) {
        return whenDurable(lsn);
    }

    @Override
    void close();

    /** Bytes its block cache holds now (they count as the cache's, not as any statement's, in the heap guard). */
    default long cachedBytes() {
        return 0;
    }
}
