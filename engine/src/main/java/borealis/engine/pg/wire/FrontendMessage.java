package borealis.engine.pg.wire;

import borealis.persistence.serialization.BorealisSerializable;
import java.util.Map;

/**
 * What a PostgreSQL client sends (protocol 3.0), decoded by {@link FrontendDecoder}. The records
 * of a session travel from the proxy to the compute instance, so they are Kryo-serializable; the
 * startup and authentication ones stay at the proxy.
 */
public sealed interface FrontendMessage extends BorealisSerializable {

    /** First packet of a connection: protocol 3.0 and its parameters (user, database, options...). */
    record Startup(int protocol, Map<String, String> parameters) implements FrontendMessage {}

    /** Asks for TLS before the startup packet. */
    record SslRequest() implements FrontendMessage {}

    /** Asks for GSSAPI encryption before the startup packet; always declined. */
    record GssEncRequest() implements FrontendMessage {}

    /** Sent on a fresh connection to cancel the statement running on another one. */
    record CancelRequest(int processId, int secretKey) implements FrontendMessage {}

    /**
     * 'p' answering AuthenticationSASL: the mechanism the client chose and its first message
     * ({@code data} null when the client sent length -1, none).
     */
    record SaslInitialResponse(String mechanism, byte[] data) implements FrontendMessage {}

    /** 'p' answering AuthenticationSASLContinue: the client's next SASL message. */
    record SaslResponse(byte[] data) implements FrontendMessage {}

    /** 'Q': one or more statements in the simple query protocol. */
    record Query(String sql) implements FrontendMessage {}

    /** 'P': prepare {@code sql} as statement {@code name} ("" is the unnamed one). */
    record Parse(String name, String sql, int[] parameterTypes) implements FrontendMessage {}

    /** 'B': bind parameters of a statement into a portal. Formats: 0 text, 1 binary. */
    record Bind(String portal, String statement, short[] parameterFormats, byte[][] parameters, short[] resultFormats)
            implements FrontendMessage {}

    /** 'D': describe a statement ('S') or portal ('P'). */
    record Describe(char kind, String name) implements FrontendMessage {}

    /** 'E': run a portal, returning at most {@code maxRows} rows (0 = all). */
    record Execute(String portal, int maxRows) implements FrontendMessage {}

    /** 'C': close a statement ('S') or portal ('P'). */
    record Close(char kind, String name) implements FrontendMessage {}

    /** 'S': end of an extended-protocol pipeline: commit an implicit transaction, answer ReadyForQuery. */
    record Sync() implements FrontendMessage {}

    /** 'H': send whatever output is pending. */
    record Flush() implements FrontendMessage {}

    /** 'X': the client is leaving. */
    record Terminate() implements FrontendMessage {}

    /** 'd': a chunk of COPY FROM STDIN data. */
    record CopyData(byte[] data) implements FrontendMessage {}

    /** 'c': end of COPY FROM STDIN data. */
    record CopyDone() implements FrontendMessage {}

    /** 'f': the client aborts COPY FROM STDIN. */
    record CopyFail(String message) implements FrontendMessage {}

    /** 'F': the legacy fast-path function call; answered with an error. */
    record FunctionCall(int functionOid) implements FrontendMessage {}
}
