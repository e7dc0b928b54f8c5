package borealis.actors.capacity;

import borealis.scaling.AcuProfile;
import borealis.scaling.ScalingPolicy;
import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The node's {@code borealis.capacity} configuration. {@code admissionWait}: how long a resuming
 * cluster waits for room on a full node (while idle instances are paused for it) before its client
 * gets a retryable error. {@code idleSessionGrace}: how long an instance's sessions must have run
 * nothing before it may be paused, its sessions parked, to make room. {@code overcommit}: how many
 * times its {@code nodeAcus} the node allocates (docs/capacity.md, "Overcommit"). {@code minResidency}:
 * how long a started or resumed instance on which no statement ran yet is kept from being paused to make room. {@code pageCacheShare}:
 * the part of an allocation's cache that holds the engine's decoded pages (the rest: volume blocks).
 */
public record CapacitySettings(double nodeAcus, AcuProfile profile, ScalingPolicy.Settings policy, Duration tick, Duration drainTimeout,
                               long usageRetentionMinutes, int eventsKept, Duration admissionWait,
                               Duration idleSessionGrace, double overcommit, Duration parkIdleSessionsAfter, Duration minResidency,
                               double pageCacheShare) {

    public CapacitySettings {
        if (!(pageCacheShare >= 0 && pageCacheShare < 1)) {
            throw new IllegalArgumentException("borealis.capacity.page-cache-share must be in [0, 1), got " + pageCacheShare);
        }
        if (!(overcommit >= 1)) {
            throw new IllegalArgumentException("borealis.capacity.overcommit must be at least 1 (no overcommit), got " + overcommit);
        }
    }

    /** ACUs the node admits allocations for: its physical ACUs times the overcommit. */
    public double admittedAcus() {
        return nodeAcus * overcommit;
    }

    public static CapacitySettings from(Config borealis) {
        Config c = borealis.getConfig("capacity");
        Config p = c.getConfig("policy");
        double hostCpus = p.getDouble("host-cpus") > 0 ? p.getDouble("host-cpus") : Runtime.getRuntime().availableProcessors();
        ScalingPolicy.Settings policy = new ScalingPolicy.Settings(p.getDouble("target-cpu-utilization"), hostCpus,
                (int) p.getDuration("scale-down-delay").toSeconds(), (int) p.getDuration("scale-down-interval").toSeconds(),
                p.getDouble("scale-down-fraction"), p.getDouble("scale-down-margin"), p.getDouble("scale-up-margin"), p.getDouble("min-hit-ratio"),
                p.getDouble("min-misses-per-second"));
        AcuProfile profile = new AcuProfile(c.getBytes("per-acu.cache"), c.getDouble("per-acu.cpu"), c.getInt("per-acu.connections"));
        return new CapacitySettings(c.getDouble("node-acus"), profile, policy, c.getDuration("tick"), c.getDuration("drain-timeout"),
                c.getDuration("usage-retention").toMinutes(), c.getInt("events-kept"), c.getDuration("admission-wait"),
                c.getDuration("idle-session-grace"), c.getDouble("overcommit"),
                c.getDuration("park-idle-sessions-after"), c.getDuration("min-residency"),
                c.getDouble("page-cache-share"));
    }
}
