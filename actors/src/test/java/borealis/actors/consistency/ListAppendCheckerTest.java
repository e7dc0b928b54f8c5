package borealis.actors.consistency;

import static borealis.actors.consistency.History.Op.append;
import static borealis.actors.consistency.History.Op.read;
import static org.junit.jupiter.api.Assertions.assertEquals;

import borealis.actors.consistency.History.Outcome;
import borealis.actors.consistency.ListAppendChecker.Anomaly;
import borealis.actors.consistency.ListAppendChecker.Report;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checker on small histories with a known anomaly each (and one without), as Elle's own tests do. */
class ListAppendCheckerTest {

    private static Map<Anomaly, Integer> anomalies(History h, Map<Integer, List<Integer>> finalReads) {
        return ListAppendChecker.check(h.txns(), finalReads).found(java.util.EnumSet.allOf(Anomaly.class));
    }

    @Test
    void aSerialHistoryHasNoAnomaly() {
        History h = new History();
        h.add(0, List.of(append(1, 1), append(2, 1)), Outcome.OK, null);
        h.add(1, List.of(read(1, List.of(1)), append(1, 2)), Outcome.OK, null);
        h.add(0, List.of(read(1, List.of(1, 2)), read(2, List.of(1))), Outcome.OK, null);
        h.add(1, List.of(append(2, 5)), Outcome.FAIL, "40001");
        assertEquals(Map.of(), anomalies(h, Map.of(1, List.of(1, 2), 2, List.of(1))));
    }

    @Test
    void writeSkewIsG2Item() {
        // Each reads both keys empty, then appends to a different one: two anti-dependencies.
        History h = new History();
        h.add(0, List.of(read(1, List.of()), read(2, List.of()), append(1, 1)), Outcome.OK, null);
        h.add(1, List.of(read(1, List.of()), read(2, List.of()), append(2, 1)), Outcome.OK, null);
        assertEquals(Map.of(Anomaly.G2_ITEM, 1), anomalies(h, Map.of(1, List.of(1), 2, List.of(1))));
    }

    @Test
    void aLostUpdateIsGSingle() {
        // Both read [1], both append: the second append's writer did not see the first's.
        History h = new History();
        h.add(0, List.of(append(1, 1)), Outcome.OK, null);
        h.add(1, List.of(read(1, List.of(1)), append(1, 2)), Outcome.OK, null);
        h.add(2, List.of(read(1, List.of(1)), append(1, 3)), Outcome.OK, null);
        h.add(0, List.of(read(1, List.of(1, 2, 3))), Outcome.OK, null);
        assertEquals(Map.of(Anomaly.G_SINGLE, 1), anomalies(h, Map.of(1, List.of(1, 2, 3))));
    }

    @Test
    void circularInformationFlowIsG1c() {
        History h = new History();
        h.add(0, List.of(append(1, 1), read(2, List.of(1))), Outcome.OK, null);
        h.add(1, List.of(append(2, 1), read(1, List.of(1))), Outcome.OK, null);
        assertEquals(Map.of(Anomaly.G1C, 1), anomalies(h, Map.of()));
    }

    @Test
    void interleavedWritesAreG0() {
        History h = new History();
        h.add(0, List.of(append(1, 1), append(2, 2)), Outcome.OK, null);
        h.add(1, List.of(append(1, 3), append(2, 4)), Outcome.OK, null);
        assertEquals(Map.of(Anomaly.G0, 1), anomalies(h, Map.of(1, List.of(1, 3), 2, List.of(4, 2))));
    }

    @Test
    void abortedAndIntermediateReadsAreG1aAndG1b() {
        History h = new History();
        h.add(0, List.of(append(1, 1)), Outcome.FAIL, "40001");
        h.add(1, List.of(append(2, 1), append(2, 2)), Outcome.OK, null);
        h.add(2, List.of(read(1, List.of(1)), read(2, List.of(1))), Outcome.OK, null);
        Report r = ListAppendChecker.check(h.txns(), Map.of());
        assertEquals(1, r.count(Anomaly.G1A));
        assertEquals(1, r.count(Anomaly.G1B));
    }

    @Test
    void anAcknowledgedAppendMissingAtTheEndIsALostWrite() {
        History h = new History();
        h.add(0, List.of(append(1, 1)), Outcome.OK, null);
        h.add(1, List.of(append(1, 2)), Outcome.OK, null);
        h.add(2, List.of(append(1, 3)), Outcome.INFO, "connection lost at commit");
        assertEquals(Map.of(Anomaly.LOST_WRITE, 1), anomalies(h, Map.of(1, List.of(1))));
    }

    @Test
    void anAppendThatUpdatedNoRowIsReported() {
        History h = new History();
        h.add(0, List.of(append(1, 1)), Outcome.OK, null);
        h.emptyAppend("p1 a(1,2) updated 0 rows at repeatable read");
        Report r = ListAppendChecker.check(h.txns(), Map.of(1, List.of(1)), h.emptyAppends());
        assertEquals(Map.of(Anomaly.EMPTY_APPEND, 1), r.found(Anomaly.forbiddenAt("repeatable read")));
    }

    @Test
    void readsThatNoOrderExplainsAreIncompatible() {
        History h = new History();
        h.add(0, List.of(append(1, 1)), Outcome.OK, null);
        h.add(1, List.of(append(1, 2)), Outcome.OK, null);
        h.add(2, List.of(read(1, List.of(1))), Outcome.OK, null);
        h.add(3, List.of(read(1, List.of(2))), Outcome.OK, null);
        assertEquals(1, ListAppendChecker.check(h.txns(), Map.of()).count(Anomaly.INCOMPATIBLE_ORDER));
    }
}
