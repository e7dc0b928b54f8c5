package borealis.actors.compute;

import borealis.engine.pg.session.PgSession;
import borealis.engine.pg.wire.FrontendMessage;
import borealis.persistence.serialization.BorealisSerializable;
import java.util.List;

/**
 * The protocol of whatever holds a client's connection (the proxy session): what a SQL session
 * sends back to it. The proxy's own messages implement it too.
 */
public interface ClientConnection extends BorealisSerializable {

    /**
     * Wire bytes for the client, in order; acknowledge with {@link SqlSession.Ack} once written.
     * {@code reattach}: after these bytes the session is {@link Reattachable} (null: no news), sent
     * along rather than as a message of its own (one more message per request cost select-only
     * throughput).
     */
    record Output(long seq, byte[] bytes, Reattachable reattach) implements ClientConnection {}

    /**
     * The session took the {@code messages} oldest of the messages submitted to it off its queue
     * (they are processed or being processed): the client's proxy may read that much more input.
     */
    record InputTaken(int messages) implements ClientConnection {}

    /** The session is over (the client left, or the instance closed it); {@code error} is a FATAL message to send first, or null. */
    record Ended(String sqlState, String error) implements ClientConnection {}

    /**
     * The instance is moving: the session stopped between transactions with this state. Hold the
     * client's messages, answer {@link SqlSession.DetachAck}, and open the session again; when
     * {@code parked} (the instance is pausing), only once the client sends something.
     */
    record Detaching(PgSession.Handover handover, boolean parked) implements ClientConnection {}

    /**
     * The session is idle with nothing a new session would lose (between transactions, no cursor,
     * temporary table, advisory lock or LISTEN) once it has taken {@code consumed} messages and
     * after the output sent before this: if its node dies now, the proxy may open it again on the
     * cluster's next writer. {@code checkpoint}: its state, when that changed since the last one
     * (else null).
     */
    record Reattachable(long consumed, PgSession.Handover checkpoint) implements ClientConnection {}

    /** The old session's last word: messages it received after detaching, to be replayed first. */
    record Detached(List<FrontendMessage> returned) implements ClientConnection {}
}
