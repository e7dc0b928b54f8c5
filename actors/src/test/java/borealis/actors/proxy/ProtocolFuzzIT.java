package borealis.actors.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.InProcessNode;
import borealis.actors.testkit.PgWire;
import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.ActorIdentity;
import org.apache.pekko.actor.Identify;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sends the proxy at least 10,000 random and mutated startup and query messages, from four
 * clients at once, while a well-behaved tenant keeps querying; then checks that the well-behaved
 * tenant never saw an error, that new sessions still open, that no session actor was left behind,
 * and that the heap did not grow. A second run keeps the framing valid and lies in one length at a
 * time ({@link HostileLengths}): before authentication (startup packet, SSLRequest, CancelRequest,
 * SASL) and after it (Bind with binary parameters and arrays). Both run with the production
 * message limit (reference.conf's). The seed is printed; set {@code -Dfuzz.seed=N} to replay a run.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ProtocolFuzzIT {

    private static final int MIN_MESSAGES = 10_000;
    private static final int CLIENTS = 4;
    /** The production limit: reference.conf's, not a reduced one. */
    private static final int MAX_MESSAGE_BYTES = (int) ConfigFactory.load().getBytes("borealis.proxy.max-message-bytes").longValue();
    /** What the hostile-length run may leave on the heap after a GC. */
    private static final long HEAP_BOUND = 128L << 20;
    private static final int STARTUP = 196608;

    @TempDir
    Path tmp;

    @Test
    void theNodeKeepsServingOthersAndMemoryStaysBounded() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("ProtocolFuzzIT seed: " + seed);
        try (InProcessNode node = InProcessNode.start(tmp.resolve("data"), Map.of(
                "borealis.limits.statement-timeout-ceiling", "2s",
                "borealis.auth.throttle.base-delay", "1ms",
                "borealis.auth.throttle.max-delay", "20ms"))) {
            node.admin().createTenant("fuzz");
            node.admin().createCluster("fuzz", "db", "app", "fuzz-password");
            node.admin().createTenant("calm");
            node.admin().createCluster("calm", "db", "app", "calm-password");
            try (Connection c = DriverManager.getConnection(node.jdbcUrl("calm", "db"), "app", "calm-password");
                 Statement s = c.createStatement()) {
                s.execute("create table kept(i int primary key)");
                s.execute("insert into kept values (1), (2), (3)");
            }
            // Warm up the fuzzed cluster too, so the heap is measured with both databases open.
            new Fuzzer(node.pgPort(), new Random(seed)).authenticatedSession(5);
            long heapBefore = usedHeapAfterGc();

            AtomicBoolean fuzzing = new AtomicBoolean(true);
            AtomicInteger calmQueries = new AtomicInteger();
            AtomicReference<Throwable> calmFailure = new AtomicReference<>();
            Thread calm = new Thread(() -> {
                try {
                    int round = 0;
                    while (fuzzing.get()) {
                        try (Connection c = DriverManager.getConnection(node.jdbcUrl("calm", "db"), "app", "calm-password");
                             Statement s = c.createStatement()) {
                            for (int i = 0; i < 20 && fuzzing.get(); i++) {
                                try (ResultSet rs = s.executeQuery("select count(*) from kept")) {
                                    rs.next();
                                    assertEquals(3, rs.getInt(1));
                                }
                                calmQueries.incrementAndGet();
                                Thread.sleep(20);
                            }
                        }
                        round++;
                    }
                } catch (Throwable t) {
                    calmFailure.compareAndSet(null, t);
                }
            }, "calm-tenant");
            calm.start();

            AtomicLong sent = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                Fuzzer f = new Fuzzer(node.pgPort(), new Random(seed + i));
                clients.add(pool.submit(() -> {
                    while (sent.get() < MIN_MESSAGES) {
                        sent.addAndGet(f.oneConnection());
                    }
                    return null;
                }));
            }
            for (Future<?> f : clients) {
                f.get(8, TimeUnit.MINUTES);
            }
            pool.shutdown();
            fuzzing.set(false);
            calm.join(30_000);

            System.out.println("ProtocolFuzzIT: " + sent.get() + " messages sent; the calm tenant ran " + calmQueries.get() + " queries");
            assertTrue(sent.get() >= MIN_MESSAGES);
            assertEquals(null, calmFailure.get(), "the well-behaved tenant saw an error during the fuzzing");
            assertTrue(calmQueries.get() > 0);

            // Still serving: both tenants log in and query, the admin API answers.
            try (Connection c = DriverManager.getConnection(node.jdbcUrl("fuzz", "db"), "app", "fuzz-password");
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select 42")) {
                rs.next();
                assertEquals(42, rs.getInt(1));
            }
            node.admin().call("GET", "/v1/tenants/fuzz", null).ok();

            // No session actor outlives its connection.
            int sessions = liveProxySessions(node);
            assertTrue(sessions <= 1, sessions + " proxy sessions are still alive after every fuzzing connection closed");

            long heapAfter = usedHeapAfterGc();
            System.out.printf("ProtocolFuzzIT: heap after GC %d MB before, %d MB after%n", heapBefore >> 20, heapAfter >> 20);
            assertTrue(heapAfter - heapBefore < 64L << 20,
                    "heap grew by " + ((heapAfter - heapBefore) >> 20) + " MB over the fuzzing (" + (heapBefore >> 20) + " -> " + (heapAfter >> 20) + ")");
        }
    }

    @Test
    void hostileLengthsBeforeAndAfterAuthenticationLeaveTheNodeServing() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("ProtocolFuzzIT hostile lengths seed: " + seed);
        try (InProcessNode node = InProcessNode.start(tmp.resolve("data"), Map.of(
                "borealis.auth.throttle.base-delay", "1ms",
                "borealis.auth.throttle.max-delay", "20ms"))) {
            node.admin().createTenant("fuzz");
            node.admin().createCluster("fuzz", "db", "app", "fuzz-password");
            node.admin().createTenant("calm");
            node.admin().createCluster("calm", "db", "app", "calm-password");
            try (Connection c = DriverManager.getConnection(node.jdbcUrl("calm", "db"), "app", "calm-password");
                 Statement s = c.createStatement()) {
                s.execute("create table kept(i int primary key)");
                s.execute("insert into kept values (1), (2), (3)");
            }
            HostileLengths warmUp = new HostileLengths(node.pgPort(), new Random(seed), "fuzz.db", "fuzz-password");
            warmUp.bindSession(5);
            long heapBefore = usedHeapAfterGc();

            AtomicBoolean fuzzing = new AtomicBoolean(true);
            AtomicInteger calmQueries = new AtomicInteger();
            AtomicReference<Throwable> calmFailure = new AtomicReference<>();
            Thread calm = calmTenant(node, fuzzing, calmQueries, calmFailure);
            AtomicLong sent = new AtomicLong();
            AtomicInteger preAuth = new AtomicInteger();
            AtomicInteger binds = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                HostileLengths f = new HostileLengths(node.pgPort(), new Random(seed + i), "fuzz.db", "fuzz-password");
                boolean before = i % 2 == 0;
                clients.add(pool.submit(() -> {
                    for (int round = 0; round < 150; round++) {
                        if (before) {
                            sent.addAndGet(f.preAuthenticationRound());
                            preAuth.incrementAndGet();
                        } else {
                            sent.addAndGet(f.bindSession(20));
                            binds.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : clients) {
                f.get(8, TimeUnit.MINUTES);
            }
            pool.shutdown();
            fuzzing.set(false);
            calm.join(30_000);

            System.out.println("ProtocolFuzzIT: hostile lengths: " + preAuth.get() + " connections before authentication, " + binds.get()
                    + " sessions of Binds, " + sent.get() + " messages; the calm tenant ran " + calmQueries.get() + " queries");
            assertEquals(null, calmFailure.get(), "the well-behaved tenant saw an error during the fuzzing");
            assertTrue(calmQueries.get() > 0);
            try (Connection c = DriverManager.getConnection(node.jdbcUrl("fuzz", "db"), "app", "fuzz-password");
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select 42")) {
                rs.next();
                assertEquals(42, rs.getInt(1));
            }
            try (Connection c = DriverManager.getConnection(node.jdbcUrl("calm", "db"), "app", "calm-password");
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from kept")) {
                rs.next();
                assertEquals(3, rs.getInt(1));
            }
            int sessions = liveProxySessions(node);
            assertTrue(sessions <= 1, sessions + " proxy sessions are still alive after every fuzzing connection closed");
            long heapAfter = usedHeapAfterGc();
            System.out.printf("ProtocolFuzzIT: hostile lengths: heap after GC %d MB before, %d MB after (bound: +%d MB)%n", heapBefore >> 20,
                    heapAfter >> 20, HEAP_BOUND >> 20);
            assertTrue(heapAfter - heapBefore < HEAP_BOUND, "heap grew by " + ((heapAfter - heapBefore) >> 20) + " MB");
        }
    }

    /** A well-behaved tenant that queries until told to stop, noting the first thing that went wrong. */
    private static Thread calmTenant(InProcessNode node, AtomicBoolean running, AtomicInteger queries, AtomicReference<Throwable> failure) {
        Thread calm = new Thread(() -> {
            try {
                while (running.get()) {
                    try (Connection c = DriverManager.getConnection(node.jdbcUrl("calm", "db"), "app", "calm-password");
                         Statement s = c.createStatement()) {
                        for (int i = 0; i < 20 && running.get(); i++) {
                            try (ResultSet rs = s.executeQuery("select count(*) from kept")) {
                                rs.next();
                                assertEquals(3, rs.getInt(1));
                            }
                            queries.incrementAndGet();
                            Thread.sleep(20);
                        }
                    }
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }, "calm-tenant");
        calm.start();
        return calm;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Counts the proxy's session actors by asking every child of the proxy to identify itself (waits up to 20 s for stragglers). */
    private static int liveProxySessions(InProcessNode node) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int count;
        do {
            TestProbe<Object> probe = TestProbe.create(node.node().system());
            node.node().system().classicSystem().actorSelection("/system/proxy/*").tell(new Identify(1), Adapter.toClassic(probe.ref()));
            count = 0;
            try {
                while (true) {
                    Object reply = probe.receiveMessage(Duration.ofMillis(500));
                    // Sessions are the proxy's anonymous children ($a, $b...); its named ones (the cancel topic) are not.
                    if (reply instanceof ActorIdentity id && id.getActorRef().isPresent() && id.getActorRef().get().path().name().startsWith("$")) {
                        count++;
                    }
                }
            } catch (AssertionError noMore) {
                // no more replies
            }
            if (count <= 1) {
                return count;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return count;
    }

    /** One fuzzing client: random and mutated messages over fresh connections. */
    static final class Fuzzer {
        private final int port;
        private final Random random;

        Fuzzer(int port, Random random) {
            this.port = port;
            this.random = random;
        }

        /** Opens one connection, sends fuzz, reads what comes back; returns the messages sent. */
        int oneConnection() throws Exception {
            return random.nextInt(10) < 6 ? startupPhase() : authenticatedSession(10 + random.nextInt(30));
        }

        private int startupPhase() throws IOException {
            int n = 1 + random.nextInt(3);
            try (PgWire w = new PgWire(port, 3_000)) {
                for (int i = 0; i < n; i++) {
                    if (!sendQuietly(w, mutate(startupSeed()))) {
                        break;
                    }
                }
                finish(w);
            }
            return n;
        }

        int authenticatedSession(int messages) throws Exception {
            try (PgWire w = new PgWire(port, 3_000)) {
                List<PgWire.Message> login = w.login(Map.of("user", "app", "database", "fuzz.db", "application_name", "fuzz"), "", "fuzz-password");
                if (login.isEmpty() || login.get(login.size() - 1).type() != 'Z') {
                    throw new AssertionError("the fuzzing client could not log in: " + login);
                }
                int sent = 0;
                for (int i = 0; i < messages; i++) {
                    byte[] m = querySeed();
                    if (!sendQuietly(w, random.nextBoolean() ? m : mutate(m))) {
                        break;
                    }
                    sent++;
                }
                // Let the session work through what it got (no half-close: that ends the session at once).
                try {
                    w.drain(300);
                } catch (IOException e) {
                    // closed by the server
                }
                return sent;
            }
        }

        /** Half-closes and drains, so the server sees the end of the stream and the client every answer. */
        private static void finish(PgWire w) {
            try {
                w.finishSending();
                w.readToEnd();
            } catch (IOException e) {
                // the server may already have closed the connection
            }
        }

        private static boolean sendQuietly(PgWire w, byte[] bytes) {
            try {
                w.send(bytes);
                return true;
            } catch (IOException closed) {
                return false;
            }
        }

        private byte[] startupSeed() {
            switch (random.nextInt(6)) {
                case 0:
                    return ByteBuffer.allocate(8).putInt(8).putInt(80877103).array(); // SSLRequest
                case 1:
                    return ByteBuffer.allocate(8).putInt(8).putInt(80877104).array(); // GSSENCRequest
                case 2:
                    return ByteBuffer.allocate(16).putInt(16).putInt(80877102).putInt(random.nextInt()).putInt(random.nextInt()).array();
                case 3: {
                    byte[] junk = new byte[random.nextInt(64)];
                    random.nextBytes(junk);
                    return junk;
                }
                default: {
                    ByteArrayOutputStream body = new ByteArrayOutputStream();
                    String[] keys = {"user", "database", "options", "application_name", "client_encoding", "replication", "borealis.x"};
                    int params = random.nextInt(5);
                    for (int i = 0; i < params; i++) {
                        PgWire.cstring(body, keys[random.nextInt(keys.length)]);
                        PgWire.cstring(body, randomText(random.nextInt(20)));
                    }
                    PgWire.cstring(body, "user");
                    PgWire.cstring(body, random.nextBoolean() ? "app" : randomText(8));
                    PgWire.cstring(body, "database");
                    PgWire.cstring(body, random.nextBoolean() ? "fuzz.db" : randomText(12));
                    body.write(0);
                    byte[] b = body.toByteArray();
                    return ByteBuffer.allocate(8 + b.length).putInt(8 + b.length).putInt(STARTUP).put(b).array();
                }
            }
        }

        private byte[] querySeed() {
            switch (random.nextInt(12)) {
                case 0:
                    return PgWire.query("select 1");
                case 1:
                    return PgWire.query("create table if not exists t(i int, s varchar(20))");
                case 2:
                    return PgWire.query("insert into t values (" + random.nextInt(1000) + ", 'x')");
                case 3:
                    return PgWire.query("select * from t where i < " + random.nextInt(1000));
                case 4:
                    return PgWire.query(randomText(random.nextInt(200)));
                case 5: {
                    ByteArrayOutputStream b = new ByteArrayOutputStream();
                    PgWire.cstring(b, random.nextBoolean() ? "" : "s" + random.nextInt(3));
                    PgWire.cstring(b, "select $1::int + " + random.nextInt(100));
                    b.write(0);
                    b.write(1);
                    b.writeBytes(ByteBuffer.allocate(4).putInt(23).array());
                    return PgWire.typed('P', b.toByteArray());
                }
                case 6: {
                    ByteArrayOutputStream b = new ByteArrayOutputStream();
                    PgWire.cstring(b, "");
                    PgWire.cstring(b, random.nextBoolean() ? "" : "s" + random.nextInt(3));
                    b.writeBytes(new byte[] {0, 0, 0, 1});
                    byte[] v = Integer.toString(random.nextInt()).getBytes();
                    b.writeBytes(ByteBuffer.allocate(4).putInt(v.length).array());
                    b.writeBytes(v);
                    b.writeBytes(new byte[] {0, 0});
                    return PgWire.typed('B', b.toByteArray());
                }
                case 7: {
                    ByteArrayOutputStream b = new ByteArrayOutputStream();
                    PgWire.cstring(b, "");
                    b.writeBytes(ByteBuffer.allocate(4).putInt(random.nextInt(5)).array());
                    return PgWire.typed('E', b.toByteArray());
                }
                case 8:
                    return PgWire.typed('S', new byte[0]);
                case 9:
                    return PgWire.typed("DCHdcfFp".charAt(random.nextInt(8)), randomBytes(random.nextInt(32)));
                case 10:
                    return PgWire.typed('H', new byte[0]);
                default:
                    return randomBytes(1 + random.nextInt(64));
            }
        }

        /** One of the classic mutations: bit flips, bytes, truncation, insertion, duplication, length and type tampering. */
        byte[] mutate(byte[] in) {
            byte[] b = in.clone();
            switch (random.nextInt(8)) {
                case 0 -> {
                    for (int i = random.nextInt(8) + 1; i > 0 && b.length > 0; i--) {
                        b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1 -> {
                    if (b.length > 0) {
                        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                    }
                }
                case 2 -> b = java.util.Arrays.copyOf(b, random.nextInt(b.length + 1));
                case 3 -> {
                    int at = random.nextInt(b.length + 1);
                    byte[] extra = randomBytes(1 + random.nextInt(16));
                    byte[] out = new byte[b.length + extra.length];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(extra, 0, out, at, extra.length);
                    System.arraycopy(b, at, out, at + extra.length, b.length - at);
                    b = out;
                }
                case 4 -> {
                    byte[] out = new byte[b.length * 2];
                    System.arraycopy(b, 0, out, 0, b.length);
                    System.arraycopy(b, 0, out, b.length, b.length);
                    b = out;
                }
                case 5 -> {
                    // The length field: of a typed message at 1, of an untyped packet at 0.
                    int at = b.length >= 5 && Character.isLetter(b[0]) ? 1 : 0;
                    int[] lengths = {0, 1, 3, 4, 5, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, MAX_MESSAGE_BYTES + 1, 10_001,
                            b.length + 1, b.length - 1, random.nextInt()};
                    if (b.length >= at + 4) {
                        ByteBuffer.wrap(b).putInt(at, lengths[random.nextInt(lengths.length)]);
                    }
                }
                case 6 -> {
                    if (b.length > 0) {
                        b[0] = (byte) (32 + random.nextInt(95));
                    }
                }
                default -> b = randomBytes(random.nextInt(512));
            }
            return b;
        }

        private byte[] randomBytes(int n) {
            byte[] b = new byte[n];
            random.nextBytes(b);
            return b;
        }

        private String randomText(int n) {
            String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 .,;'\"()*-_=<>$\\/\u00e9\u4e2d";
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < n; i++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            return s.toString();
        }
    }
}
