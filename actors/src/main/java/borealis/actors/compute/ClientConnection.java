package borealis.actors.compute;

import borealis.persistence.serialization.BorealisSerializable;

/**
 * The protocol of whatever holds a client's connection (the proxy session): what a SQL session
 * sends back to it. The proxy's own messages implement it too.
 */
public interface ClientConnection extends BorealisSerializable {

    /** Wire bytes for the client, in order; acknowledge with {@link SqlSession.Ack} once written. */
    record Output(long seq, byte[] bytes) implements ClientConnection {}

    /** The session is over (the client left, or the instance closed it); {@code error} is a FATAL message to send first, or null. */
    record Ended(String sqlState, String error) implements ClientConnection {}
}
