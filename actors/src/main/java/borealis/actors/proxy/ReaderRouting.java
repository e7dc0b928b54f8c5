package borealis.actors.proxy;

import borealis.actors.cluster.ClusterNames;
import borealis.actors.cluster.ReaderInstances;
import borealis.actors.compute.ComputeInstance;
import borealis.actors.compute.ReaderInstance;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * Which compute entity a new session goes to: the writer for {@code <tenant>.<cluster>}; one of
 * the cluster's reader instances, picked at random (spreading sessions as Aurora's reader endpoint
 * does), for {@code <tenant>.<cluster>-ro}.
 */
final class ReaderRouting {

    /** The reader endpoint cannot be served; the message says why and what to do. */
    static final class NoReaderException extends Exception {
        NoReaderException(String message) {
            super(message);
        }
    }

    private ReaderRouting() {}

    static EntityRef<ComputeInstance.Command> target(ClusterSharding sharding, ClusterNames.Endpoint endpoint, List<Integer> readers)
            throws NoReaderException {
        if (!endpoint.reader()) {
            return sharding.entityRefFor(ComputeInstance.TYPE_KEY, endpoint.clusterId());
        }
        String writer = endpoint.clusterId().replace('/', '.');
        if (readers.isEmpty()) {
            throw new NoReaderException("cluster " + writer + " has no reader instances: add one (borealis cluster add-reader), "
                    + "or connect to the writer endpoint " + writer);
        }
        int number = readers.get(ThreadLocalRandom.current().nextInt(readers.size()));
        try {
            return sharding.entityRefFor(ReaderInstance.TYPE_KEY, ReaderInstances.entityId(endpoint.clusterId(), number));
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new NoReaderException("reader instances of cluster " + writer + " are not served by this deployment yet "
                    + "(no node runs reader compute); connect to the writer endpoint " + writer);
        }
    }
}
