package borealis.scaling;

import java.util.Locale;

/**
 * The per-second scaling decision for one instance, from measured {@link Signals}: scale up at
 * once to what the signals need (not one step at a time), scale down gradually and only after
 * the need has stayed lower for a while (hysteresis), always within [minAcu, maxAcu]; pause an
 * idle instance whose minimum is 0.
 *
 * <p>The need is the largest of three: CPU (used plus queued, over the target utilization), cache
 * (the working set, only while the cache misses much), and connections. Time is passed in, never
 * read from a clock, so the policy runs the same under the live supervisor, the simulator and a
 * manual clock in tests.
 */
public final class ScalingPolicy {

    /**
     * Tunables.
     *
     * @param targetCpuUtilization   allocate so that CPU used is this share of the budget
     * @param hostCpus               the most CPU a workload can use (cores of the node): caps the need
     * @param scaleDownDelaySeconds  the need must stay below the allocation this long before a step down
     * @param scaleDownIntervalSeconds seconds between two steps down
     * @param scaleDownFraction      a step down removes at most this share of the allocation (at least 0.5 ACU)
     * @param scaleDownMargin        the need counts as lower only below this share under the allocation
     *                               (the hysteresis band that keeps noise from flapping the allocation)
     * @param scaleUpMargin          with nobody waiting for CPU, CPU use alone steps the allocation up only
     *                               when the need exceeds it by this share (utilization wobbling around
     *                               the target is headroom, not demand)
     * @param minHitRatio            below this block-cache hit ratio the working set counts as a need
     * @param minMissesPerSecond     ...and only with at least this many misses per second
     */
    public record Settings(double targetCpuUtilization, double hostCpus, int scaleDownDelaySeconds, int scaleDownIntervalSeconds,
                           double scaleDownFraction, double scaleDownMargin, double scaleUpMargin, double minHitRatio,
                           double minMissesPerSecond) {

        public static Settings defaults(double hostCpus) {
            return new Settings(0.7, hostCpus, 10, 2, 0.25, 0.15, 0.15, 0.95, 100);
        }
    }

    public enum Reason {
        /** CPU used against the budget. */
        CPU,
        /** Statements waited for CPU budget. */
        CPU_QUEUE,
        /** The working set does not fit the block cache. */
        CACHE,
        /** More sessions than connection slots. */
        CONNECTIONS,
        /** The need stayed lower than the allocation. */
        SCALE_DOWN,
        /** The configuration's bounds changed. */
        BOUNDS,
        /** No session and no activity for secondsUntilAutoPause. */
        IDLE,
        /** Nothing to change. */
        NONE
    }

    /** What to do: the allocation to have ({@code acu}), or pause. */
    public record Decision(double acu, Reason reason, String detail, boolean pause) {
        static Decision keep(double acu) {
            return new Decision(acu, Reason.NONE, "", false);
        }
    }

    /** The policy's memory of one instance. */
    public static final class InstanceState {
        private double acu;
        private long lowSinceMillis = -1;
        private long lastStepDownMillis = Long.MIN_VALUE / 2;
        private double peakNeedWhileLow;
        private long lastActivityMillis;
        private long lastStatementMillis;

        /** An instance that started (or resumed) at {@code nowMillis} with {@code acu}. */
        public InstanceState(double acu, long nowMillis) {
            this.acu = acu;
            this.lastActivityMillis = nowMillis;
            this.lastStatementMillis = nowMillis;
        }

        /** When a statement last ran (open sessions alone do not count): how long its sessions have been idle. */
        public long lastStatementMillis() {
            return lastStatementMillis;
        }

        public double acu() {
            return acu;
        }

        public long lastActivityMillis() {
            return lastActivityMillis;
        }

        /** The allocation actually granted (the node may grant less than the decision asked). */
        public void applied(double granted) {
            if (granted > acu) {
                lowSinceMillis = -1;
            }
            acu = granted;
        }

        /** Something happened that counts as activity (a session opened, say). */
        public void touch(long nowMillis) {
            lastActivityMillis = Math.max(lastActivityMillis, nowMillis);
        }
    }

    private final AcuProfile profile;
    private final Settings settings;

    public ScalingPolicy(AcuProfile profile, Settings settings) {
        this.profile = profile;
        this.settings = settings;
    }

    public AcuProfile profile() {
        return profile;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * What the signals need, in ACU (not rounded, not bounded), and which resource drives it. The
     * cache's share never asks for more than {@code currentAcu} unless the cache misses much.
     */
    public Need need(Signals s, double currentAcu) {
        double interval = Math.max(s.intervalSeconds(), 1e-3);
        double used = s.cpuSeconds() / interval;
        double queued = s.cpuWaitSeconds() / interval;
        // Closed loop: a session cycles through waiting for budget, running, and its client's turn.
        // Without the wait, cycles (and so CPU) would speed up by (wait + run + client) / (run + client).
        // No workload uses more CPU than it has sessions, or than the node has cores.
        double unthrottled = s.runSeconds() + s.clientSeconds();
        double factor = unthrottled > 0 ? (s.cpuWaitSeconds() + unthrottled) / unthrottled : 1;
        double cpuDemand = queued > 0 && used == 0 ? queued : used * factor;
        cpuDemand = Math.max(used, Math.min(cpuDemand, Math.min(Math.max(s.sessions(), 1), settings.hostCpus())));
        double cpu = profile.acuForCpu(cpuDemand / settings.targetCpuUtilization());
        // Cache: a working set that misses much is a need; one that the cache holds well is kept
        // (the cache must not shrink under it), as long as the workload reads at all.
        double cache = 0;
        double missesPerSecond = s.cacheMisses() / interval;
        double readsPerSecond = (s.cacheHits() + s.cacheMisses()) / interval;
        boolean pressed = s.hitRatio() < settings.minHitRatio() && missesPerSecond >= settings.minMissesPerSecond();
        boolean busy = readsPerSecond >= settings.minMissesPerSecond();
        if (pressed) {
            cache = profile.acuForCache(s.workingSetBytes());
        } else if (busy) {
            cache = Math.min(profile.acuForCache(s.workingSetBytes()), currentAcu);
        }
        double connections = profile.acuForConnections(s.sessions());
        Reason reason = queued > 0 && cpu >= cache && cpu >= connections ? Reason.CPU_QUEUE
                : cpu >= cache && cpu >= connections ? Reason.CPU
                : cache >= connections ? Reason.CACHE : Reason.CONNECTIONS;
        String detail = String.format(Locale.ROOT, "cpu %.3f s/s used, %.3f s/s queued; cache hit %.3f, working set %d MiB; %d sessions",
                used, queued, s.hitRatio(), s.workingSetBytes() >> 20, s.sessions());
        return new Need(Math.max(cpu, Math.max(cache, connections)), reason, detail);
    }

    /** The need of an instance and its main driver. */
    public record Need(double acu, Reason reason, String detail) {}

    /** Decides for one interval; updates {@code state} (the caller reports the grant with {@link InstanceState#applied}). */
    public Decision decide(InstanceState state, Signals s, ScalingConfig config, long nowMillis) {
        if (s.sessions() > 0 || s.active()) {
            state.touch(nowMillis);
        }
        if (s.active()) {
            state.lastStatementMillis = nowMillis;
        }
        if (config.pausable() && s.sessions() == 0 && !s.active()
                && nowMillis - state.lastActivityMillis >= config.secondsUntilAutoPause() * 1000L) {
            return new Decision(0, Reason.IDLE, "no session and no activity for " + config.secondsUntilAutoPause() + " s", true);
        }
        Need need = need(s, state.acu);
        double target = AcuRules.clamp(AcuRules.roundUp(need.acu()), config.minAcu(), config.maxAcu());
        double current = state.acu;
        double bounded = AcuRules.clamp(current, config.minAcu(), config.maxAcu());
        if (bounded != current && target <= bounded) {
            state.lowSinceMillis = -1;
            return new Decision(bounded, Reason.BOUNDS, "bounds are now [" + config.minAcu() + ", " + config.maxAcu() + "]", false);
        }
        if (target > current && need.reason() == Reason.CPU && need.acu() < current * (1 + settings.scaleUpMargin())) {
            state.lowSinceMillis = -1;
            return Decision.keep(current);
        }
        if (target > current) {
            state.lowSinceMillis = -1;
            String capped = target < AcuRules.roundUp(need.acu()) ? " (capped at maxAcu)" : "";
            return new Decision(target, need.reason(), need.detail() + capped, false);
        }
        double lowThreshold = Math.min(current - AcuRules.STEP, AcuRules.roundDown(current * (1 - settings.scaleDownMargin())));
        if (target > lowThreshold) {
            state.lowSinceMillis = -1;
            return Decision.keep(current);
        }
        // The need is lower: wait for it to stay lower, then step down part of the way.
        if (state.lowSinceMillis < 0) {
            state.lowSinceMillis = nowMillis;
            state.peakNeedWhileLow = target;
            return Decision.keep(current);
        }
        state.peakNeedWhileLow = Math.max(state.peakNeedWhileLow, target);
        boolean waitedEnough = nowMillis - state.lowSinceMillis >= settings.scaleDownDelaySeconds() * 1000L;
        boolean spaced = nowMillis - state.lastStepDownMillis >= settings.scaleDownIntervalSeconds() * 1000L;
        if (!waitedEnough || !spaced) {
            return Decision.keep(current);
        }
        double decrement = Math.max(AcuRules.STEP, AcuRules.roundDown(current * settings.scaleDownFraction()));
        double next = Math.max(state.peakNeedWhileLow, current - decrement);
        next = AcuRules.clamp(AcuRules.roundUp(next), config.minAcu(), config.maxAcu());
        state.lastStepDownMillis = nowMillis;
        // The next step waits for the interval, and judges the need from here on.
        state.lowSinceMillis = nowMillis - settings.scaleDownDelaySeconds() * 1000L;
        state.peakNeedWhileLow = target;
        return new Decision(next, Reason.SCALE_DOWN, need.detail(), false);
    }
}
