package borealis.actors.cluster;

/**
 * The control plane's side of reader instances: how their compute entities are named and typed.
 *
 * <p>A reader is a compute entity (the compute's ReaderInstance) with entity id {@link #entityId}.
 * Which readers a cluster has is kept in {@link DbCluster}.
 */
public final class ReaderInstances {

    private ReaderInstances() {}

    /** {@code tenant/cluster/reader-N}: the cluster id (which is also the volume id) and the reader's number. */
    public static String entityId(String clusterId, int number) {
        return clusterId + "/reader-" + number;
    }

    /** The instance name the API shows. */
    public static String instanceName(int number) {
        return "reader-" + number;
    }
}
