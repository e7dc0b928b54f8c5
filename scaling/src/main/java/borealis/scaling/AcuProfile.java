package borealis.scaling;

/**
 * What one ACU buys on a node: block-cache bytes, CPU time per second, and connection slots. An
 * allocation of {@code acu} gets each of them in proportion.
 *
 * @param cacheBytesPerAcu    block-cache (buffer pool) bytes per ACU
 * @param cpuPerAcu           CPU-seconds per wall-clock second per ACU (0.25 = a quarter of a core)
 * @param connectionsPerAcu   client sessions per ACU
 */
public record AcuProfile(long cacheBytesPerAcu, double cpuPerAcu, int connectionsPerAcu) {

    public AcuProfile {
        if (cacheBytesPerAcu <= 0 || cpuPerAcu <= 0 || connectionsPerAcu <= 0) {
            throw new IllegalArgumentException("every per-ACU resource must be positive: cache " + cacheBytesPerAcu
                    + " bytes, cpu " + cpuPerAcu + ", connections " + connectionsPerAcu);
        }
    }

    public long cacheBytes(double acu) {
        return (long) (acu * cacheBytesPerAcu);
    }

    public double cpuPerSecond(double acu) {
        return acu * cpuPerAcu;
    }

    /** Session slots of an allocation; a running instance always has at least one. */
    public int connectionSlots(double acu) {
        return Math.max(1, (int) Math.floor(acu * connectionsPerAcu));
    }

    /** ACUs whose CPU budget is {@code cpuPerSecond} (not rounded). */
    public double acuForCpu(double cpuPerSecond) {
        return cpuPerSecond / cpuPerAcu;
    }

    public double acuForCache(long bytes) {
        return (double) bytes / cacheBytesPerAcu;
    }

    public double acuForConnections(int sessions) {
        return (double) sessions / connectionsPerAcu;
    }
}
