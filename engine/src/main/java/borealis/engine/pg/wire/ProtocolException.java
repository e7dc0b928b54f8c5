package borealis.engine.pg.wire;

/**
 * The client broke the wire protocol: the connection is answered with a FATAL error carrying
 * {@link #sqlState} (08P01 protocol_violation unless said otherwise) and closed.
 */
public final class ProtocolException extends RuntimeException {

    public static final String PROTOCOL_VIOLATION = "08P01";

    private final String sqlState;

    public ProtocolException(String message) {
        this(PROTOCOL_VIOLATION, message);
    }

    public ProtocolException(String sqlState, String message) {
        super(message);
        this.sqlState = sqlState;
    }

    public String sqlState() {
        return sqlState;
    }
}
