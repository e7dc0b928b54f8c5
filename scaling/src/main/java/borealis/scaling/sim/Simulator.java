package borealis.scaling.sim;

import borealis.scaling.AcuProfile;
import borealis.scaling.AcuRules;
import borealis.scaling.ScalingConfig;
import borealis.scaling.ScalingPolicy;
import borealis.scaling.Signals;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Replays load traces through the real {@link ScalingPolicy}, one simulated second at a time, and
 * measures what it costs and how well it serves against an oracle that knows the future.
 *
 * <p>The workload model: in a second the instance serves {@code min(demand, budget)} CPU; the
 * rest is time statements wait (each missing CPU-second is a statement-second waiting). Block
 * reads scale with CPU; the hit ratio is the share of the working set the cache holds. A paused
 * instance resumes in the second its first session arrives, which counts as under-provisioned.
 * Decisions made at the end of a second apply to the next one.
 *
 * <p>Run: {@code java -cp scaling/target/classes borealis.scaling.sim.Simulator [trace ...]}.
 */
public final class Simulator {

    /** Block reads per CPU-second, for the cache model. */
    static final double BLOCK_READS_PER_CPU_SECOND = 20_000;
    static final int STEP_WINDOW_SECONDS = 30;

    /** What one replay measured. */
    public record Report(String trace, int seconds, double meanReactionSeconds, double maxReactionSeconds, int steps,
                         double acuSeconds, double oracleAcuSeconds, int underProvisionedSeconds, int scalingEvents, int pauses) {

        public double costRatio() {
            return oracleAcuSeconds == 0 ? 0 : acuSeconds / oracleAcuSeconds;
        }
    }

    private final AcuProfile profile;
    private final ScalingPolicy.Settings settings;

    public Simulator(AcuProfile profile, ScalingPolicy.Settings settings) {
        this.profile = profile;
        this.settings = settings;
    }

    /** The live defaults (see actors' reference.conf) on a 16-core host. */
    public static Simulator defaults() {
        return new Simulator(new AcuProfile(64L << 20, 0.25, 50), ScalingPolicy.Settings.defaults(16));
    }

    public Report run(Trace trace) {
        ScalingPolicy policy = new ScalingPolicy(profile, settings);
        ScalingConfig config = trace.config();
        List<Trace.Row> rows = trace.rows();
        int n = rows.size();
        double[] allocation = new double[n];
        boolean[] served = new boolean[n];
        double acu = config.pausable() ? 0 : config.startAcu();
        ScalingPolicy.InstanceState state = acu > 0 ? new ScalingPolicy.InstanceState(acu, 0) : null;
        double acuSeconds = 0;
        double oracle = 0;
        int under = 0;
        int events = 0;
        int pauses = 0;
        for (int t = 0; t < n; t++) {
            Trace.Row row = rows.get(t);
            long now = t * 1000L;
            boolean wanted = row.sessions() > 0 || row.cpu() > 0;
            boolean resumedNow = false;
            if (state == null && wanted) {
                acu = config.startAcu();
                state = new ScalingPolicy.InstanceState(acu, now);
                events++;
                resumedNow = true;
            }
            allocation[t] = acu;
            acuSeconds += acu;
            oracle += oracleAcu(row, config);
            double budget = profile.cpuPerSecond(acu);
            double cache = profile.cacheBytes(acu);
            double hit = row.workingSetBytes() == 0 ? 1 : Math.min(1, cache / row.workingSetBytes());
            boolean cpuShort = row.cpu() > budget + 1e-9;
            boolean cacheShort = hit < settings.minHitRatio() && row.cpu() > 0;
            served[t] = !(resumedNow || (wanted && acu == 0) || cpuShort || cacheShort);
            if (!served[t]) {
                under++;
            }
            if (state == null) {
                continue;
            }
            double used = Math.min(row.cpu(), budget);
            double waited = row.cpu() - used;
            long reads = (long) (used * BLOCK_READS_PER_CPU_SECOND);
            long misses = (long) (reads * (1 - hit));
            Signals s = new Signals(1.0, used, waited, waited > 0 ? Math.max(1, (int) Math.ceil(waited)) : 0, row.sessions(),
                    row.cpu() > 0 ? Math.max(1, (long) (row.cpu() * 100)) : 0, reads - misses, misses, row.workingSetBytes());
            ScalingPolicy.Decision d = policy.decide(state, s, config, now + 1000);
            if (d.pause()) {
                state = null;
                acu = 0;
                events++;
                pauses++;
            } else if (d.acu() != acu) {
                acu = d.acu();
                state.applied(acu);
                events++;
            }
        }
        double[] reaction = reactionTimes(trace, served, config);
        double sum = 0;
        double max = 0;
        for (double r : reaction) {
            sum += r;
            max = Math.max(max, r);
        }
        return new Report(trace.name(), n, reaction.length == 0 ? 0 : sum / reaction.length, max, reaction.length, acuSeconds, oracle,
                under, events, pauses);
    }

    /** The allocation an oracle would hold: exactly the demand, rounded to a step, 0 when idle and pausable. */
    double oracleAcu(Trace.Row row, ScalingConfig config) {
        if (row.cpu() == 0 && row.sessions() == 0 && config.pausable()) {
            return 0;
        }
        double need = Math.max(profile.acuForCpu(row.cpu()), profile.acuForCache((long) (row.workingSetBytes() * settings.minHitRatio())));
        need = Math.max(need, profile.acuForConnections(row.sessions()));
        return AcuRules.clamp(AcuRules.roundUp(need), config.minAcu(), config.maxAcu());
    }

    /**
     * For each load step (the oracle's allocation rising by at least 1 ACU above its peak of the
     * last {@link #STEP_WINDOW_SECONDS}, so that noise is no step), the seconds until the policy
     * serves the load again.
     */
    private double[] reactionTimes(Trace trace, boolean[] served, ScalingConfig config) {
        List<Double> out = new ArrayList<>();
        List<Trace.Row> rows = trace.rows();
        double[] oracle = new double[rows.size()];
        for (int t = 0; t < rows.size(); t++) {
            oracle[t] = oracleAcu(rows.get(t), config);
        }
        for (int t = 1; t < rows.size(); t++) {
            double recent = 0;
            for (int u = Math.max(0, t - STEP_WINDOW_SECONDS); u < t; u++) {
                recent = Math.max(recent, oracle[u]);
            }
            if (oracle[t] - recent >= 1) {
                int u = t;
                while (u < rows.size() && !served[u]) {
                    u++;
                }
                out.add((double) (u - t));
            }
        }
        double[] r = new double[out.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = out.get(i);
        }
        return r;
    }

    public static String header() {
        return String.format(Locale.ROOT, "%-16s %7s %6s %9s %9s %12s %12s %6s %7s %7s %6s", "trace", "seconds", "steps", "react-avg",
                "react-max", "ACU-s", "oracle ACU-s", "ratio", "under-s", "events", "pauses");
    }

    public static String line(Report r) {
        return String.format(Locale.ROOT, "%-16s %7d %6d %8.1fs %8.0fs %12.0f %12.0f %6.2f %7d %7d %6d", r.trace(), r.seconds(), r.steps(),
                r.meanReactionSeconds(), r.maxReactionSeconds(), r.acuSeconds(), r.oracleAcuSeconds(), r.costRatio(),
                r.underProvisionedSeconds(), r.scalingEvents(), r.pauses());
    }

    public static void main(String[] args) {
        List<String> names = args.length > 0 ? List.of(args) : Trace.SHIPPED;
        Simulator sim = defaults();
        long start = System.nanoTime();
        System.out.println(header());
        for (String name : names) {
            System.out.println(line(sim.run(Trace.shipped(name))));
        }
        System.out.printf(Locale.ROOT, "(%d traces in %.2f s)%n", names.size(), (System.nanoTime() - start) / 1e9);
    }
}
