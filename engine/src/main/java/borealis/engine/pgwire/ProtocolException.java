package borealis.engine.pgwire;

/** The client broke the wire protocol: the connection is answered with an error and closed. */
public final class ProtocolException extends RuntimeException {
    public ProtocolException(String message) {
        super(message);
    }
}
