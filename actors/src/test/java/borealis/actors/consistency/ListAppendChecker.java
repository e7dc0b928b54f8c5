package borealis.actors.consistency;

import borealis.actors.consistency.History.Op;
import borealis.actors.consistency.History.Outcome;
import borealis.actors.consistency.History.Txn;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Elle's list-append analysis (Kingsbury and Alvaro, VLDB 2020), written here because Elle itself
 * is Clojure and not reachable: reads of whole lists reveal each key's version order (every read
 * must be a prefix of the longest), from which write-write, write-read and read-write (anti-)
 * dependencies between committed transactions follow; cycles in that graph are the anomalies
 * of Adya's hierarchy. Also reported: reads of aborted or intermediate values, reads that no
 * version order can explain, and acknowledged appends missing from the final read.
 */
public final class ListAppendChecker {

    /** What the checker can find; {@link #forbiddenAt} says which PostgreSQL rules out per level. */
    public enum Anomaly {
        /** A cycle of write-write dependencies only (dirty write). */
        G0,
        /** A read saw a value appended by a transaction that failed. */
        G1A,
        /** A read saw a value that its transaction later appended after (an intermediate state). */
        G1B,
        /** A cycle of write-write and write-read dependencies. */
        G1C,
        /** A cycle with exactly one read-write anti-dependency (read skew, lost update under SI). */
        G_SINGLE,
        /** A cycle with two or more anti-dependencies (write skew). */
        G2_ITEM,
        /** Two reads of a key that are not prefixes of one another: no single version order. */
        INCOMPATIBLE_ORDER,
        /** A value in a read that nobody appended, or appears twice. */
        GARBAGE_READ,
        /** An acknowledged append missing from the final read. */
        LOST_WRITE,
        /** An append that updated no row of a key that exists, without an error (recorded by the workload). */
        EMPTY_APPEND;

        /**
         * The anomalies PostgreSQL 15 never shows at an isolation level: READ COMMITTED rules out
         * G0 and G1; REPEATABLE READ (snapshot isolation) also G-single; SERIALIZABLE everything.
         */
        public static Set<Anomaly> forbiddenAt(String isolation) {
            Set<Anomaly> always = EnumSet.of(G0, G1A, G1B, G1C, INCOMPATIBLE_ORDER, GARBAGE_READ, LOST_WRITE, EMPTY_APPEND);
            switch (isolation) {
                case "read committed" -> { }
                case "repeatable read" -> always.add(G_SINGLE);
                case "serializable" -> always.addAll(EnumSet.of(G_SINGLE, G2_ITEM));
                default -> throw new IllegalArgumentException("isolation level " + isolation);
            }
            return always;
        }
    }

    /** Counts per anomaly and a few examples of each. */
    public record Report(Map<Anomaly, Integer> counts, Map<Anomaly, List<String>> examples, int committed, int edges) {
        public int count(Anomaly a) {
            return counts.getOrDefault(a, 0);
        }

        public Map<Anomaly, Integer> found(Set<Anomaly> among) {
            Map<Anomaly, Integer> out = new TreeMap<>();
            counts.forEach((a, n) -> {
                if (among.contains(a) && n > 0) {
                    out.put(a, n);
                }
            });
            return out;
        }
    }

    private static final int EXAMPLES = 3;

    private final Map<Anomaly, Integer> counts = new TreeMap<>();
    private final Map<Anomaly, List<String>> examples = new TreeMap<>();

    private ListAppendChecker() {}

    /**
     * Checks a history; {@code finalReads} is a last read of every key after the run (empty if
     * the database could not be read at the end, and then no write counts as lost).
     */
    public static Report check(List<Txn> txns, Map<Integer, List<Integer>> finalReads) {
        return check(txns, finalReads, List.of());
    }

    /** As above, with the appends the workload saw update no row. */
    public static Report check(List<Txn> txns, Map<Integer, List<Integer>> finalReads, List<String> emptyAppends) {
        ListAppendChecker c = new ListAppendChecker();
        emptyAppends.forEach(e -> c.found(Anomaly.EMPTY_APPEND, e));
        return c.run(txns, finalReads);
    }

    private void found(Anomaly a, String example) {
        counts.merge(a, 1, Integer::sum);
        List<String> ex = examples.computeIfAbsent(a, k -> new ArrayList<>());
        if (ex.size() < EXAMPLES) {
            ex.add(example);
        }
    }

    private record Write(Txn txn, boolean last) {}

    private Report run(List<Txn> txns, Map<Integer, List<Integer>> finalReads) {
        // Who appended each (key, value), and whether it was that transaction's last append to the key.
        Map<Long, Write> writers = new HashMap<>();
        for (Txn t : txns) {
            Map<Integer, Integer> lastAppend = new HashMap<>();
            for (Op op : t.ops()) {
                if (op.append()) {
                    lastAppend.put(op.key(), op.value());
                }
            }
            for (Op op : t.ops()) {
                if (op.append()) {
                    writers.put(kv(op.key(), op.value()), new Write(t, lastAppend.get(op.key()) == op.value()));
                }
            }
        }
        List<Txn> ok = txns.stream().filter(t -> t.outcome() == Outcome.OK).toList();

        // Each key's version order: the longest read, which every other read must be a prefix of.
        Map<Integer, List<Integer>> order = new TreeMap<>();
        List<ReadOf> reads = new ArrayList<>();
        for (Txn t : ok) {
            for (Op op : t.ops()) {
                if (!op.append() && op.read() != null) {
                    reads.add(new ReadOf(t, op.key(), op.read()));
                }
            }
        }
        finalReads.forEach((k, v) -> reads.add(new ReadOf(null, k, v)));
        for (ReadOf r : reads) {
            order.merge(r.key, r.values, (a, b) -> b.size() > a.size() ? b : a);
        }
        for (ReadOf r : reads) {
            List<Integer> longest = order.get(r.key);
            if (!longest.subList(0, r.values.size()).equals(r.values)) {
                found(Anomaly.INCOMPATIBLE_ORDER, "key " + r.key + ": " + r.values + " is not a prefix of " + longest + " (" + r.txn + ")");
            }
            Set<Integer> seen = new HashSet<>();
            for (int v : r.values) {
                Write w = writers.get(kv(r.key, v));
                if (!seen.add(v) || w == null) {
                    found(Anomaly.GARBAGE_READ, "key " + r.key + " value " + v + " in " + r.values + " (" + r.txn + ")");
                } else if (w.txn.outcome() == Outcome.FAIL) {
                    found(Anomaly.G1A, "key " + r.key + " value " + v + " (at " + r.values.indexOf(v) + " of " + r.values.size()
                            + ", then " + r.values.subList(r.values.indexOf(v), Math.min(r.values.size(), r.values.indexOf(v) + 4))
                            + ") of failed " + w.txn + " read by " + (r.txn == null ? "the final read" : r.txn));
                }
            }
            if (r.txn != null && !r.values.isEmpty()) {
                Write w = writers.get(kv(r.key, r.values.get(r.values.size() - 1)));
                if (w != null && !w.last && w.txn != r.txn) {
                    found(Anomaly.G1B, "key " + r.key + " read " + r.values + " ends in an intermediate append of " + w.txn + " (" + r.txn + ")");
                }
            }
        }
        if (!finalReads.isEmpty()) {
            for (Txn t : ok) {
                for (Op op : t.ops()) {
                    if (op.append() && !finalReads.getOrDefault(op.key(), List.of()).contains(op.value())) {
                        found(Anomaly.LOST_WRITE, "key " + op.key() + " value " + op.value() + " of " + t + " is not in the final read");
                    }
                }
            }
        }

        // The dependency graph over committed transactions (ok, and unknown ones whose appends were seen).
        Graph g = new Graph();
        for (Map.Entry<Integer, List<Integer>> e : order.entrySet()) {
            List<Integer> vs = e.getValue();
            for (int i = 0; i + 1 < vs.size(); i++) {
                Write a = writers.get(kv(e.getKey(), vs.get(i)));
                Write b = writers.get(kv(e.getKey(), vs.get(i + 1)));
                if (a != null && b != null) {
                    g.add(a.txn.id(), b.txn.id(), Edge.WW);
                }
            }
        }
        for (ReadOf r : reads) {
            if (r.txn == null) {
                continue;
            }
            List<Integer> vs = order.get(r.key);
            if (!r.values.isEmpty()) {
                Write w = writers.get(kv(r.key, r.values.get(r.values.size() - 1)));
                if (w != null) {
                    g.add(w.txn.id(), r.txn.id(), Edge.WR);
                }
            }
            if (r.values.size() < vs.size()) {
                Write next = writers.get(kv(r.key, vs.get(r.values.size())));
                if (next != null) {
                    g.add(r.txn.id(), next.txn.id(), Edge.RW);
                }
            }
        }
        Map<Integer, Txn> byId = new HashMap<>();
        txns.forEach(t -> byId.put(t.id(), t));
        for (List<Integer> scc : g.components()) {
            classify(g, scc, byId);
        }
        return new Report(Map.copyOf(counts), Map.copyOf(examples), ok.size(), g.edgeCount());
    }

    private record ReadOf(Txn txn, int key, List<Integer> values) {}

    private static long kv(int key, int value) {
        return ((long) key << 32) | (value & 0xffffffffL);
    }

    /** Names the strongest-forbidden cycle in one strongly connected component. */
    private void classify(Graph g, List<Integer> scc, Map<Integer, Txn> byId) {
        Set<Integer> in = new HashSet<>(scc);
        List<Integer> cycle;
        Anomaly kind;
        if ((cycle = g.cycle(in, EnumSet.of(Edge.WW))) != null) {
            kind = Anomaly.G0;
        } else if ((cycle = g.cycle(in, EnumSet.of(Edge.WW, Edge.WR))) != null) {
            kind = Anomaly.G1C;
        } else if ((cycle = g.cycleWithOneAntiDependency(in)) != null) {
            kind = Anomaly.G_SINGLE;
        } else {
            cycle = g.cycle(in, EnumSet.allOf(Edge.class));
            kind = Anomaly.G2_ITEM;
        }
        StringBuilder ex = new StringBuilder();
        for (int id : cycle == null ? scc : cycle) {
            ex.append(byId.get(id)).append(" -> ");
        }
        found(kind, ex.append("...").toString());
    }

    enum Edge { WW, WR, RW }

    /** A directed multigraph of transaction ids with typed edges. */
    static final class Graph {
        private final Map<Integer, Map<Integer, EnumSet<Edge>>> out = new LinkedHashMap<>();
        private int edges;

        void add(int from, int to, Edge e) {
            if (from == to) {
                return;
            }
            out.computeIfAbsent(to, k -> new LinkedHashMap<>());
            EnumSet<Edge> kinds = out.computeIfAbsent(from, k -> new LinkedHashMap<>()).computeIfAbsent(to, k -> EnumSet.noneOf(Edge.class));
            if (kinds.add(e)) {
                edges++;
            }
        }

        int edgeCount() {
            return edges;
        }

        /** Strongly connected components of more than one node (Tarjan, iterative). */
        List<List<Integer>> components() {
            Map<Integer, Integer> index = new HashMap<>();
            Map<Integer, Integer> low = new HashMap<>();
            ArrayDeque<Integer> stack = new ArrayDeque<>();
            Set<Integer> onStack = new HashSet<>();
            List<List<Integer>> result = new ArrayList<>();
            int[] counter = {0};
            for (int start : out.keySet()) {
                if (index.containsKey(start)) {
                    continue;
                }
                ArrayDeque<int[]> work = new ArrayDeque<>(); // {node, next child position}
                work.push(new int[] {start, 0});
                index.put(start, counter[0]);
                low.put(start, counter[0]++);
                stack.push(start);
                onStack.add(start);
                while (!work.isEmpty()) {
                    int[] frame = work.peek();
                    List<Integer> children = new ArrayList<>(out.get(frame[0]).keySet());
                    if (frame[1] < children.size()) {
                        int c = children.get(frame[1]++);
                        if (!index.containsKey(c)) {
                            index.put(c, counter[0]);
                            low.put(c, counter[0]++);
                            stack.push(c);
                            onStack.add(c);
                            work.push(new int[] {c, 0});
                        } else if (onStack.contains(c)) {
                            low.put(frame[0], Math.min(low.get(frame[0]), index.get(c)));
                        }
                    } else {
                        work.pop();
                        if (!work.isEmpty()) {
                            int parent = work.peek()[0];
                            low.put(parent, Math.min(low.get(parent), low.get(frame[0])));
                        }
                        if (low.get(frame[0]).equals(index.get(frame[0]))) {
                            List<Integer> scc = new ArrayList<>();
                            int x;
                            do {
                                x = stack.pop();
                                onStack.remove(x);
                                scc.add(x);
                            } while (x != frame[0]);
                            if (scc.size() > 1) {
                                result.add(scc);
                            }
                        }
                    }
                }
            }
            return result;
        }

        /** A cycle within {@code in} using only edges of the given kinds, or null. */
        List<Integer> cycle(Set<Integer> in, EnumSet<Edge> kinds) {
            for (int start : in) {
                List<Integer> path = path(start, start, in, kinds);
                if (path != null) {
                    return path;
                }
            }
            return null;
        }

        /** A cycle with exactly one read-write edge, the rest write-write or write-read, or null. */
        List<Integer> cycleWithOneAntiDependency(Set<Integer> in) {
            EnumSet<Edge> dependencies = EnumSet.of(Edge.WW, Edge.WR);
            for (int from : in) {
                for (Map.Entry<Integer, EnumSet<Edge>> e : out.get(from).entrySet()) {
                    if (in.contains(e.getKey()) && e.getValue().contains(Edge.RW)) {
                        List<Integer> back = path(e.getKey(), from, in, dependencies);
                        if (back != null) {
                            return back;
                        }
                    }
                }
            }
            return null;
        }

        /** A path from {@code from} to {@code to} (at least one edge) inside {@code in}, breadth first. */
        private List<Integer> path(int from, int to, Set<Integer> in, EnumSet<Edge> kinds) {
            Map<Integer, Integer> parent = new HashMap<>();
            ArrayDeque<Integer> queue = new ArrayDeque<>();
            queue.add(from);
            while (!queue.isEmpty()) {
                int x = queue.poll();
                for (Map.Entry<Integer, EnumSet<Edge>> e : out.get(x).entrySet()) {
                    int y = e.getKey();
                    if (!in.contains(y) || java.util.Collections.disjoint(e.getValue(), kinds)) {
                        continue;
                    }
                    if (y == to) {
                        List<Integer> p = new ArrayList<>();
                        for (int z = x; z != from; z = parent.get(z)) {
                            p.add(0, z);
                        }
                        p.add(0, from);
                        return p;
                    }
                    if (!parent.containsKey(y) && y != from) {
                        parent.put(y, x);
                        queue.add(y);
                    }
                }
            }
            return null;
        }
    }
}
