package borealis.actors.capacity;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Resuming instances that wait for room on this node, served in arrival order, each until its
 * deadline; and the choice of which idle instances to pause to make that room (least recently
 * used first). A node never refuses a resume for capacity while it has idle instances to pause:
 * capacity is overcommitted, reserved for what is used rather than for what might be.
 */
final class AdmissionQueue {

    /** An admission waiting for {@code acu} until {@code deadlineMillis}. */
    record Waiting(ScalingSupervisor.Admit admit, double acu, long deadlineMillis) {
        String clusterId() {
            return admit.clusterId();
        }
    }

    /**
     * What the queue needs to know of an instance running here to choose it for a pause;
     * {@code sessionsIdle}: its sessions have run nothing for the grace period (they may be parked);
     * {@code settled}: a statement ran on it since it started, or the minimum residency passed (before, it is never
     * paused: the client it resumed for may not even have its session yet).
     */
    record Candidate(String clusterId, double acu, int sessions, boolean sessionsIdle, boolean leaving, long lastActivityMillis,
                     boolean settled) {}

    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();

    void add(ScalingSupervisor.Admit admit, double acu, long deadlineMillis) {
        waiting.addLast(new Waiting(admit, acu, deadlineMillis));
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    int size() {
        return waiting.size();
    }

    Waiting head() {
        return waiting.peekFirst();
    }

    Waiting take() {
        return waiting.pollFirst();
    }

    /** Removes and returns the admissions whose deadline has passed. */
    List<Waiting> expired(long nowMillis) {
        List<Waiting> out = new ArrayList<>();
        waiting.removeIf(w -> {
            boolean late = nowMillis >= w.deadlineMillis();
            if (late) {
                out.add(w);
            }
            return late;
        });
        return out;
    }

    /**
     * The idle instances to pause so that the waiting resumes fit: with {@code freeAcu} free now,
     * and counting what instances already leaving will give back, the least recently used
     * instances without a session, until their allocations cover every waiter (in arrival order,
     * so the earliest are covered first). Empty when they fit already or nothing idle is left to
     * pause (they then wait for an instance to leave). Room is made for all at once: pausing for
     * the head alone chained one pause after another (45 waiters took 6-10 s each at 10 resumes/s).
     */
    List<String> toPause(double freeAcu, List<Candidate> running) {
        double needed = 0;
        for (Waiting w : waiting) {
            needed += w.acu();
        }
        if (needed == 0) {
            return List.of();
        }
        double coming = freeAcu;
        for (Candidate c : running) {
            if (c.leaving()) {
                coming += c.acu();
            }
        }
        List<String> out = new ArrayList<>();
        List<Candidate> idle = running.stream().filter(c -> !c.leaving() && c.settled() && (c.sessions() == 0 || c.sessionsIdle()))
                .sorted(Comparator.comparingLong(Candidate::lastActivityMillis)).toList();
        for (Candidate c : idle) {
            if (coming >= needed - 1e-9) {
                break;
            }
            out.add(c.clusterId());
            coming += c.acu();
        }
        return out;
    }
}
