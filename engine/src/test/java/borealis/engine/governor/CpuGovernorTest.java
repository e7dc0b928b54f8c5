package borealis.engine.governor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CpuGovernorTest {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        timer.shutdownNow();
        pool.shutdownNow();
    }

    /** Burns {@code nanos} of this thread's CPU. */
    private static long burn(long nanos) {
        long start = THREADS.getCurrentThreadCpuTime();
        long x = 0;
        while (THREADS.getCurrentThreadCpuTime() - start < nanos) {
            for (int i = 0; i < 1000; i++) {
                x += i * 31L ^ x;
            }
        }
        return x;
    }

    /** Four clients each keep a 5 ms batch in flight, for {@code batches} batches in total. */
    private static double runLoad(CpuGovernor g, ExecutorService pool, int batches) throws Exception {
        long start = System.nanoTime();
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        int perClient = batches / 4;
        for (int c = 0; c < 4; c++) {
            CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
            for (int i = 0; i < perClient; i++) {
                chain = chain.thenCompose(v -> g.submit(() -> burn(5_000_000), pool).thenApply(x -> null));
            }
            clients.add(chain);
        }
        CompletableFuture.allOf(clients.toArray(new CompletableFuture<?>[0])).get();
        return (System.nanoTime() - start) / 1e9;
    }

    @Test
    void cpuUseStaysWithinTheBudgetAndBatchesWait() throws Exception {
        CpuGovernor g = new CpuGovernor(0.1, timer);
        double elapsed = runLoad(g, pool, 40);
        CpuGovernor.Stats s = g.stats();
        double used = s.cpuNanos() / 1e9;
        // 40 batches of 5 ms = 0.2 CPU-s; at 0.1 CPU-s/s after a 0.1 s burst that takes about a second.
        assertTrue(used >= 0.19, "used " + used);
        assertTrue(used <= 0.1 * elapsed + 0.1 * CpuGovernor.BURST_SECONDS + 0.03, "used " + used + " CPU-s in " + elapsed + " s");
        assertTrue(elapsed >= 0.8, "throttled: " + elapsed + " s");
        assertTrue(s.waitNanos() > 0 && s.throttledBatches() > 0, s.toString());
        assertEquals(40, s.batches());
        assertEquals(0, s.waiting());
    }

    @Test
    void aLargerBudgetTakesEffectForWaitingBatches() throws Exception {
        CpuGovernor g = new CpuGovernor(0.05, timer);
        // Spend the burst and go into debt.
        g.submit(() -> burn(100_000_000), pool).get();
        CompletableFuture<Long> waiting = g.submit(() -> 1L, pool);
        assertEquals(1, g.stats().waiting(), "the debt makes the next batch wait");
        long raised = System.nanoTime();
        g.setCpuPerSecond(50);
        waiting.get();
        // At 0.05 the debt (about 0.05 CPU-s) took about a second to repay; at 50 it takes about a millisecond.
        assertTrue(System.nanoTime() - raised < 500_000_000L, "admitted soon after the raise");
        assertEquals(50, g.stats().cpuPerSecond());
    }

    @Test
    void aBatchWaitingOutADebtCanBeStartedAtOnce() throws Exception {
        CpuGovernor g = new CpuGovernor(1, timer);
        g.penalize(); // 30 s of budget owed
        CompletableFuture<String> waiting = g.submit(() -> "ran", pool);
        Thread.sleep(200);
        assertTrue(!waiting.isDone(), "a batch behind the debt waits");
        assertTrue(g.startNow(waiting));
        assertEquals("ran", waiting.get(5, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(!g.startNow(waiting), "a batch that ran is not waiting any more");
    }

    @Test
    void aLongBatchIsChargedWhileItRuns() throws Exception {
        CpuGovernor g = new CpuGovernor(0.1, timer);
        CompletableFuture<Long> longOne = g.submit(() -> burn(400_000_000), pool);
        long seen = 0;
        while (!longOne.isDone()) {
            CpuGovernor.Stats s = g.stats();
            if (s.running() == 1) {
                seen = Math.max(seen, s.cpuNanos());
            }
            Thread.sleep(20);
        }
        assertTrue(seen > 50_000_000, "CPU was counted before the batch ended: " + seen);
        long total = g.stats().cpuNanos();
        assertTrue(total >= 400_000_000 && total < 500_000_000, "charged once: " + total);
        // 0.4 CPU-s against a 0.1 s budget: the next batch waits for the debt.
        CompletableFuture<Long> next = g.submit(() -> 1L, pool);
        assertEquals(1, g.stats().waiting());
        g.setCpuPerSecond(100);
        next.get();
    }

    @Test
    void aFailureReachesTheCallerAndIsStillCharged() throws Exception {
        CpuGovernor g = new CpuGovernor(1, timer);
        CompletableFuture<Object> f = g.submit(() -> {
            burn(1_000_000);
            throw new IllegalStateException("boom");
        }, pool);
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        assertEquals("boom", e.getCause().getMessage());
        assertTrue(g.stats().cpuNanos() >= 1_000_000);
        assertThrows(IllegalArgumentException.class, () -> g.setCpuPerSecond(0));
    }

    @Test
    void cappedBatchesWaitForAFreeThreadButUncappedOnesPass() throws Exception {
        CpuGovernor g = new CpuGovernor(100, timer);
        g.setMaxConcurrent(2);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        List<CompletableFuture<Integer>> capped = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            capped.add(g.submit(() -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                running.decrementAndGet();
                return 1;
            }, pool, true));
        }
        Thread.sleep(200);
        assertEquals(2, running.get(), "two capped batches run, three wait");
        // A batch that may hold locks (inside a transaction) is not held back by the cap.
        assertEquals(7, g.submit(() -> 7, pool, false).get(5, java.util.concurrent.TimeUnit.SECONDS));
        release.countDown();
        for (CompletableFuture<Integer> f : capped) {
            assertEquals(1, f.get(5, java.util.concurrent.TimeUnit.SECONDS));
        }
        assertEquals(2, most.get(), "never more than the cap at once");
    }
}
