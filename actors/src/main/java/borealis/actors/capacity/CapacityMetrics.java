package borealis.actors.capacity;

import io.prometheus.client.Collector;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;
import io.prometheus.client.Histogram;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Capacity metrics for Prometheus: what each node offers and has allocated, and per instance its
 * allocation, CPU budget and use, statements waiting for CPU, sessions, ACU-seconds, scaling events
 * and resume latency. Supervisors publish an immutable snapshot every tick; a scrape only reads
 * them. One collector per JVM covers every node in it.
 */
public final class CapacityMetrics extends Collector {

    private static final List<String> NODE = List.of("node");
    private static final List<String> INSTANCE = List.of("tenant", "cluster", "instance", "node");
    private static final Map<String, NodeSnapshot> NODES = new ConcurrentHashMap<>();
    /** Lifecycle state of each instance hosted in this JVM, as it last reported it. */
    private static final Map<String, String> STATES = new ConcurrentHashMap<>();
    static final List<String> LIFECYCLE = List.of("resuming", "running", "paused", "moving");
    private static boolean registered;

    /** Resume latency: the first connect to a paused cluster until its database is open. */
    static final Histogram RESUME_SECONDS = Histogram.build("borealis_resume_seconds",
                    "Time from the first connect to a paused cluster until its database is open.")
            .labelNames("tenant", "cluster").buckets(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15).create();

    static final io.prometheus.client.Counter SCALING_EVENTS = io.prometheus.client.Counter.build("borealis_scaling_events_total",
            "Scaling and placement decisions, by kind (scale-up, scale-down, pause, resume, move, placement) and reason.")
            .labelNames("tenant", "cluster", "kind", "reason").create();

    static final io.prometheus.client.Counter ACU_SECONDS = io.prometheus.client.Counter.build("borealis_acu_seconds_total",
            "ACU-seconds metered on this node.").labelNames("tenant", "cluster", "instance", "node").create();

    /** One instance as its supervisor saw it at the last tick. */
    record InstanceSnapshot(String clusterId, double acu, double cpuBudget, double cpuSeconds, double cpuWaitSeconds, int waiting,
                            int sessions, int slots, double minAcu, double maxAcu) {}

    record NodeSnapshot(String node, double capacityAcu, double allocatedAcu, List<InstanceSnapshot> instances) {}

    private CapacityMetrics() {}

    /** Registers the collectors with the default registry, once per JVM. */
    public static synchronized void install() {
        if (registered) {
            return;
        }
        registered = true;
        new CapacityMetrics().register();
        RESUME_SECONDS.register();
        SCALING_EVENTS.register();
        ACU_SECONDS.register();
    }

    public static void observeResume(String clusterId, double seconds) {
        RESUME_SECONDS.labels(tenant(clusterId), cluster(clusterId)).observe(seconds);
    }

    public static void countEvent(String clusterId, String kind, String reason) {
        SCALING_EVENTS.labels(tenant(clusterId), cluster(clusterId), kind, reason).inc();
    }

    /** An instance's lifecycle state changed (resuming, running, paused, moving). */
    public static void state(String clusterId, String state) {
        STATES.put(clusterId, state);
    }

    /** The instance no longer lives in this JVM (moved away or deleted). */
    public static void forgetState(String clusterId) {
        STATES.remove(clusterId);
    }

    static void publish(NodeSnapshot snapshot) {
        NODES.put(snapshot.node(), snapshot);
    }

    static void forget(String node) {
        NODES.remove(node);
    }

    public static String tenant(String clusterId) {
        return CapacityLedger.idOf(clusterId);
    }

    public static String cluster(String clusterId) {
        int slash = clusterId.indexOf('/');
        return slash < 0 ? clusterId : clusterId.substring(slash + 1);
    }

    /** host:port of a node address ({@code pekko://borealis@host:port}), as the other node metrics label it. */
    static String nodeLabel(String address) {
        int at = address.indexOf('@');
        return at < 0 ? address : address.substring(at + 1);
    }

    @Override
    public List<MetricFamilySamples> collect() {
        GaugeMetricFamily capacity = new GaugeMetricFamily("borealis_node_capacity_acu", "ACUs the node offers to compute instances.", NODE);
        GaugeMetricFamily allocated = new GaugeMetricFamily("borealis_node_allocated_acu", "ACUs allocated (or reserved) on the node.", NODE);
        GaugeMetricFamily acu = new GaugeMetricFamily("borealis_instance_acu", "The instance's allocation.", INSTANCE);
        GaugeMetricFamily min = new GaugeMetricFamily("borealis_instance_min_acu", "The cluster's minimum.", INSTANCE);
        GaugeMetricFamily max = new GaugeMetricFamily("borealis_instance_max_acu", "The cluster's maximum.", INSTANCE);
        GaugeMetricFamily budget = new GaugeMetricFamily("borealis_instance_cpu_budget_ratio",
                "CPU-seconds per second the allocation allows.", INSTANCE);
        CounterMetricFamily cpu = new CounterMetricFamily("borealis_instance_cpu_seconds_total",
                "CPU time statements used (measured per thread) since the instance resumed.", INSTANCE);
        CounterMetricFamily waited = new CounterMetricFamily("borealis_instance_cpu_wait_seconds_total",
                "Statement-seconds spent waiting for CPU budget since the instance resumed.", INSTANCE);
        GaugeMetricFamily waiting = new GaugeMetricFamily("borealis_instance_statements_waiting", "Statements waiting for CPU now.", INSTANCE);
        GaugeMetricFamily sessions = new GaugeMetricFamily("borealis_instance_sessions", "Client sessions on the instance.", INSTANCE);
        GaugeMetricFamily slots = new GaugeMetricFamily("borealis_instance_connection_slots", "Sessions the allocation allows.", INSTANCE);
        GaugeMetricFamily states = new GaugeMetricFamily("borealis_instance_state",
                "1 for the instance's current lifecycle state (resuming, running, paused, moving), 0 for the others.",
                List.of("tenant", "cluster", "instance", "state"));
        STATES.forEach((clusterId, current) -> {
            for (String s : LIFECYCLE) {
                states.addMetric(List.of(tenant(clusterId), cluster(clusterId), "writer", s), s.equals(current) ? 1 : 0);
            }
        });
        for (NodeSnapshot n : NODES.values()) {
            String node = nodeLabel(n.node());
            capacity.addMetric(List.of(node), n.capacityAcu());
            allocated.addMetric(List.of(node), n.allocatedAcu());
            for (InstanceSnapshot i : n.instances()) {
                List<String> labels = List.of(tenant(i.clusterId()), cluster(i.clusterId()), "writer", node);
                acu.addMetric(labels, i.acu());
                min.addMetric(labels, i.minAcu());
                max.addMetric(labels, i.maxAcu());
                budget.addMetric(labels, i.cpuBudget());
                cpu.addMetric(labels, i.cpuSeconds());
                waited.addMetric(labels, i.cpuWaitSeconds());
                waiting.addMetric(labels, i.waiting());
                sessions.addMetric(labels, i.sessions());
                slots.addMetric(labels, i.slots());
            }
        }
        return new ArrayList<>(List.of(capacity, allocated, acu, min, max, budget, cpu, waited, waiting, sessions, slots, states));
    }
}
