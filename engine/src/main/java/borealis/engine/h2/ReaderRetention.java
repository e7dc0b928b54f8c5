package borealis.engine.h2;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.Supplier;
import org.h2.mvstore.MVStore;

/**
 * The writer's side of reader snapshots: MVStore is copy-on-write, so a reader that opened the
 * file at some version can go on reading it as long as the writer does not reuse the space of the
 * chunks that version references. MVStore frees a dead chunk only once no registered version usage
 * is older than the version at which the chunk died; H2's own {@code RETENTION_TIME} counts from a
 * chunk's creation, not its death, so it does not protect a long-lived chunk that died a moment ago.
 *
 * <p>Hence pins: while readers lease, the writer registers a version usage every little while and
 * releases each after the retention window. Every chunk that died within the window is then kept,
 * so a snapshot younger than the window (less the pin interval) reads only what it references,
 * provided it was taken at or after the writer's newest LSN when the pins began (the reader waits
 * for that). H2 asserts that no usage is registered when it closes a store normally, and its
 * closing compaction moves chunks: a writer holding pins closes with {@code SHUTDOWN IMMEDIATELY}.
 */
public final class ReaderRetention {

    private record Pin(long atNanos, MVStore.TxCounter counter) {}

    private final Supplier<MVStore> store;
    private final ArrayDeque<Pin> pins = new ArrayDeque<>();

    ReaderRetention(Supplier<MVStore> store) {
        this.store = store;
    }

    /** Keeps every chunk that dies from now on, until released; at most one pin per {@code every}. */
    public synchronized void pin(Duration every) {
        Pin last = pins.peekLast();
        if (last == null || System.nanoTime() - last.atNanos() >= every.toNanos()) {
            pins.addLast(new Pin(System.nanoTime(), store.get().registerVersionUsage()));
        }
    }

    /** Releases pins older than {@code window}: their chunks may be reused. */
    public synchronized void expire(Duration window) {
        long now = System.nanoTime();
        while (!pins.isEmpty() && now - pins.peekFirst().atNanos() >= window.toNanos()) {
            store.get().deregisterVersionUsage(pins.pollFirst().counter());
        }
    }

    /** How many pins are held (for tests and figures). */
    public synchronized int pins() {
        return pins.size();
    }
}
