package borealis.actors.control;

import borealis.actors.cluster.ClusterNames;
import borealis.actors.cluster.ClusterSpec;
import borealis.actors.cluster.DbCluster;
import borealis.actors.cluster.ReaderInstances;
import java.util.List;

/**
 * A cluster's endpoints as clients reach them: one proxy address for every cluster, and the
 * database name choosing the cluster and the endpoint (writer {@code <tenant>.<cluster>}, reader
 * {@code <tenant>.<cluster>-ro}, which spreads sessions over the reader instances).
 *
 * @param host the address clients use for the proxy (the node's advertised host)
 * @param port the proxy's PostgreSQL port
 */
public record Endpoints(String host, int port) {

    Views.Endpoints of(DbCluster.ClusterInfo info, boolean readersServed) {
        ClusterSpec s = info.spec();
        boolean live = info.status().equals("available");
        List<String> readers = info.readers().stream().map(ReaderInstances::instanceName).toList();
        String readerStatus = !live ? info.status() : readers.isEmpty() ? "no-instances" : readersServed ? "available" : "not-served";
        return new Views.Endpoints(s.tenant(), s.name(), List.of(
                view("writer", ClusterNames.writerDatabase(s.tenant(), s.name()), List.of("writer"), live ? "available" : info.status()),
                view("reader", ClusterNames.readerDatabase(s.tenant(), s.name()), readers, readerStatus)));
    }

    private Views.EndpointView view(String type, String database, List<String> instances, String status) {
        return new Views.EndpointView(type, database, host, port, instances, status,
                "jdbc:postgresql://" + host + ":" + port + "/" + database,
                "psql \"host=" + host + " port=" + port + " dbname=" + database + " user=<user>\"");
    }
}
