package borealis.actors.consistency;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What clients saw of a list-append run (Elle's model): each transaction reads whole lists and
 * appends unique values to them, and ends ok (committed and acknowledged), failed (certainly not
 * committed: an error before or at commit, such as 40001) or info (unknown: the connection died
 * while the commit was in flight).
 */
public final class History {

    public enum Outcome { OK, FAIL, INFO }

    /** One micro-operation: a read of a key's whole list, or an append of one value to it. */
    public record Op(boolean append, int key, int value, List<Integer> read) {
        public static Op append(int key, int value) {
            return new Op(true, key, value, null);
        }

        public static Op read(int key, List<Integer> values) {
            return new Op(false, key, 0, values == null ? null : List.copyOf(values));
        }

        @Override
        public String toString() {
            return append ? "a(" + key + "," + value + ")" : "r(" + key + "," + read + ")";
        }
    }

    /** A transaction as one client ran it. */
    public record Txn(int id, int process, List<Op> ops, Outcome outcome, String error) {
        @Override
        public String toString() {
            return "T" + id + "[p" + process + " " + outcome + " " + ops + (error == null ? "" : " " + error) + "]";
        }
    }

    private final List<Txn> txns = Collections.synchronizedList(new ArrayList<>());
    private final List<String> emptyAppends = Collections.synchronizedList(new ArrayList<>());

    /**
     * An append that updated no row though its key exists: PostgreSQL updates the row or fails the
     * statement (40001 at REPEATABLE READ and SERIALIZABLE), never neither. Its transaction may
     * still commit, so the append is not counted as written.
     */
    public void emptyAppend(String what) {
        emptyAppends.add(what);
    }

    public List<String> emptyAppends() {
        synchronized (emptyAppends) {
            return List.copyOf(emptyAppends);
        }
    }

    /** Records a finished transaction; returns its id. */
    public int add(int process, List<Op> ops, Outcome outcome, String error) {
        synchronized (txns) {
            int id = txns.size();
            txns.add(new Txn(id, process, List.copyOf(ops), outcome, error));
            return id;
        }
    }

    public List<Txn> txns() {
        synchronized (txns) {
            return List.copyOf(txns);
        }
    }

    public long count(Outcome o) {
        return txns().stream().filter(t -> t.outcome() == o).count();
    }
}
