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

    /** This spec under another name and volume: a restore or clone of the cluster. */
    public ClusterSpec copyAs(String newName) {
        return new ClusterSpec(tenant, newName, minAcu, maxAcu, secondsUntilAutoPause, groupSize, engineSecret, masterUsername,
                statementTimeoutCeilingMillis, maxMemoryRows, tempFileLimitBytes, storageQuotaBytes, newVolumeId(tenant, newName));
    }

    /**
     * The spec as text, kept with the volume's backup: a restore needs the engine's secret and the
     * master user's name when the control plane's record of the source is gone.
     */
    public byte[] toManifest() {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("tenant", tenant);
        p.setProperty("name", name);
        p.setProperty("minAcu", Double.toString(minAcu));
        p.setProperty("maxAcu", Double.toString(maxAcu));
        p.setProperty("secondsUntilAutoPause", Integer.toString(secondsUntilAutoPause));
        p.setProperty("groupSize", Long.toString(groupSize));
        p.setProperty("engineSecret", engineSecret);
        p.setProperty("masterUsername", masterUsername);
        p.setProperty("statementTimeoutCeilingMillis", Long.toString(statementTimeoutCeilingMillis));
        p.setProperty("maxMemoryRows", Integer.toString(maxMemoryRows));
        p.setProperty("tempFileLimitBytes", Long.toString(tempFileLimitBytes));
        p.setProperty("storageQuotaBytes", Long.toString(storageQuotaBytes));
        p.setProperty("volumeId", volumeId);
        java.io.StringWriter w = new java.io.StringWriter();
        try {
            p.store(w, "Borealis cluster manifest");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return w.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    public static ClusterSpec fromManifest(byte[] manifest) {
        java.util.Properties p = new java.util.Properties();
        try {
            p.load(new java.io.StringReader(new String(manifest, java.nio.charset.StandardCharsets.UTF_8)));
            return new ClusterSpec(p.getProperty("tenant"), p.getProperty("name"), Double.parseDouble(p.getProperty("minAcu")),
                    Double.parseDouble(p.getProperty("maxAcu")), Integer.parseInt(p.getProperty("secondsUntilAutoPause")),
                    Long.parseLong(p.getProperty("groupSize")), p.getProperty("engineSecret"), p.getProperty("masterUsername"),
                    Long.parseLong(p.getProperty("statementTimeoutCeilingMillis")), Integer.parseInt(p.getProperty("maxMemoryRows")),
                    Long.parseLong(p.getProperty("tempFileLimitBytes")), Long.parseLong(p.getProperty("storageQuotaBytes")),
                    p.getProperty("volumeId"));
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a cluster manifest: " + e.getMessage(), e);
        }
    }

    ClusterSpec withScaling(double min, double max, int pause) {
        return new ClusterSpec(tenant, name, min, max, pause, groupSize, engineSecret, masterUsername, statementTimeoutCeilingMillis,
                maxMemoryRows, tempFileLimitBytes, storageQuotaBytes, volumeId);
    }
}
