package borealis.ecosystem;

/** A server the suite runs every flow against: PostgreSQL 15 (the oracle) or a Borealis node. */
public interface Target extends AutoCloseable {

    /** {@code postgresql} or {@code borealis}. */
    String name();

    /** A fresh, empty database for one flow, owned by a non-superuser that may create in {@code public}. */
    Db create(String flowId) throws Exception;

    /** Drops what {@link #create} made (best effort). */
    void drop(Db db);

    /** Runs on a connection as a superuser/administrator where the flow set-up needs one (PostgreSQL only). */
    default String describe() {
        return name();
    }
}
