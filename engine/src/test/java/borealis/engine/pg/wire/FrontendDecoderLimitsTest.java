package borealis.engine.pg.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every length and count a client writes is checked against a named bound before anything is
 * allocated for it, in every phase; violations name the bound. Hostile values: 0, negative,
 * 2^31-1, larger than the message, larger than the bytes left.
 */
class FrontendDecoderLimitsTest {

    private static final int[] HOSTILE = {Integer.MIN_VALUE, -2, Integer.MAX_VALUE, 1 << 30};

    private static FrontendDecoder afterStartup() {
        FrontendDecoder d = new FrontendDecoder(1 << 20);
        List<FrontendMessage> got = d.decode(ByteBuffer.wrap(startup("user", "app")));
        assertInstanceOf(FrontendMessage.Startup.class, got.get(0));
        return d;
    }

    private static FrontendDecoder authenticated() {
        FrontendDecoder d = afterStartup();
        d.authenticated();
        return d;
    }

    private static ProtocolException refused(FrontendDecoder d, byte[] bytes) {
        return assertThrows(ProtocolException.class, () -> d.decode(ByteBuffer.wrap(bytes)));
    }

    private static void assertMessage(ProtocolException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should contain '" + p + "'");
        }
    }

    // ---- startup phase ----

    @Test
    void aStartupPacketLengthOutsideItsBoundIsRefusedFromTheHeader() {
        for (int len : new int[] {0, 7, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, FrontendDecoder.MAX_STARTUP_LENGTH + 1}) {
            byte[] header = ByteBuffer.allocate(8).putInt(len).putInt(FrontendDecoder.PROTOCOL_3_0).array();
            ProtocolException e = refused(new FrontendDecoder(1 << 20), header);
            assertMessage(e, "invalid length of startup packet: " + len, "(expected: 8..10000)");
            assertEquals("08P01", e.sqlState());
        }
    }

    @Test
    void negotiationAndCancelRequestsHaveExactLengths() {
        for (int len : new int[] {9, 12, 16}) {
            byte[] ssl = ByteBuffer.allocate(8).putInt(len).putInt(FrontendDecoder.SSL_REQUEST).array();
            assertMessage(refused(new FrontendDecoder(1 << 20), ssl), "SSLRequest: " + len, "(expected: 8)");
            byte[] gss = ByteBuffer.allocate(8).putInt(len).putInt(FrontendDecoder.GSSENC_REQUEST).array();
            assertMessage(refused(new FrontendDecoder(1 << 20), gss), "GSSENCRequest: " + len, "(expected: 8)");
        }
        for (int len : new int[] {8, 12, 20, 10_000}) {
            byte[] cancel = ByteBuffer.allocate(8).putInt(len).putInt(FrontendDecoder.CANCEL_REQUEST).array();
            assertMessage(refused(new FrontendDecoder(1 << 20), cancel), "CancelRequest: " + len, "(expected: 16)");
        }
    }

    @Test
    void decodingPausesAfterAnSslRequestAndASecondOneIsAnUnknownProtocol() {
        FrontendDecoder d = new FrontendDecoder(1 << 20);
        byte[] ssl = ByteBuffer.allocate(8).putInt(8).putInt(FrontendDecoder.SSL_REQUEST).array();
        byte[] both = ByteBuffer.allocate(16).put(ssl).put(ssl).array();
        List<FrontendMessage> got = d.decode(ByteBuffer.wrap(both));
        assertEquals(1, got.size(), "what follows an SSLRequest waits for the caller (it may be TLS)");
        assertEquals(8, d.buffered());
        ProtocolException e = assertThrows(ProtocolException.class, () -> d.decode(ByteBuffer.allocate(0)));
        assertEquals("0A000", e.sqlState());
        assertMessage(e, "unsupported frontend protocol 1234.5679");
    }

    @Test
    void aStartupPacketMustEndWithItsTerminator() {
        byte[] body = "user\0app".getBytes(StandardCharsets.UTF_8);
        byte[] packet = ByteBuffer.allocate(8 + body.length).putInt(8 + body.length).putInt(FrontendDecoder.PROTOCOL_3_0).put(body).array();
        assertMessage(refused(new FrontendDecoder(1 << 20), packet), "startup packet", "not NUL-terminated");
    }

    // ---- authentication phase ----

    @Test
    void nothingIsDecodedAfterTheStartupPacketUntilTheDecoderIsToldWhatComesNext() {
        FrontendDecoder d = afterStartup();
        assertEquals(FrontendDecoder.State.AUTHENTICATION, d.state());
        byte[] initial = saslInitial("SCRAM-SHA-256", 11, "n,,n=,r=abc".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(), d.decode(ByteBuffer.wrap(initial)));
        d.expectSaslInitialResponse();
        List<FrontendMessage> got = d.decode(ByteBuffer.allocate(0));
        FrontendMessage.SaslInitialResponse r = assertInstanceOf(FrontendMessage.SaslInitialResponse.class, got.get(0));
        assertEquals("SCRAM-SHA-256", r.mechanism());
        assertEquals("n,,n=,r=abc", new String(r.data(), StandardCharsets.UTF_8));
        assertEquals(FrontendDecoder.State.AUTHENTICATION, d.state(), "one message per instruction");
        d.expectSaslResponse();
        got = d.decode(ByteBuffer.wrap(typed('p', "c=biws,r=x,p=y".getBytes(StandardCharsets.UTF_8))));
        assertEquals("c=biws,r=x,p=y", new String(assertInstanceOf(FrontendMessage.SaslResponse.class, got.get(0)).data(),
                StandardCharsets.UTF_8));
    }

    @Test
    void theSaslDataLengthMustBeMinusOneOrFitTheMessage() {
        byte[] data = "n,,n=,r=abc".getBytes(StandardCharsets.UTF_8);
        List<Integer> lengths = new ArrayList<>(List.of(data.length + 1, 0x7fffffff, -2, Integer.MIN_VALUE));
        for (int len : lengths) {
            FrontendDecoder d = afterStartup();
            d.expectSaslInitialResponse();
            ProtocolException e = refused(d, saslInitial("SCRAM-SHA-256", len, data));
            assertMessage(e, "the SASL data has length " + len, "(expected: -1 or 0.." + data.length + ")");
            assertEquals("08P01", e.sqlState());
        }
        FrontendDecoder none = afterStartup();
        none.expectSaslInitialResponse();
        FrontendMessage.SaslInitialResponse r = (FrontendMessage.SaslInitialResponse) none.decode(
                ByteBuffer.wrap(saslInitial("SCRAM-SHA-256", -1, new byte[0]))).get(0);
        assertNull(r.data());
        FrontendDecoder empty = afterStartup();
        empty.expectSaslInitialResponse();
        assertEquals(0, ((FrontendMessage.SaslInitialResponse) empty.decode(
                ByteBuffer.wrap(saslInitial("SCRAM-SHA-256", 0, new byte[0]))).get(0)).data().length);
        FrontendDecoder trailing = afterStartup();
        trailing.expectSaslInitialResponse();
        assertMessage(refused(trailing, saslInitial("SCRAM-SHA-256", 2, data)), "invalid message format", "(expected: 0)");
    }

    @Test
    void anAuthenticationMessageLongerThanItsBoundIsRefusedFromItsHeader() {
        for (int len : new int[] {FrontendDecoder.MAX_AUTH_MESSAGE_LENGTH + 1, Integer.MAX_VALUE, 1 << 20}) {
            for (boolean initial : new boolean[] {true, false}) {
                FrontendDecoder d = afterStartup();
                d.expectSaslInitialResponse();
                if (!initial) {
                    d.decode(ByteBuffer.wrap(saslInitial("SCRAM-SHA-256", 0, new byte[0])));
                    d.expectSaslResponse();
                }
                ProtocolException e = refused(d, ByteBuffer.allocate(5).put((byte) 'p').putInt(len).array());
                assertMessage(e, "authentication message: " + len, "(expected: <= 65535)");
            }
        }
        for (int len : new int[] {0, 3, -1, Integer.MIN_VALUE}) {
            FrontendDecoder d = afterStartup();
            d.expectSaslInitialResponse();
            assertMessage(refused(d, ByteBuffer.allocate(5).put((byte) 'p').putInt(len).array()), "invalid message length " + len,
                    "(expected: 4..65535)");
        }
    }

    @Test
    void onlyAuthenticationMessagesAreAcceptedBeforeAuthentication() {
        FrontendDecoder d = afterStartup();
        d.expectSaslInitialResponse();
        assertMessage(refused(d, typed('Q', "select 1\0".getBytes(StandardCharsets.UTF_8))), "expected SASL response, got message type 81");
        FrontendDecoder bye = afterStartup();
        bye.expectSaslInitialResponse();
        assertInstanceOf(FrontendMessage.Terminate.class, bye.decode(ByteBuffer.wrap(typed('X', new byte[0]))).get(0));
    }

    // ---- a session's messages ----

    @Test
    void aBindParameterLongerThanItsMessageIsRefusedWithoutAllocatingIt() {
        // B | len | portal "" | statement "" | 0 formats | 1 value | value length 2^31-1 | (no bytes)
        ByteBuffer bind = ByteBuffer.allocate(1 + 4 + 1 + 1 + 2 + 2 + 4);
        bind.put((byte) 'B').putInt(4 + 1 + 1 + 2 + 2 + 4).put((byte) 0).put((byte) 0).putShort((short) 0).putShort((short) 1)
                .putInt(Integer.MAX_VALUE);
        ProtocolException e = assertThrows(ProtocolException.class, () -> authenticated().decode(bind.flip()));
        assertMessage(e, "parameter 1 has length 2147483647", "(expected: -1 or 0..0)");
    }

    @Test
    void everyBindCountAndLengthIsCheckedAgainstTheBytesLeft() {
        for (int len : HOSTILE) {
            ProtocolException e = refused(authenticated(), bind(0, 1, len, 0, 8));
            assertMessage(e, "parameter 1 has length " + len, "(expected: -1 or 0..10)");
        }
        // 65,535 parameter values announced, 10 bytes left: at most 2 values (4 bytes each at least) fit.
        assertMessage(refused(authenticated(), bind(0, 0xffff, 2, 0, 4)), "65535 parameter values", "(expected: <= 2 in the 10 bytes left)");
        assertMessage(refused(authenticated(), bind(0xffff, 0, 0, 0, 0)), "65535 parameter format codes", "(expected: <= 2 ");
        assertMessage(refused(authenticated(), bind(0, 1, -1, 0xffff, 0)), "65535 result format codes", "(expected: <= 0 ");
        // Well-formed: a null and a 3-byte value, one result format.
        ByteArrayOutputStream ok = new ByteArrayOutputStream();
        ok.writeBytes(new byte[] {0, 0, 0, 0, 0, 2});
        ok.writeBytes(ByteBuffer.allocate(4).putInt(-1).array());
        ok.writeBytes(ByteBuffer.allocate(7).putInt(3).put("abc".getBytes(StandardCharsets.UTF_8)).array());
        ok.writeBytes(new byte[] {0, 1, 0, 1});
        FrontendMessage.Bind b = (FrontendMessage.Bind) authenticated().decode(ByteBuffer.wrap(typed('B', ok.toByteArray()))).get(0);
        assertNull(b.parameters()[0]);
        assertArrayEquals("abc".getBytes(StandardCharsets.UTF_8), b.parameters()[1]);
    }

    @Test
    void aParseWithMoreParameterTypesThanItsBytesIsRefused() {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.writeBytes("\0select $1\0".getBytes(StandardCharsets.UTF_8));
        p.writeBytes(new byte[] {(byte) 0xff, (byte) 0xff, 0, 0, 0, 23});
        assertMessage(refused(authenticated(), typed('P', p.toByteArray())), "65535 parameter types", "(expected: <= 1 in the 4 bytes left)");
    }

    @Test
    void aMessageLongerThanTheLimitIsRefusedFromItsHeader() {
        ByteBuffer query = ByteBuffer.allocate(9).put((byte) 'Q').putInt(2 << 20).put("sel".getBytes());
        ProtocolException e = assertThrows(ProtocolException.class, () -> authenticated().decode(query.flip()));
        assertTrue(e.getMessage().contains("exceeds the limit of 1048576 bytes"), e.getMessage());
        // COPY data is bounded by the same limit.
        ProtocolException copy = refused(authenticated(), ByteBuffer.allocate(5).put((byte) 'd').putInt((1 << 20) + 1).array());
        assertMessage(copy, "exceeds the limit of 1048576 bytes");
    }

    @Test
    void anAuthenticationMessageAfterAuthenticationIsAnInvalidType() {
        assertMessage(refused(authenticated(), typed('p', new byte[4])), "invalid frontend message type 112");
    }

    @Test
    void eachMessageReportsItsWireSize() {
        FrontendDecoder d = authenticated();
        byte[] q1 = typed('Q', "select 1\0".getBytes(StandardCharsets.UTF_8));
        byte[] sync = typed('S', new byte[0]);
        List<Integer> sizes = new ArrayList<>();
        d.decode(ByteBuffer.wrap(ByteBuffer.allocate(q1.length + sync.length + 2).put(q1).put(sync).put((byte) 'Q').put((byte) 0).array()),
                sizes::add);
        assertEquals(List.of(q1.length, sync.length), sizes);
        assertEquals(2, d.buffered(), "an incomplete header stays buffered");
    }

    // ---- builders ----

    private static byte[] startup(String... kv) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String s : kv) {
            body.writeBytes((s + "\0").getBytes(StandardCharsets.UTF_8));
        }
        body.write(0);
        return ByteBuffer.allocate(8 + body.size()).putInt(8 + body.size()).putInt(FrontendDecoder.PROTOCOL_3_0).put(body.toByteArray()).array();
    }

    static byte[] typed(char type, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).put((byte) type).putInt(4 + body.length).put(body).array();
    }

    private static byte[] saslInitial(String mechanism, int declaredLength, byte[] data) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes((mechanism + "\0").getBytes(StandardCharsets.UTF_8));
        b.writeBytes(ByteBuffer.allocate(4).putInt(declaredLength).array());
        b.writeBytes(data);
        return typed('p', b.toByteArray());
    }

    /** A Bind with the given counts, one value of the declared length (if nValues > 0), and {@code tail} zero bytes after. */
    private static byte[] bind(int nFormats, int nValues, int valueLength, int nResultFormats, int tail) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0, 0});
        b.writeBytes(ByteBuffer.allocate(2).putShort((short) nFormats).array());
        b.writeBytes(ByteBuffer.allocate(2).putShort((short) nValues).array());
        if (nValues > 0) {
            b.writeBytes(ByteBuffer.allocate(4).putInt(valueLength).array());
        }
        b.writeBytes(ByteBuffer.allocate(2).putShort((short) nResultFormats).array());
        b.writeBytes(new byte[tail]);
        return typed('B', b.toByteArray());
    }
}
