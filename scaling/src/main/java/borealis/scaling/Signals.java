package borealis.scaling;

/**
 * What an instance measured over the last interval, the inputs of the scaling policy.
 *
 * @param intervalSeconds     length of the interval
 * @param cpuSeconds          CPU time statements used (measured per thread)
 * @param cpuWaitSeconds      statement-seconds spent waiting for CPU budget
 * @param waitingStatements   statements waiting for CPU at the end of the interval
 * @param sessions            client sessions open at the end of the interval
 * @param statements          statements (batches) run in the interval; 0 means no activity
 * @param cacheHits           block-cache hits in the interval
 * @param cacheMisses         block-cache misses in the interval
 * @param workingSetBytes     estimate of the bytes the workload keeps touching
 * @param runSeconds          wall-clock time statements ran (CPU plus whatever else they waited on)
 * @param clientSeconds       time sessions spent between the end of a statement and the client's next
 *                            one (round trips and think time), the part of a cycle no allocation shortens
 */
public record Signals(double intervalSeconds, double cpuSeconds, double cpuWaitSeconds, int waitingStatements, int sessions,
                      long statements, long cacheHits, long cacheMisses, long workingSetBytes, double runSeconds, double clientSeconds) {

    /** Signals of CPU-bound statements with clients that send the next one at once. */
    public Signals(double intervalSeconds, double cpuSeconds, double cpuWaitSeconds, int waitingStatements, int sessions, long statements,
                   long cacheHits, long cacheMisses, long workingSetBytes) {
        this(intervalSeconds, cpuSeconds, cpuWaitSeconds, waitingStatements, sessions, statements, cacheHits, cacheMisses, workingSetBytes,
                cpuSeconds, 0);
    }

    public static Signals idle(double intervalSeconds) {
        return new Signals(intervalSeconds, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    public boolean active() {
        return statements > 0 || waitingStatements > 0 || cpuSeconds > 0;
    }

    public double hitRatio() {
        long total = cacheHits + cacheMisses;
        return total == 0 ? 1 : (double) cacheHits / total;
    }
}
