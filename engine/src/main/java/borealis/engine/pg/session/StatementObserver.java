package borealis.engine.pg.session;

/** Told about every statement and transaction a session finishes (metrics, Top SQL). Called on the session's thread. */
public interface StatementObserver {

    StatementObserver NONE = new StatementObserver() {
        @Override
        public void statement(String sql, long nanos, long rows, boolean error) {
        }

        @Override
        public void transaction(boolean committed) {
        }
    };

    /** A statement ran in the engine for {@code nanos} (including fetching its rows) and finished. */
    void statement(String sql, long nanos, long rows, boolean error);

    /** A transaction ended: an explicit block, an implicit one, or a statement outside any. */
    void transaction(boolean committed);
}
