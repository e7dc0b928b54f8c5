package borealis.engine.pgwire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Frames and decodes the client's byte stream. Pure: bytes in, messages out, no I/O.
 *
 * <p>The stream starts untyped ({@link State#STARTUP}: {@code int32 length | int32 code | ...});
 * after the startup packet every message is typed ({@link State#MESSAGE}:
 * {@code byte type | int32 length | body}). Bytes of an incomplete frame stay buffered until the
 * rest arrives.
 */
public final class FrontendDecoder {

    /** Protocol 3.0 in the startup packet's code field. */
    public static final int PROTOCOL_3_0 = 196608;
    public static final int SSL_REQUEST = 80877103;
    public static final int GSSENC_REQUEST = 80877104;
    public static final int CANCEL_REQUEST = 80877102;
    /** A startup packet is small; a larger length is garbage or an attack. */
    public static final int MAX_STARTUP_LENGTH = 10_000;

    public enum State {
        /** Untyped packets: {@code int32 length | int32 code | payload}. */
        STARTUP,
        /** Typed messages: {@code byte type | int32 length (including itself) | body}. */
        MESSAGE
    }

    private final int maxMessageBytes;
    private State state = State.STARTUP;
    private ByteBuffer pending = ByteBuffer.allocate(0);

    public FrontendDecoder(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    public State state() {
        return state;
    }

    /** Adds bytes received and returns every message now complete, in order. */
    public List<FrontendMessage> decode(ByteBuffer received) {
        append(received);
        List<FrontendMessage> out = new ArrayList<>();
        while (true) {
            FrontendMessage m = state == State.STARTUP ? nextStartup() : nextMessage();
            if (m == null) {
                break;
            }
            out.add(m);
        }
        pending.compact().flip();
        return out;
    }

    private void append(ByteBuffer received) {
        if (pending.remaining() + received.remaining() > pending.capacity()) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(pending.remaining() + received.remaining(), pending.capacity() * 2));
            bigger.put(pending).flip();
            pending = bigger;
        }
        pending.position(pending.limit());
        pending.limit(pending.capacity());
        pending.put(received);
        pending.flip();
    }

    private FrontendMessage nextStartup() {
        if (pending.remaining() < 8) {
            return null;
        }
        int len = pending.getInt(pending.position());
        if (len < 8 || len > MAX_STARTUP_LENGTH) {
            throw new ProtocolException("invalid startup packet length: " + len + " (expected 8.." + MAX_STARTUP_LENGTH + ")");
        }
        if (pending.remaining() < len) {
            return null;
        }
        ByteBuffer body = pending.slice(pending.position(), len);
        pending.position(pending.position() + len);
        body.getInt();
        int code = body.getInt();
        switch (code) {
            case SSL_REQUEST:
                return new FrontendMessage.SslRequest();
            case GSSENC_REQUEST:
                return new FrontendMessage.GssEncRequest();
            case CANCEL_REQUEST:
                if (len != 16) {
                    throw new ProtocolException("invalid cancel request length: " + len + " (expected 16)");
                }
                return new FrontendMessage.CancelRequest(body.getInt(), body.getInt());
            default:
                if (code >> 16 != 3) {
                    throw new ProtocolException("unsupported frontend protocol " + (code >> 16) + "." + (code & 0xffff)
                            + ": server supports 3.0 to 3.0");
                }
                Map<String, String> params = new LinkedHashMap<>();
                while (body.hasRemaining()) {
                    String key = cstring(body);
                    if (key.isEmpty()) {
                        break;
                    }
                    params.put(key, cstring(body));
                }
                state = State.MESSAGE;
                return new FrontendMessage.Startup(code, params);
        }
    }

    private FrontendMessage nextMessage() {
        if (pending.remaining() < 5) {
            return null;
        }
        char type = (char) pending.get(pending.position());
        int len = pending.getInt(pending.position() + 1);
        if (len < 4) {
            throw new ProtocolException("invalid message length " + len + " for message type '" + type + "'");
        }
        if (len > maxMessageBytes) {
            throw new ProtocolException("message of " + len + " bytes exceeds the limit of " + maxMessageBytes + " bytes");
        }
        if (pending.remaining() < len + 1) {
            return null;
        }
        ByteBuffer body = pending.slice(pending.position() + 5, len - 4);
        pending.position(pending.position() + 1 + len);
        try {
            return decodeTyped(type, body);
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException | NegativeArraySizeException e) {
            throw new ProtocolException("malformed '" + type + "' message: " + e);
        }
    }

    private static FrontendMessage decodeTyped(char type, ByteBuffer b) {
        switch (type) {
            case 'Q':
                return new FrontendMessage.Query(cstring(b));
            case 'P': {
                String name = cstring(b);
                String sql = cstring(b);
                int n = b.getShort() & 0xffff;
                int[] types = new int[n];
                for (int i = 0; i < n; i++) {
                    types[i] = b.getInt();
                }
                return new FrontendMessage.Parse(name, sql, types);
            }
            case 'B': {
                String portal = cstring(b);
                String stmt = cstring(b);
                short[] formats = new short[b.getShort() & 0xffff];
                for (int i = 0; i < formats.length; i++) {
                    formats[i] = b.getShort();
                }
                byte[][] values = new byte[b.getShort() & 0xffff][];
                for (int i = 0; i < values.length; i++) {
                    int len = b.getInt();
                    if (len > b.remaining()) {
                        // Checked before allocating: a forged length must not make the node allocate gigabytes.
                        throw new ProtocolException("parameter " + (i + 1) + " has length " + len + " but the message has "
                                + b.remaining() + " bytes left");
                    }
                    if (len >= 0) {
                        values[i] = new byte[len];
                        b.get(values[i]);
                    } else if (len != -1) {
                        throw new ProtocolException("invalid parameter length " + len);
                    }
                }
                short[] resultFormats = new short[b.getShort() & 0xffff];
                for (int i = 0; i < resultFormats.length; i++) {
                    resultFormats[i] = b.getShort();
                }
                return new FrontendMessage.Bind(portal, stmt, formats, values, resultFormats);
            }
            case 'D':
                return new FrontendMessage.Describe(kind(b), cstring(b));
            case 'E':
                return new FrontendMessage.Execute(cstring(b), b.getInt());
            case 'C':
                return new FrontendMessage.Close(kind(b), cstring(b));
            case 'S':
                return new FrontendMessage.Sync();
            case 'H':
                return new FrontendMessage.Flush();
            case 'X':
                return new FrontendMessage.Terminate();
            case 'p': {
                byte[] payload = new byte[b.remaining()];
                b.get(payload);
                return new FrontendMessage.AuthResponse(payload);
            }
            case 'd': {
                byte[] data = new byte[b.remaining()];
                b.get(data);
                return new FrontendMessage.CopyData(data);
            }
            case 'c':
                return new FrontendMessage.CopyDone();
            case 'f':
                return new FrontendMessage.CopyFail(cstring(b));
            case 'F':
                return new FrontendMessage.FunctionCall(b.getInt());
            default:
                throw new ProtocolException("invalid frontend message type '" + (Character.isISOControl(type) ? "\\x" + Integer.toHexString(type) : String.valueOf(type)) + "'");
        }
    }

    private static char kind(ByteBuffer b) {
        char k = (char) b.get();
        if (k != 'S' && k != 'P') {
            throw new ProtocolException("invalid describe/close kind '" + k + "' (expected 'S' or 'P')");
        }
        return k;
    }

    /** A NUL-terminated UTF-8 string. */
    static String cstring(ByteBuffer b) {
        int start = b.position();
        int end = start;
        while (end < b.limit() && b.get(end) != 0) {
            end++;
        }
        if (end >= b.limit()) {
            throw new ProtocolException("string is not NUL-terminated");
        }
        byte[] bytes = new byte[end - start];
        b.get(bytes);
        b.get();
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
