package borealis.actors.proxy;

import java.util.regex.Pattern;

/**
 * How a client names its cluster: the database name is {@code <tenant>.<cluster>}, so that any
 * PostgreSQL client can reach any cluster through one proxy address.
 */
public final class ClusterNames {

    /** Tenant and cluster names: lower-case letters, digits and hyphens, starting with a letter. */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    private ClusterNames() {}

    /** The cluster id ({@code tenant/cluster}) named by a database name, or null if it names none. */
    public static String clusterIdOf(String database) {
        int dot = database.indexOf('.');
        if (dot <= 0) {
            return null;
        }
        String tenant = database.substring(0, dot);
        String cluster = database.substring(dot + 1);
        if (!NAME.matcher(tenant).matches() || !NAME.matcher(cluster).matches()) {
            return null;
        }
        return tenant + "/" + cluster;
    }

    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }
}
