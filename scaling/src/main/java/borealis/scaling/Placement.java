package borealis.scaling;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * Where an instance should run: among the nodes that have the headroom for its allocation, the one
 * with the most (spreading load leaves room for every instance to grow in place).
 */
public final class Placement {

    /** What a node reports of itself. */
    public record NodeView(String node, double capacityAcu, double allocatedAcu) {
        public double headroomAcu() {
            return capacityAcu - allocatedAcu;
        }
    }

    private Placement() {}

    /** The best node for {@code acu}, other than {@code exclude} (may be null); empty if none has room. */
    public static Optional<NodeView> choose(Collection<NodeView> nodes, double acu, String exclude) {
        return nodes.stream()
                .filter(n -> !n.node().equals(exclude))
                .filter(n -> n.headroomAcu() + 1e-9 >= acu)
                .max(Comparator.comparingDouble(NodeView::headroomAcu).thenComparing(NodeView::node, Comparator.reverseOrder()));
    }
}
