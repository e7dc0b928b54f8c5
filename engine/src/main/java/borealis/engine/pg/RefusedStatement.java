package borealis.engine.pg;

/**
 * A statement refused before it reached the engine because a tenant may not run it (H2's own
 * commands, several statements in one, lexer tricks): the client gets {@link #error}, and the
 * session reports it to the audit log as a refusal (the session guard's {@code refused}).
 */
public final class RefusedStatement extends PgException {

    public final String sql;

    public RefusedStatement(String sql, PgError error) {
        super(error);
        this.sql = sql;
    }
}
