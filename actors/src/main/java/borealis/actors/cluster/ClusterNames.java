package borealis.actors.cluster;

import java.util.regex.Pattern;

/**
 * How a client names its cluster: the database name is an endpoint, {@code <tenant>.<cluster>}
 * for the writer and {@code <tenant>.<cluster>-ro} for the readers, so that any PostgreSQL client
 * can reach any cluster through one proxy address. Cluster names may not end in {@code -ro}.
 */
public final class ClusterNames {

    /** Tenant and cluster names: lower-case letters, digits and hyphens, starting with a letter. */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    /** Appended to a cluster's database name to reach its reader instances. */
    public static final String READER_SUFFIX = "-ro";

    /** What a database name designates: a cluster ({@code tenant/cluster}) and which of its endpoints. */
    public record Endpoint(String clusterId, boolean reader) {}

    private ClusterNames() {}

    /** The cluster id ({@code tenant/cluster}) named by a writer database name, or null if it names none. */
    public static String clusterIdOf(String database) {
        Endpoint e = endpointOf(database);
        return e == null || e.reader() ? null : e.clusterId();
    }

    /** The endpoint a database name designates, or null if it is not of the form of one. */
    public static Endpoint endpointOf(String database) {
        if (database == null) {
            return null;
        }
        int dot = database.indexOf('.');
        if (dot <= 0) {
            return null;
        }
        String tenant = database.substring(0, dot);
        String cluster = database.substring(dot + 1);
        boolean reader = cluster.endsWith(READER_SUFFIX);
        if (reader) {
            cluster = cluster.substring(0, cluster.length() - READER_SUFFIX.length());
        }
        if (!validName(tenant) || !validClusterName(cluster)) {
            return null;
        }
        return new Endpoint(tenant + "/" + cluster, reader);
    }

    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** A cluster name: a valid name that does not end in the reader suffix. */
    public static boolean validClusterName(String name) {
        return validName(name) && !name.endsWith(READER_SUFFIX) && !name.endsWith("-");
    }

    public static String writerDatabase(String tenant, String cluster) {
        return tenant + "." + cluster;
    }

    public static String readerDatabase(String tenant, String cluster) {
        return tenant + "." + cluster + READER_SUFFIX;
    }
}
