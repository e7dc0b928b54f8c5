package borealis.ecosystem;

import java.util.List;
import java.util.Map;

/** A set of flows run the same way: one external runner (Python, Node) or JVM classes. */
interface Suite {

    String name();

    /** The flows, in the order they run. */
    List<FlowInfo> flows() throws Exception;

    /** Runs the given flows against {@code target}, each on a fresh database made by the target. */
    Map<String, FlowResult> run(Target target, List<FlowInfo> flows) throws Exception;
}
