package borealis.engine.pg.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads the fields of one message body whose length the framing already bounded. Every count and
 * length the client wrote is checked against the bytes the body still holds before anything is
 * allocated for it, so a forged field can cost at most the message itself. Violations are
 * {@link ProtocolException}s in PostgreSQL's words ("insufficient data left in message") plus the
 * bound that was broken.
 */
final class MessageReader {

    /** How errors name the message: {@code 'B'}, or {@code startup packet}. */
    private final String name;
    private final ByteBuffer body;

    MessageReader(char type, ByteBuffer body) {
        this("'" + type + "'", body);
    }

    MessageReader(String name, ByteBuffer body) {
        this.name = name;
        this.body = body;
    }

    int remaining() {
        return body.remaining();
    }

    byte int8() {
        need(1, "a byte");
        return body.get();
    }

    short int16() {
        need(2, "an int16");
        return body.getShort();
    }

    int int32() {
        need(4, "an int32");
        return body.getInt();
    }

    /** A NUL-terminated UTF-8 string, which must end inside the message. */
    String cstring() {
        int start = body.position();
        int end = start;
        while (end < body.limit() && body.get(end) != 0) {
            end++;
        }
        if (end >= body.limit()) {
            throw new ProtocolException("invalid string in message " + name + ": not NUL-terminated within its "
                    + (body.limit() - start) + " remaining bytes");
        }
        byte[] bytes = new byte[end - start];
        body.get(bytes);
        body.get();
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * An unsigned int16 count of items that take at least {@code minBytesEach} bytes each: more than
     * the rest of the message can hold is refused before an array of that size exists.
     */
    int count(int minBytesEach, String what) {
        int n = int16() & 0xffff;
        int fits = body.remaining() / minBytesEach;
        if (n > fits) {
            throw new ProtocolException("insufficient data left in message " + name + ": " + n + " " + what
                    + " (expected: <= " + fits + " in the " + body.remaining() + " bytes left)");
        }
        return n;
    }

    /** An int32 length and that many bytes; -1 is null (when allowed). The length must fit the message. */
    byte[] lengthPrefixed(String what, boolean nullAllowed) {
        int len = int32();
        if (len == -1 && nullAllowed) {
            return null;
        }
        if (len < 0 || len > body.remaining()) {
            throw new ProtocolException("insufficient data left in message " + name + ": " + what + " has length " + len
                    + " (expected: " + (nullAllowed ? "-1 or " : "") + "0.." + body.remaining() + ")");
        }
        byte[] out = new byte[len];
        body.get(out);
        return out;
    }

    /** The rest of the message (already bounded by the message limit). */
    byte[] rest() {
        byte[] out = new byte[body.remaining()];
        body.get(out);
        return out;
    }

    /** As PostgreSQL's pq_getmsgend: a message with bytes beyond its last field is malformed. */
    void end() {
        if (body.hasRemaining()) {
            throw new ProtocolException("invalid message format: " + body.remaining() + " bytes after the last field of message "
                    + name + " (expected: 0)");
        }
    }

    private void need(int n, String what) {
        if (body.remaining() < n) {
            throw new ProtocolException("insufficient data left in message " + name + ": " + what + " needs " + n
                    + " bytes (expected: <= " + body.remaining() + ")");
        }
    }
}
