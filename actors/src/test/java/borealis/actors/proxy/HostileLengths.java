package borealis.actors.proxy;

import borealis.actors.testkit.PgWire;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Fuzzers that keep the framing valid and lie in one length or count: the startup phase, SASL,
 * and (after authentication) Bind with binary parameters and arrays. Each round checks what the
 * server answered: before authentication a FATAL error naming the bound, then the end of the
 * connection; after it, an ERROR for the statement (the session goes on) or a FATAL one for a
 * broken frame. A violation is thrown as an AssertionError with the round's description.
 */
final class HostileLengths {

    static final int STARTUP = 196608;
    private static final int[] ANY_INT = {0, -1, -2, 1, 7, Integer.MIN_VALUE, Integer.MAX_VALUE, 1 << 20, 1 << 30, 65_535, 65_536};
    private static final Set<String> PRE_AUTH_STATES = Set.of("08P01", "0A000", "28P01", "28000");
    private static final Set<String> BIND_STATES = Set.of("22P03", "54000", "0A000", "08P01", "22023", "42804");

    private final int port;
    private final Random random;
    private final String database;
    private final String password;

    HostileLengths(int port, Random random, String database, String password) {
        this.port = port;
        this.random = random;
        this.database = database;
        this.password = password;
    }

    private int pick(int... values) {
        return values[random.nextInt(values.length)];
    }

    // ---- before authentication ----

    /** One connection with one hostile length before authentication; returns the messages sent. */
    int preAuthenticationRound() throws Exception {
        int kind = random.nextInt(8);
        try (PgWire w = new PgWire(port, 20_000)) {
            String expected;
            String what;
            switch (kind) {
                case 0 -> {
                    int len = pick(0, -1, 7, Integer.MIN_VALUE, Integer.MAX_VALUE, 10_001, 1 << 20);
                    w.send(ByteBuffer.allocate(16).putInt(len).putInt(STARTUP).putLong(random.nextLong()).array());
                    what = "startup packet of length " + len;
                    expected = "(expected: 8..10000)";
                }
                case 1 -> {
                    int code = pick(80877103, 80877104, 80877102);
                    int len = code == 80877102 ? pick(8, 12, 20, 9_999) : pick(9, 12, 16, 100);
                    w.send(ByteBuffer.allocate(8).putInt(len).putInt(code).array());
                    what = "request " + code + " of length " + len;
                    expected = code == 80877102 ? "(expected: 16)" : "(expected: 8)";
                }
                case 2, 6 -> {
                    // SASLInitialResponse: mechanism, int32 length of the data, the data (11 bytes). Kind 6: an unknown user or cluster.
                    startSasl(w, kind == 6);
                    int len = pick(-2, Integer.MIN_VALUE, Integer.MAX_VALUE, 12, 65_535, 1 << 20, 100);
                    w.send(saslInitial(len, "n,,n=,r=abc".getBytes(StandardCharsets.UTF_8)));
                    what = "SASL data length " + len + " with 11 bytes left";
                    expected = "(expected: -1 or 0..11)";
                }
                case 3 -> {
                    startSasl(w, random.nextBoolean());
                    int len = pick(0, 3, -1, Integer.MIN_VALUE, 65_536, 1 << 20, Integer.MAX_VALUE);
                    w.send(ByteBuffer.allocate(9).put((byte) 'p').putInt(len).putInt(random.nextInt()).array());
                    what = "'p' of length " + len;
                    expected = len < 4 ? "(expected: 4..65535)" : "(expected: <= 65535)";
                }
                case 4 -> {
                    // A valid SASLInitialResponse, then a SASLResponse with a hostile length.
                    startSasl(w, random.nextBoolean());
                    w.send(saslInitial(14, "n,,n=,r=abcdef".getBytes(StandardCharsets.UTF_8)));
                    PgWire.Message r11 = w.read();
                    if (r11 == null || r11.type() != 'R') {
                        throw new AssertionError("no SASLContinue: " + r11);
                    }
                    int len = pick(0, -5, 65_536, Integer.MAX_VALUE);
                    w.send(ByteBuffer.allocate(9).put((byte) 'p').putInt(len).putInt(random.nextInt()).array());
                    what = "SASLResponse of length " + len;
                    expected = len < 4 ? "(expected: 4..65535)" : "(expected: <= 65535)";
                }
                case 5 -> {
                    startSasl(w, false);
                    char type = "QBPEd".charAt(random.nextInt(5));
                    w.send(ByteBuffer.allocate(5).put((byte) type).putInt(pick(ANY_INT)).array());
                    what = "'" + type + "' before authentication";
                    expected = "expected SASL response, got message type " + (int) type;
                }
                default -> {
                    // Well framed, empty or absent SCRAM data: refused as malformed, without a bound to name.
                    startSasl(w, random.nextBoolean());
                    w.send(saslInitial(random.nextBoolean() ? -1 : 0, new byte[0]));
                    what = "empty SASL data";
                    expected = null;
                }
            }
            List<PgWire.Message> got = w.readToEnd();
            assertFatal(what, got, PRE_AUTH_STATES, expected);
            return 2;
        }
    }

    private void startSasl(PgWire w, boolean unknown) throws IOException {
        String db = unknown && random.nextBoolean() ? "nosuch.db" : database;
        String user = unknown && db.equals(database) ? "ghost" : "app";
        w.send(PgWire.startupPacket(Map.of("user", user, "database", db)));
        PgWire.Message r10 = w.read();
        if (r10 == null || r10.type() != 'R' || ByteBuffer.wrap(r10.body()).getInt() != 10) {
            throw new AssertionError("no AuthenticationSASL for " + user + "@" + db + ": " + r10);
        }
    }

    private static byte[] saslInitial(int declaredLength, byte[] data) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PgWire.cstring(b, "SCRAM-SHA-256");
        b.writeBytes(ByteBuffer.allocate(4).putInt(declaredLength).array());
        b.writeBytes(data);
        return PgWire.typed('p', b.toByteArray());
    }

    // ---- after authentication: Bind with binary parameters ----

    /** One authenticated session, {@code rounds} hostile Binds; returns the messages sent. */
    int bindSession(int rounds) throws Exception {
        try (PgWire w = new PgWire(port, 20_000)) {
            List<PgWire.Message> login = w.login(Map.of("user", "app", "database", database), "", password);
            if (login.isEmpty() || login.get(login.size() - 1).type() != 'Z') {
                throw new AssertionError("could not log in: " + login);
            }
            // int4[] (1007) and int4 (23) parameters, declared by the client.
            w.send(concat(parse("arr", "select cardinality($1)", 1007), parse("one", "select $1 + 1", 23), PgWire.typed('S', new byte[0])));
            expectReady("Parse", w.readUntilReady());
            int sent = 3;
            for (int i = 0; i < rounds; i++) {
                boolean frame = random.nextInt(10) == 0;
                byte[] bind = frame ? hostileBindFrame() : random.nextInt(4) == 0 ? bind("one", hostileScalar()) : bind("arr", hostileArray());
                w.send(concat(bind, execute(), PgWire.typed('S', new byte[0])));
                sent += 3;
                List<PgWire.Message> got = frame ? w.readToEnd() : w.readUntilReady();
                if (frame) {
                    assertFatal("a Bind with a hostile count or length", got, Set.of("08P01"), "(expected: ");
                    return sent;
                }
                for (PgWire.Message m : got) {
                    if (m.type() == 'E' && (!"ERROR".equals(m.field('S')) || !BIND_STATES.contains(m.sqlState()))) {
                        throw new AssertionError("a hostile binary parameter got " + m.field('S') + " " + m.sqlState() + " " + m.field('M'));
                    }
                }
                expectReady("Bind", got);
            }
            // The session still works.
            w.send(PgWire.query("select 40 + 2"));
            List<PgWire.Message> got = w.readUntilReady();
            if (got.stream().noneMatch(m -> m.type() == 'D' && m.text().contains("42"))) {
                throw new AssertionError("the session no longer answers: " + got);
            }
            return sent + 1;
        }
    }

    private byte[] hostileArray() {
        int ndim = pick(0, 1, 1, 1, 2, 6, 7, 100, -1, Integer.MAX_VALUE, Integer.MIN_VALUE);
        ByteBuffer b = ByteBuffer.allocate(4096);
        b.putInt(ndim).putInt(pick(0, 1, 1, 2, -1)).putInt(23);
        int dims = Math.min(Math.max(ndim, 0), 7) - (random.nextInt(5) == 0 ? 1 : 0);
        for (int d = 0; d < dims; d++) {
            b.putInt(pick(0, 1, 3, 3, -1, 65_536, 1 << 28, Integer.MAX_VALUE, random.nextInt())).putInt(pick(1, 0, -5));
        }
        int elements = random.nextInt(6);
        for (int e = 0; e < elements; e++) {
            int len = pick(4, 4, 4, -1, -2, 0, 2, 100, Integer.MAX_VALUE, Integer.MIN_VALUE);
            b.putInt(len).putInt(random.nextInt());
        }
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    private byte[] hostileScalar() {
        byte[] v = new byte[pick(0, 1, 2, 3, 4, 5, 8)];
        random.nextBytes(v);
        return v;
    }

    /** Portal "", the statement, one binary parameter, no result formats. */
    private static byte[] bind(String statement, byte[] value) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PgWire.cstring(b, "");
        PgWire.cstring(b, statement);
        b.writeBytes(new byte[] {0, 1, 0, 1, 0, 1});
        b.writeBytes(ByteBuffer.allocate(4).putInt(value.length).array());
        b.writeBytes(value);
        b.writeBytes(new byte[] {0, 0});
        return PgWire.typed('B', b.toByteArray());
    }

    /** A Bind whose own counts or lengths lie about the bytes it has. */
    private byte[] hostileBindFrame() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PgWire.cstring(b, "");
        PgWire.cstring(b, "arr");
        switch (random.nextInt(3)) {
            case 0 -> b.writeBytes(new byte[] {(byte) 0xff, (byte) 0xff, 0, 1}); // 65,535 formats in 2 bytes
            case 1 -> b.writeBytes(new byte[] {0, 0, (byte) 0xff, (byte) 0xff}); // 65,535 values in 0 bytes
            default -> {
                b.writeBytes(new byte[] {0, 1, 0, 1, 0, 1});
                b.writeBytes(ByteBuffer.allocate(4).putInt(pick(-2, Integer.MIN_VALUE, Integer.MAX_VALUE, 1 << 20)).array());
            }
        }
        b.writeBytes(new byte[] {0, 0});
        return PgWire.typed('B', b.toByteArray());
    }

    private static byte[] parse(String name, String sql, int typeOid) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PgWire.cstring(b, name);
        PgWire.cstring(b, sql);
        b.writeBytes(new byte[] {0, 1});
        b.writeBytes(ByteBuffer.allocate(4).putInt(typeOid).array());
        return PgWire.typed('P', b.toByteArray());
    }

    private static byte[] execute() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PgWire.cstring(b, "");
        b.writeBytes(new byte[4]);
        return PgWire.typed('E', b.toByteArray());
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    private static void expectReady(String what, List<PgWire.Message> got) {
        if (got.isEmpty() || got.get(got.size() - 1).type() != 'Z') {
            throw new AssertionError(what + ": the session did not answer ReadyForQuery: " + describe(got));
        }
    }

    /** The server answered one FATAL error with an allowed SQLSTATE (and the bound, when given) and closed. */
    private static void assertFatal(String what, List<PgWire.Message> got, Set<String> states, String bound) {
        List<PgWire.Message> errors = new ArrayList<>(got.stream().filter(m -> m.type() == 'E').toList());
        if (errors.size() != 1 || !"FATAL".equals(errors.get(0).field('S')) || !states.contains(errors.get(0).sqlState())) {
            throw new AssertionError(what + ": expected one FATAL error in " + states + ", got " + describe(got));
        }
        String message = errors.get(0).field('M');
        if (bound != null && !message.contains(bound)) {
            throw new AssertionError(what + ": the error should name the bound " + bound + ": " + message);
        }
    }

    static String describe(List<PgWire.Message> got) {
        List<String> out = new ArrayList<>();
        for (PgWire.Message m : got) {
            out.add(m.type() == 'E' ? "E(" + m.field('S') + " " + m.sqlState() + " " + m.field('M') + ")" : String.valueOf(m.type()));
        }
        return out.toString();
    }
}
