package borealis.scaling;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ACUs a node offers and what its instances hold. Every change goes through here, so the sum
 * of allocations (and reservations for instances on their way in) never exceeds the capacity.
 */
public final class NodeCapacity {

    private final double capacityAcu;
    private final Map<String, Double> allocations = new LinkedHashMap<>();

    public NodeCapacity(double capacityAcu) {
        if (capacityAcu < AcuRules.STEP || !AcuRules.isStep(capacityAcu)) {
            throw new IllegalArgumentException("a node's capacity must be at least 0.5 ACU in steps of 0.5, got " + capacityAcu);
        }
        this.capacityAcu = capacityAcu;
    }

    public double capacityAcu() {
        return capacityAcu;
    }

    public double allocatedAcu() {
        double sum = 0;
        for (double a : allocations.values()) {
            sum += a;
        }
        return sum;
    }

    public double headroomAcu() {
        return capacityAcu - allocatedAcu();
    }

    public double allocation(String instance) {
        return allocations.getOrDefault(instance, 0.0);
    }

    public boolean holds(String instance) {
        return allocations.containsKey(instance);
    }

    /**
     * Sets an instance's allocation to {@code wanted}, or to as much of it as the headroom allows
     * (never below what it holds when growing). Returns what was granted.
     */
    public double resize(String instance, double wanted) {
        double current = allocation(instance);
        double granted = wanted <= current ? wanted : current + AcuRules.roundDown(Math.min(wanted - current, headroomAcu()));
        allocations.put(instance, granted);
        return granted;
    }

    /** Takes exactly {@code acu} for an instance if it fits; false (and no change) otherwise. */
    public boolean tryReserve(String instance, double acu) {
        double current = allocation(instance);
        if (acu > current && acu - current > headroomAcu() + 1e-9) {
            return false;
        }
        allocations.put(instance, acu);
        return true;
    }

    /** Gives back everything an instance holds. */
    public double release(String instance) {
        Double had = allocations.remove(instance);
        return had == null ? 0 : had;
    }

    public Map<String, Double> allocations() {
        return Collections.unmodifiableMap(allocations);
    }
}
