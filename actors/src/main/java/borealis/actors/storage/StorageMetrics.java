package borealis.actors.storage;

import io.prometheus.client.Counter;

/** Replicas catching up: how often, and how (records from a peer, a whole copy, one block). */
public final class StorageMetrics {

    static final Counter REPAIRS = Counter.build("borealis_storage_repairs_total",
                    "Replica repairs on this node, by kind: fill (missing records from a peer), hydrate (a whole copy), block (a corrupt block), "
                    + "lost-blocks (a block file found missing or short at recovery, which then fills or hydrates).")
            .labelNames("kind").register();
    static final Counter FILLED_RECORDS = Counter.build("borealis_storage_filled_records_total",
            "Log records replicas on this node took from peers to fill gaps.").register();

    static {
        for (String kind : new String[] {"fill", "hydrate", "block", "lost-blocks"}) {
            REPAIRS.labels(kind);
        }
    }

    private StorageMetrics() {}

    /** Loads the class, so the families are exported before the first repair. */
    public static void init() {
        // class initialisation registers them
    }
}
