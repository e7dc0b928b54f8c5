package borealis.actors.control;

import borealis.actors.compute.ComputeInstance;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * The control plane's side of reader instances: how their compute entities are named and typed.
 *
 * <p>A reader is a compute entity of type {@link #TYPE_KEY} that speaks {@link ComputeInstance}'s
 * protocol (at least {@code OpenSession} and {@code Stop}), with entity id {@link #entityId}. The
 * compute side initializes that entity type on its nodes when it can serve readers (open the
 * volume read-only and follow the writer); until then the proxy answers a reader endpoint with a
 * clear error. Which readers a cluster has is kept in {@link DbCluster}.
 */
public final class ReaderInstances {

    public static final EntityTypeKey<ComputeInstance.Command> TYPE_KEY =
            EntityTypeKey.create(ComputeInstance.Command.class, "ReaderInstance");

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
