package borealis.actors.compute;

import borealis.engine.pg.wire.BackendWriter;

/**
 * The output buffer a SQL thread writes a session's batch into, reused from batch to batch: a new
 * 8 KiB buffer per batch was the largest allocation site in a select-only run (14% of the bytes
 * JFR sampled). A batch copies its output out ({@link BackendWriter#take}) before its thread runs
 * another, so one buffer per thread is enough.
 */
final class BatchWriters {

    /** A buffer a large result grew past this is not kept on the thread for good. */
    private static final int MAX_KEPT_BYTES = 256 << 10;

    private static final ThreadLocal<BackendWriter> WRITERS = new ThreadLocal<>();

    private BatchWriters() {}

    /** This thread's buffer, empty. */
    static BackendWriter forThisThread() {
        BackendWriter w = WRITERS.get();
        if (w == null || w.capacity() > MAX_KEPT_BYTES) {
            w = new BackendWriter(8192);
            WRITERS.set(w);
        }
        w.take(); // whatever a failed batch left
        return w;
    }
}
