package borealis.scaling;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * ACU-seconds per instance, accrued one second at a time: each {@link Sample} says that an
 * instance held {@code acu} during one wall-clock second. Totals are exact; history is kept in
 * per-minute buckets for {@code retentionMinutes}. A second already recorded for an instance is
 * ignored, so a sample sent twice (a retried message) is counted once.
 *
 * <p>Mutable, owned by one entity, and serializable as a snapshot.
 */
public final class UsageMeter {

    /** One instance held {@code acu} during the second starting at {@code epochSecond}. */
    public record Sample(String cluster, String instance, long epochSecond, double acu) {}

    /** ACU-seconds of one instance in a time range (or in total). */
    public record Usage(String cluster, String instance, double acuSeconds) {}

    /** What is kept per instance. */
    public static final class InstanceUsage {
        String cluster;
        String instance;
        long lastSecond = Long.MIN_VALUE;
        double totalAcuSeconds;
        TreeMap<Long, Double> perMinute = new TreeMap<>();

        InstanceUsage() {}

        InstanceUsage(String cluster, String instance) {
            this.cluster = cluster;
            this.instance = instance;
        }
    }

    private TreeMap<String, InstanceUsage> instances = new TreeMap<>();
    private long retentionMinutes;

    UsageMeter() {
        this(7 * 24 * 60);
    }

    public UsageMeter(long retentionMinutes) {
        this.retentionMinutes = retentionMinutes;
    }

    /** Records one second of one instance; false if that second was already recorded. */
    public boolean record(Sample s) {
        InstanceUsage u = instances.computeIfAbsent(s.cluster() + "\u0000" + s.instance(), k -> new InstanceUsage(s.cluster(), s.instance()));
        if (s.epochSecond() <= u.lastSecond) {
            return false;
        }
        u.lastSecond = s.epochSecond();
        u.totalAcuSeconds += s.acu();
        long minute = Math.floorDiv(s.epochSecond(), 60);
        u.perMinute.merge(minute, s.acu(), Double::sum);
        Long oldest = u.perMinute.firstKey();
        if (minute - oldest > retentionMinutes) {
            u.perMinute.headMap(minute - retentionMinutes).clear();
        }
        return true;
    }

    /** Every instance's total since metering began; {@code cluster} null for all. */
    public List<Usage> totals(String cluster) {
        List<Usage> out = new ArrayList<>();
        for (InstanceUsage u : instances.values()) {
            if (cluster == null || cluster.equals(u.cluster)) {
                out.add(new Usage(u.cluster, u.instance, u.totalAcuSeconds));
            }
        }
        return out;
    }

    /**
     * ACU-seconds per instance in [fromSecond, toSecond), to minute resolution: every minute that
     * starts in the range counts whole. Ranges older than the retention read as 0.
     */
    public List<Usage> between(String cluster, long fromSecond, long toSecond) {
        long fromMinute = Math.floorDiv(fromSecond + 59, 60);
        long toMinute = Math.floorDiv(toSecond + 59, 60);
        List<Usage> out = new ArrayList<>();
        for (InstanceUsage u : instances.values()) {
            if (cluster != null && !cluster.equals(u.cluster)) {
                continue;
            }
            double sum = 0;
            for (Map.Entry<Long, Double> e : u.perMinute.subMap(fromMinute, toMinute).entrySet()) {
                sum += e.getValue();
            }
            out.add(new Usage(u.cluster, u.instance, sum));
        }
        return out;
    }

    /** Sum over every instance (the tenant's total when one meter holds one tenant). */
    public double totalAcuSeconds(String cluster) {
        double sum = 0;
        for (Usage u : totals(cluster)) {
            sum += u.acuSeconds();
        }
        return sum;
    }

    /** A deep copy (for a snapshot taken while the original keeps changing). */
    public UsageMeter copy() {
        UsageMeter c = new UsageMeter(retentionMinutes);
        instances.forEach((k, u) -> {
            InstanceUsage v = new InstanceUsage(u.cluster, u.instance);
            v.lastSecond = u.lastSecond;
            v.totalAcuSeconds = u.totalAcuSeconds;
            v.perMinute = new TreeMap<>(u.perMinute);
            c.instances.put(k, v);
        });
        return c;
    }

    /** The last second recorded for an instance, or {@code Long.MIN_VALUE}. */
    public long lastSecond(String cluster, String instance) {
        InstanceUsage u = instances.get(cluster + "\u0000" + instance);
        return u == null ? Long.MIN_VALUE : u.lastSecond;
    }
}
