package borealis.actors.cluster;

import borealis.engine.h2.EngineLimits;
import borealis.persistence.serialization.BorealisSerializable;

/**
 * A database cluster's configuration as created (and later modified).
 *
 * @param groupSize                     protection group size of its volume, in bytes
 * @param engineSecret                  the H2 admin password of its database; never shown to the tenant
 * @param masterUsername                the database user created with the cluster: it owns the database (public and
 *                                      every schema created in it) and cannot be dropped
 * @param statementTimeoutCeilingMillis longest a statement of any session may run (tenants cannot raise it)
 * @param maxMemoryRows                 rows of a result the engine holds in memory before spilling
 * @param tempFileLimitBytes            scratch bytes its statements may hold at once (-1: none)
 * @param storageQuotaBytes             volume size past which writes are refused (-1: none)
 * @param volumeId                      the id of its volume, {@code tenant/name/<incarnation>}: a cluster
 *                                      created again under a deleted one's name never sees a byte of the
 *                                      old volume, even one a purge missed
 */
public record ClusterSpec(String tenant, String name, double minAcu, double maxAcu, int secondsUntilAutoPause,
                          long groupSize, String engineSecret, String masterUsername, long statementTimeoutCeilingMillis, int maxMemoryRows,
                          long tempFileLimitBytes, long storageQuotaBytes, String volumeId)
        implements BorealisSerializable {

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /** A volume id for a new incarnation of cluster {@code tenant/name}. */
    public static String newVolumeId(String tenant, String name) {
        return id(tenant, name) + "/" + Long.toHexString(System.currentTimeMillis()) + String.format("%04x", RANDOM.nextInt(0x10000));
    }

    /** The id of the cluster entity and of its writer compute entity: {@code tenant/name}. */
    public String id() {
        return id(tenant, name);
    }

    public static String id(String tenant, String name) {
        return tenant + "/" + name;
    }

    /** The limits its engine enforces on every session. */
    public EngineLimits engineLimits() {
        return new EngineLimits(statementTimeoutCeilingMillis, maxMemoryRows, tempFileLimitBytes, storageQuotaBytes);
    }

    ClusterSpec withScaling(double min, double max, int pause) {
        return new ClusterSpec(tenant, name, min, max, pause, groupSize, engineSecret, masterUsername, statementTimeoutCeilingMillis,
                maxMemoryRows, tempFileLimitBytes, storageQuotaBytes, volumeId);
    }
}
