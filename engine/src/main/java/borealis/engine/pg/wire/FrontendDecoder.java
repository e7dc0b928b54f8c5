package borealis.engine.pg.wire;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Frames and decodes the client's byte stream. Pure: bytes in, messages out, no I/O.
 *
 * <p>The stream starts untyped ({@link State#STARTUP}), then carries authentication messages, then
 * the typed messages of a session ({@link State#MESSAGE}). Every length and count the client
 * writes is checked against a named bound before anything is allocated for it: the frame against
 * {@link #MAX_STARTUP_LENGTH}, {@link #MAX_AUTH_MESSAGE_LENGTH} or the configured message limit
 * (checked from the header, before the body is buffered), and each field inside against what the
 * frame still holds ({@link MessageReader}). Bytes of an incomplete frame stay buffered until the
 * rest arrives.
 *
 * <p>Decoding pauses after every message that changes how the following bytes are read (an
 * SSLRequest, the startup packet, each authentication message): the caller acts on it (starts TLS,
 * tells the decoder which authentication message comes next) and calls {@link #decode} again.
 */
public final class FrontendDecoder {

    /** Protocol 3.0 in the startup packet's code field. */
    public static final int PROTOCOL_3_0 = 196608;
    public static final int SSL_REQUEST = 80877103;
    public static final int GSSENC_REQUEST = 80877104;
    public static final int CANCEL_REQUEST = 80877102;
    /** PostgreSQL's MAX_STARTUP_PACKET_LENGTH: a startup packet is small; a larger length is garbage or an attack. */
    public static final int MAX_STARTUP_LENGTH = 10_000;
    /** SSLRequest and GSSENCRequest: {@code int32 8 | int32 code}. */
    public static final int NEGOTIATION_LENGTH = 8;
    /** CancelRequest: {@code int32 16 | int32 code | int32 process id | int32 secret key}. */
    public static final int CANCEL_LENGTH = 16;
    /** PostgreSQL's PG_MAX_AUTH_TOKEN_LENGTH: the largest message a client may send before it is authenticated. */
    public static final int MAX_AUTH_MESSAGE_LENGTH = 65_535;
    /** A buffer grown for a large message is given back once it is consumed, down to this. */
    private static final int RETAINED_BUFFER_BYTES = 64 * 1024;
    /** Typed message letters a session may send (anything else is refused from its header). */
    private static final String SESSION_TYPES = "QPBDECSHXdcfF";

    public enum State {
        /** Untyped packets: {@code int32 length | int32 code | payload} (SSLRequest, GSSENCRequest, CancelRequest, StartupMessage). */
        STARTUP,
        /**
         * After the startup packet, between authentication messages: nothing is decoded until the
         * server says which message it expects next, since a 'p' does not say what it carries.
         */
        AUTHENTICATION,
        /** The next 'p' is a SASLInitialResponse: {@code str mechanism | int32 n (-1: none) | byte[n]}. */
        SASL_INITIAL_RESPONSE,
        /** The next 'p' is a SASLResponse: {@code byte[len - 4]}. */
        SASL_RESPONSE,
        /** Typed messages of a session: {@code byte type | int32 length (including itself) | body}. */
        MESSAGE
    }

    private final int maxMessageBytes;
    private State state = State.STARTUP;
    private boolean sslAnswered;
    private boolean gssAnswered;
    private ByteBuffer pending = ByteBuffer.allocate(0);

    public FrontendDecoder(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    public State state() {
        return state;
    }

    /** Bytes received and not decoded yet (after an SSLRequest answered 'S' there must be none). */
    public int buffered() {
        return pending.remaining();
    }

    /** The server sent AuthenticationSASL: the next 'p' is a SASLInitialResponse. */
    public void expectSaslInitialResponse() {
        expectAuthentication(State.SASL_INITIAL_RESPONSE);
    }

    /** The server sent AuthenticationSASLContinue: the next 'p' is a SASLResponse. */
    public void expectSaslResponse() {
        expectAuthentication(State.SASL_RESPONSE);
    }

    /** The client is authenticated: what follows are a session's messages, up to the message limit. */
    public void authenticated() {
        expectAuthentication(State.MESSAGE);
    }

    private void expectAuthentication(State next) {
        if (state != State.AUTHENTICATION) {
            throw new IllegalStateException("the decoder expects no authentication message in state " + state);
        }
        state = next;
    }

    /** Adds bytes received and returns every message now complete, in order. */
    public List<FrontendMessage> decode(ByteBuffer received) {
        return decode(received, size -> { });
    }

    /** As {@link #decode(ByteBuffer)}, telling {@code frameSizes} the wire size of each message returned, in order. */
    public List<FrontendMessage> decode(ByteBuffer received, IntConsumer frameSizes) {
        append(received);
        List<FrontendMessage> out = new ArrayList<>();
        while (true) {
            int start = pending.position();
            FrontendMessage m = switch (state) {
                case STARTUP -> nextStartup();
                case AUTHENTICATION -> null;
                default -> nextMessage();
            };
            if (m == null) {
                break;
            }
            frameSizes.accept(pending.position() - start);
            out.add(m);
            if (m instanceof FrontendMessage.SslRequest || m instanceof FrontendMessage.GssEncRequest) {
                break; // the caller may start TLS: what follows must not be read as plaintext here
            }
        }
        if (pending.position() > 0) {
            // Only when something was consumed: compact() moves the bytes even when there is nothing to move, and a
            // 4 MiB message arriving in 64 KiB reads was moved 64 times (measured: 128 MB copied per statement).
            pending.compact().flip();
        }
        if (pending.capacity() > RETAINED_BUFFER_BYTES && pending.remaining() <= RETAINED_BUFFER_BYTES / 2) {
            pending = ByteBuffer.allocate(RETAINED_BUFFER_BYTES / 2).put(pending).flip();
        }
        return out;
    }

    private void append(ByteBuffer received) {
        int needed = pending.remaining() + received.remaining();
        if (needed > pending.capacity()) {
            // Doubling, but never beyond what the largest frame allowed now needs.
            long frameCap = (long) frameLimit() + 5;
            int capacity = (int) Math.max(needed, Math.min((long) pending.capacity() * 2, frameCap));
            pending = ByteBuffer.allocate(capacity).put(pending).flip();
        }
        pending.position(pending.limit());
        pending.limit(pending.capacity());
        pending.put(received);
        pending.flip();
    }

    private int frameLimit() {
        return switch (state) {
            case STARTUP -> MAX_STARTUP_LENGTH;
            case MESSAGE -> maxMessageBytes;
            default -> MAX_AUTH_MESSAGE_LENGTH;
        };
    }

    // ---- untyped packets ----

    private FrontendMessage nextStartup() {
        if (pending.remaining() < 8) {
            return null;
        }
        int len = pending.getInt(pending.position());
        int code = pending.getInt(pending.position() + 4);
        if (len < 8 || len > MAX_STARTUP_LENGTH) {
            throw new ProtocolException("invalid length of startup packet: " + len + " (expected: 8.." + MAX_STARTUP_LENGTH + ")");
        }
        // The fixed-size requests are checked from their header, before waiting for a body.
        if ((code == SSL_REQUEST || code == GSSENC_REQUEST) && len != NEGOTIATION_LENGTH) {
            throw new ProtocolException("invalid length of " + (code == SSL_REQUEST ? "SSLRequest" : "GSSENCRequest") + ": " + len
                    + " (expected: " + NEGOTIATION_LENGTH + ")");
        }
        if (code == CANCEL_REQUEST && len != CANCEL_LENGTH) {
            throw new ProtocolException("invalid length of CancelRequest: " + len + " (expected: " + CANCEL_LENGTH + ")");
        }
        if (pending.remaining() < len) {
            return null;
        }
        ByteBuffer body = pending.slice(pending.position() + 8, len - 8);
        pending.position(pending.position() + len);
        if (code == SSL_REQUEST && !sslAnswered) {
            sslAnswered = true;
            return new FrontendMessage.SslRequest();
        }
        if (code == GSSENC_REQUEST && !gssAnswered) {
            gssAnswered = true;
            return new FrontendMessage.GssEncRequest();
        }
        if (code == CANCEL_REQUEST) {
            return new FrontendMessage.CancelRequest(body.getInt(), body.getInt());
        }
        // A second SSLRequest or GSSENCRequest is read, as PostgreSQL does, as an unknown protocol version.
        if (code >> 16 != 3) {
            throw new ProtocolException("0A000", "unsupported frontend protocol " + (code >>> 16) + "." + (code & 0xffff)
                    + ": server supports 3.0 to 3.0");
        }
        MessageReader r = new MessageReader("startup packet", body);
        Map<String, String> params = new LinkedHashMap<>();
        while (true) {
            String key = r.cstring();
            if (key.isEmpty()) {
                break;
            }
            params.put(key, r.cstring());
        }
        r.end();
        state = State.AUTHENTICATION;
        return new FrontendMessage.Startup(code, params);
    }

    // ---- typed messages ----

    private FrontendMessage nextMessage() {
        if (pending.remaining() < 5) {
            return null;
        }
        char type = (char) (pending.get(pending.position()) & 0xff);
        int len = pending.getInt(pending.position() + 1);
        boolean authenticating = state != State.MESSAGE;
        // Type and length are judged from the header, so nothing is buffered for a message that will be refused.
        if (authenticating && type != 'p' && type != 'X') {
            throw new ProtocolException("expected SASL response, got message type " + (int) type);
        }
        if (!authenticating && SESSION_TYPES.indexOf(type) < 0) {
            throw new ProtocolException("invalid frontend message type " + (int) type
                    + (type > ' ' && type < 127 ? " ('" + type + "')" : ""));
        }
        int limit = frameLimit();
        if (len < 4) {
            throw new ProtocolException("invalid message length " + len + " for message type '" + type + "' (expected: 4.." + limit + ")");
        }
        if (len > limit) {
            throw new ProtocolException(authenticating
                    ? "invalid length of authentication message: " + len + " (expected: <= " + limit + ")"
                    : "message of " + len + " bytes exceeds the limit of " + limit + " bytes");
        }
        if (pending.remaining() < len + 1) {
            return null;
        }
        ByteBuffer body = pending.slice(pending.position() + 5, len - 4);
        pending.position(pending.position() + 1 + len);
        MessageReader r = new MessageReader(type, body);
        FrontendMessage m = authenticating ? decodeAuthentication(type, r) : TypedMessages.decode(type, r);
        r.end();
        return m;
    }

    private FrontendMessage decodeAuthentication(char type, MessageReader r) {
        if (type == 'X') {
            return new FrontendMessage.Terminate();
        }
        State was = state;
        // One message per instruction: the next one's meaning depends on the server's answer to this one.
        state = State.AUTHENTICATION;
        if (was == State.SASL_INITIAL_RESPONSE) {
            String mechanism = r.cstring();
            return new FrontendMessage.SaslInitialResponse(mechanism, r.lengthPrefixed("the SASL data", true));
        }
        return new FrontendMessage.SaslResponse(r.rest());
    }
}
