package borealis.engine.pg;

/** An error to report to the client as is, with its PostgreSQL SQLSTATE. */
public class PgException extends RuntimeException {
    public final PgError error;

    public PgException(PgError error) {
        super(error.message());
        this.error = error;
    }
}
