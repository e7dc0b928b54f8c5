package borealis.engine.governor;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * An instance's CPU budget: statement execution draws CPU time from it, measured per thread, and
 * waits while it is spent.
 *
 * <p>A token bucket in CPU-nanoseconds refills at the allocation's rate (CPU-seconds per second)
 * and holds at most one second of it. A batch is admitted while the bucket is positive, reserving
 * the recent average cost; when it ends, the CPU its thread really used (from
 * {@link ThreadMXBean#getCurrentThreadCpuTime()}) is charged in place of the reservation, so the
 * bucket may go into debt and later batches wait, in arrival order, until it is repaid. Nothing
 * blocks a thread: waiting batches sit in a queue and a timer admits them. A new rate applies at
 * once, to waiting batches too.
 *
 * <p>A statement is not stopped half-way: one that runs long is charged as it runs (whenever the
 * counters are read, every second by the scaling supervisor), so the CPU signal stays smooth and
 * later statements wait for the debt it leaves. The debt is capped at {@link #MAX_DEBT_SECONDS} of
 * budget, so a single huge statement cannot stall the instance for minutes.
 */
public final class CpuGovernor {

    /** At most this many seconds of budget are saved up while idle. */
    static final double BURST_SECONDS = 1.0;
    /** At most this many seconds of budget may be owed. */
    static final double MAX_DEBT_SECONDS = 30.0;
    /** A batch that waited longer than this was held back by the budget. */
    private static final long THROTTLED_NANOS = 1_000_000;
    /** The first reservation, before any batch was measured. */
    private static final double INITIAL_ESTIMATE_NANOS = 200_000;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean THREAD_CPU = THREADS.isCurrentThreadCpuTimeSupported();

    private final ScheduledExecutorService timer;
    private final ArrayDeque<Waiter<?>> waiters = new ArrayDeque<>();
    private double cpuPerSecond;
    private double tokensNanos;
    private long refilledAt;
    private double estimateNanos = INITIAL_ESTIMATE_NANOS;
    private ScheduledFuture<?> wake;
    private long cpuNanos;
    private long runNanos;
    private long clientNanos;
    private long completedWaitNanos;
    private long batches;
    private long throttledBatches;
    private final java.util.Set<Running> running = new java.util.HashSet<>();
    /** Capped batches admitted and not finished, and how many may be: the SQL threads the instance may occupy. */
    private int inFlight;
    private int maxConcurrent = Integer.MAX_VALUE;

    /**
     * Cumulative counters; {@code waitNanos} includes the time batches waiting now have waited so
     * far; {@code runNanos} is the wall time batches ran; {@code clientNanos} what sessions reported
     * of their clients' turns ({@link #clientTurn}).
     */
    public record Stats(double cpuPerSecond, long cpuNanos, long waitNanos, long batches, long throttledBatches, int waiting,
                        int running, long runNanos, long clientNanos) {}

    /** A batch on a thread now: its thread, and the CPU charged for it so far. */
    private static final class Running {
        final long threadId;
        final long cpuAtStart;
        final long startedAt = System.nanoTime();
        long charged;

        Running(long threadId, long cpuAtStart) {
            this.threadId = threadId;
            this.cpuAtStart = cpuAtStart;
        }
    }

    private static final class Waiter<T> {
        final Supplier<T> work;
        final Executor executor;
        final boolean capped;
        final CompletableFuture<T> result = new CompletableFuture<>();
        final long enqueuedAt;
        double reservedNanos;

        Waiter(Supplier<T> work, Executor executor, boolean capped, long enqueuedAt) {
            this.work = work;
            this.executor = executor;
            this.capped = capped;
            this.enqueuedAt = enqueuedAt;
        }
    }

    public CpuGovernor(double cpuPerSecond, ScheduledExecutorService timer) {
        if (cpuPerSecond <= 0) {
            throw new IllegalArgumentException("a CPU budget must be positive, got " + cpuPerSecond);
        }
        this.timer = timer;
        this.cpuPerSecond = cpuPerSecond;
        this.refilledAt = System.nanoTime();
        this.tokensNanos = cpuPerSecond * BURST_SECONDS * 1e9;
    }

    /** Runs {@code work} on {@code executor} once the budget allows; the CPU it uses is charged. Not counted against the concurrency cap. */
    public <T> CompletableFuture<T> submit(Supplier<T> work, Executor executor) {
        return submit(work, executor, false);
    }

    /**
     * Runs {@code work} once the budget allows and, if {@code capped}, once fewer than the cap of
     * capped batches run. Work that may hold locks others wait for (a statement inside a
     * transaction, a store that commits) must not be capped, or a full cap of waiters would wait
     * for it forever.
     */
    public <T> CompletableFuture<T> submit(Supplier<T> work, Executor executor, boolean capped) {
        Waiter<T> w = new Waiter<>(work, executor, capped, System.nanoTime());
        List<Waiter<?>> admitted;
        synchronized (this) {
            waiters.add(w);
            admitted = admitLocked(w.enqueuedAt);
        }
        startAll(admitted);
        return w.result;
    }

    /**
     * Starts a batch still waiting for the budget at once (reserving nothing: it is about to
     * answer a cancel, which costs next to nothing); false if it is not waiting (started already).
     * A cancel must not wait behind the debt a statement cancelled for memory left: the client's
     * cancel went unanswered for up to {@link #MAX_DEBT_SECONDS} (PostgreSQL's regression run:
     * with.sql's next statements hung after a runaway recursive query).
     */
    public boolean startNow(CompletableFuture<?> pending) {
        Waiter<?> found = null;
        synchronized (this) {
            for (var it = waiters.iterator(); it.hasNext(); ) {
                Waiter<?> w = it.next();
                if (w.result == pending) {
                    it.remove();
                    if (w.capped) {
                        inFlight++;
                    }
                    completedWaitNanos += System.nanoTime() - w.enqueuedAt;
                    batches++;
                    found = w;
                    break;
                }
            }
        }
        if (found == null) {
            return false;
        }
        startAll(List.of(found));
        return true;
    }

    /** Changes the budget at once; waiting batches are judged against the new rate. */
    public void setCpuPerSecond(double rate) {
        if (rate <= 0) {
            throw new IllegalArgumentException("a CPU budget must be positive, got " + rate);
        }
        List<Waiter<?>> admitted;
        synchronized (this) {
            long now = System.nanoTime();
            refillLocked(now);
            cpuPerSecond = rate;
            clampLocked();
            admitted = admitLocked(now);
        }
        startAll(admitted);
    }

    /**
     * Puts the instance as deep in debt as it may go: its next batches wait for up to
     * {@link #MAX_DEBT_SECONDS} of its budget. For work that cost the whole node more than its CPU
     * shows (a statement cancelled for memory: its allocations kept every core collecting garbage),
     * so that a tenant repeating it runs it seldom (bin/bench-containment).
     */
    public void penalize() {
        synchronized (this) {
            tokensNanos = -cpuPerSecond * MAX_DEBT_SECONDS * 1e9;
        }
    }

    /** How many capped batches may run at once (the SQL threads the instance may occupy). */
    public void setMaxConcurrent(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("at least one batch must be able to run, got " + max);
        }
        List<Waiter<?>> admitted;
        synchronized (this) {
            maxConcurrent = max;
            admitted = admitLocked(System.nanoTime());
        }
        startAll(admitted);
    }

    public synchronized double cpuPerSecond() {
        return cpuPerSecond;
    }

    public synchronized Stats stats() {
        long now = System.nanoTime();
        chargeRunningLocked();
        long waitingNow = 0;
        for (Waiter<?> w : waiters) {
            waitingNow += now - w.enqueuedAt;
        }
        long runningNow = 0;
        for (Running r : running) {
            runningNow += now - r.startedAt;
        }
        return new Stats(cpuPerSecond, cpuNanos, completedWaitNanos + waitingNow, batches, throttledBatches, waiters.size(), running.size(),
                runNanos + runningNow, clientNanos);
    }

    /** A session waited {@code nanos} for its client's next message after its last batch. */
    public synchronized void clientTurn(long nanos) {
        clientNanos += nanos;
    }

    /** Charges what running batches used since last charged (their threads' CPU clocks, read from here). */
    private void chargeRunningLocked() {
        if (!THREAD_CPU) {
            return;
        }
        for (Running r : running) {
            long cpu = THREADS.getThreadCpuTime(r.threadId);
            if (cpu < 0) {
                continue;
            }
            long delta = cpu - r.cpuAtStart - r.charged;
            if (delta > 0) {
                r.charged += delta;
                cpuNanos += delta;
                tokensNanos -= delta;
            }
        }
        clampLocked();
    }

    private void refillLocked(long now) {
        tokensNanos += (now - refilledAt) * cpuPerSecond;
        refilledAt = now;
        clampLocked();
    }

    private void clampLocked() {
        tokensNanos = Math.max(-cpuPerSecond * MAX_DEBT_SECONDS * 1e9, Math.min(tokensNanos, cpuPerSecond * BURST_SECONDS * 1e9));
    }

    /** Admits waiting batches in order while the bucket is positive; schedules a wake-up for the rest. */
    private List<Waiter<?>> admitLocked(long now) {
        refillLocked(now);
        List<Waiter<?>> admitted = new ArrayList<>();
        for (var it = waiters.iterator(); it.hasNext() && tokensNanos > 0; ) {
            Waiter<?> w = it.next();
            if (w.capped && inFlight >= maxConcurrent) {
                continue; // waits for a capped batch to end; uncapped ones behind it may pass
            }
            it.remove();
            if (w.capped) {
                inFlight++;
            }
            w.reservedNanos = estimateNanos;
            tokensNanos -= estimateNanos;
            long waited = now - w.enqueuedAt;
            completedWaitNanos += waited;
            if (waited > THROTTLED_NANOS) {
                throttledBatches++;
            }
            batches++;
            admitted.add(w);
        }
        if (wake != null) {
            wake.cancel(false);
            wake = null;
        }
        if (!waiters.isEmpty() && tokensNanos <= 0) {
            long delay = (long) Math.ceil((-tokensNanos + 1) / cpuPerSecond);
            wake = timer.schedule(this::onWake, Math.max(delay, 100_000), TimeUnit.NANOSECONDS);
        }
        return admitted;
    }

    private void onWake() {
        List<Waiter<?>> admitted;
        synchronized (this) {
            wake = null;
            admitted = admitLocked(System.nanoTime());
        }
        startAll(admitted);
    }

    private void startAll(List<Waiter<?>> admitted) {
        for (Waiter<?> w : admitted) {
            start(w);
        }
    }

    private <T> void start(Waiter<T> w) {
        try {
            w.executor.execute(() -> run(w));
        } catch (RejectedExecutionException e) {
            charge(null, 0, w.reservedNanos, w.capped);
            w.result.completeExceptionally(e);
        }
    }

    private <T> void run(Waiter<T> w) {
        long c0 = THREAD_CPU ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
        Running r = new Running(Thread.currentThread().getId(), c0);
        synchronized (this) {
            running.add(r);
        }
        T value = null;
        Throwable error = null;
        try {
            value = w.work.get();
        } catch (Throwable t) {
            error = t;
        }
        long used = (THREAD_CPU ? THREADS.getCurrentThreadCpuTime() : System.nanoTime()) - c0;
        charge(r, used, w.reservedNanos, w.capped);
        if (error != null) {
            w.result.completeExceptionally(error);
        } else {
            w.result.complete(value);
        }
    }

    private void charge(Running r, long usedNanos, double reservedNanos, boolean capped) {
        List<Waiter<?>> admitted;
        synchronized (this) {
            if (capped) {
                inFlight--;
            }
            long alreadyCharged = 0;
            if (r != null) {
                running.remove(r);
                alreadyCharged = r.charged;
                runNanos += System.nanoTime() - r.startedAt;
            }
            cpuNanos += usedNanos - alreadyCharged;
            tokensNanos -= usedNanos - alreadyCharged - reservedNanos;
            estimateNanos = 0.8 * estimateNanos + 0.2 * Math.max(usedNanos, 10_000);
            admitted = waiters.isEmpty() ? List.of() : admitLocked(System.nanoTime());
        }
        startAll(admitted);
    }
}
