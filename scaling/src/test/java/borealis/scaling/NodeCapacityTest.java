package borealis.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NodeCapacityTest {

    @Test
    void allocationsNeverExceedTheCapacity() {
        NodeCapacity node = new NodeCapacity(8);
        Random r = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            String id = "i" + r.nextInt(6);
            switch (r.nextInt(3)) {
                case 0 -> node.resize(id, r.nextInt(17) * 0.5);
                case 1 -> node.tryReserve(id, r.nextInt(9) * 0.5);
                default -> node.release(id);
            }
            assertTrue(node.allocatedAcu() <= 8 + 1e-9, "allocated " + node.allocatedAcu());
            node.allocations().values().forEach(a -> assertTrue(AcuRules.isStep(a), "step " + a));
        }
    }

    @Test
    void growingIsGrantedUpToTheHeadroomAndShrinkingAlways() {
        NodeCapacity node = new NodeCapacity(4);
        assertEquals(3, node.resize("a", 3));
        assertEquals(1, node.resize("b", 2.5), "only the headroom is granted");
        assertEquals(0, node.headroomAcu());
        assertEquals(1, node.resize("a", 1));
        assertEquals(3, node.resize("b", 3));
        assertFalse(node.tryReserve("c", 0.5));
        assertEquals(3, node.release("b"));
        assertTrue(node.tryReserve("c", 3));
    }

    @Test
    void placementPicksTheNodeWithTheMostHeadroomThatFits() {
        var nodes = List.of(new Placement.NodeView("n1", 8, 7), new Placement.NodeView("n2", 8, 2), new Placement.NodeView("n3", 16, 9));
        assertEquals("n3", Placement.choose(nodes, 4, null).orElseThrow().node());
        assertEquals("n2", Placement.choose(nodes, 4, "n3").orElseThrow().node());
        assertTrue(Placement.choose(nodes, 7.5, null).isEmpty());
    }
}
