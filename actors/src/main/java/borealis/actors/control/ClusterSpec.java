package borealis.actors.control;

import borealis.persistence.serialization.BorealisSerializable;

/**
 * A database cluster's configuration as created (and later modified).
 *
 * @param groupSize     protection group size of its volume, in bytes
 * @param engineSecret  the H2 admin password of its database; never shown to the tenant
 */
public record ClusterSpec(String tenant, String name, double minAcu, double maxAcu, int secondsUntilAutoPause,
                          long groupSize, String engineSecret) implements BorealisSerializable {

    /** The id of the cluster entity and of its volume: {@code tenant/name}. */
    public String id() {
        return id(tenant, name);
    }

    public static String id(String tenant, String name) {
        return tenant + "/" + name;
    }
}
