package borealis.actors.testkit;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A raw PostgreSQL v3 protocol client for tests that need to send what no driver would: odd
 * startup parameters, a SCRAM exchange with a different user name inside, malformed or oversized
 * messages. Messages are built by hand here (independently of the server's codec).
 */
public final class PgWire implements AutoCloseable {

    /** A backend message: its type byte and body. */
    public record Message(char type, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The SQLSTATE ('C' field) of an ErrorResponse, or null. */
        public String sqlState() {
            return field('C');
        }

        public String field(char code) {
            if (type != 'E' && type != 'N') {
                return null;
            }
            int i = 0;
            while (i < body.length && body[i] != 0) {
                int end = i + 1;
                while (end < body.length && body[end] != 0) {
                    end++;
                }
                if (body[i] == code) {
                    return new String(body, i + 1, end - i - 1, StandardCharsets.UTF_8);
                }
                i = end + 1;
            }
            return null;
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    public PgWire(int port, int readTimeoutMillis) throws IOException {
        this(null, port, readTimeoutMillis);
    }

    /**
     * Connects from {@code sourceAddress} (another loopback address such as 127.0.0.2, to look like
     * another client host), or from any address when null.
     */
    public PgWire(String sourceAddress, int port, int readTimeoutMillis) throws IOException {
        socket = new Socket();
        if (sourceAddress != null) {
            socket.bind(new java.net.InetSocketAddress(InetAddress.getByName(sourceAddress), 0));
        }
        socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), readTimeoutMillis);
        socket.setSoTimeout(readTimeoutMillis);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    public static byte[] startupPacket(Map<String, String> params) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        params.forEach((k, v) -> {
            cstring(body, k);
            cstring(body, v);
        });
        body.write(0);
        ByteBuffer b = ByteBuffer.allocate(8 + body.size());
        b.putInt(8 + body.size()).putInt(196608).put(body.toByteArray());
        return b.array();
    }

    public static byte[] typed(char type, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(5 + body.length);
        b.put((byte) type).putInt(4 + body.length).put(body);
        return b.array();
    }

    public static byte[] query(String sql) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        cstring(body, sql);
        return typed('Q', body.toByteArray());
    }

    public static void cstring(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
        out.write(0);
    }

    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Half-closes: the server sees the end of the client's stream. */
    public void finishSending() throws IOException {
        socket.shutdownOutput();
    }

    /** The next message, or null at end of stream or on read timeout. */
    public Message read() throws IOException {
        try {
            int type = in.read();
            if (type < 0) {
                return null;
            }
            int len = in.readInt();
            if (len < 4 || len > 64 << 20) {
                throw new IOException("server sent a message of length " + len);
            }
            byte[] body = new byte[len - 4];
            in.readFully(body);
            return new Message((char) type, body);
        } catch (EOFException | SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("reset")) {
                return null;
            }
            throw e;
        }
    }

    /** The single byte answering an SSLRequest ('S' or 'N'), or -1. */
    public int readByte() throws IOException {
        try {
            return in.read();
        } catch (SocketTimeoutException e) {
            return -1;
        }
    }

    /** Reads until ReadyForQuery, an error that ends the connection, or the end. */
    public List<Message> readUntilReady() throws IOException {
        List<Message> got = new ArrayList<>();
        Message m;
        while ((m = read()) != null) {
            got.add(m);
            if (m.type() == 'Z') {
                break;
            }
        }
        return got;
    }

    /** Reads until the server closes the connection or stays silent for {@code idleMillis}. */
    public List<Message> drain(int idleMillis) throws IOException {
        int before = socket.getSoTimeout();
        socket.setSoTimeout(idleMillis);
        try {
            return readToEnd();
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(before);
            }
        }
    }

    /** Reads until the server closes the connection (or the read times out). */
    public List<Message> readToEnd() throws IOException {
        List<Message> got = new ArrayList<>();
        Message m;
        while ((m = read()) != null) {
            got.add(m);
        }
        return got;
    }

    /**
     * Sends a startup packet and runs the SCRAM-SHA-256 exchange with {@code password}, putting
     * {@code scramUser} in the client-first message. Returns the messages up to ReadyForQuery (or
     * the error that ended the attempt).
     */
    public List<Message> login(Map<String, String> startup, String scramUser, String password) throws Exception {
        send(startupPacket(startup));
        List<Message> got = new ArrayList<>();
        Message m = read();
        if (m == null) {
            return got;
        }
        got.add(m);
        if (m.type() != 'R' || ByteBuffer.wrap(m.body()).getInt() != 10) {
            return got;
        }
        String clientNonce = Base64.getEncoder().encodeToString(randomBytes(18));
        String clientFirstBare = "n=" + scramUser + ",r=" + clientNonce;
        ByteArrayOutputStream initial = new ByteArrayOutputStream();
        cstring(initial, "SCRAM-SHA-256");
        byte[] first = ("n,," + clientFirstBare).getBytes(StandardCharsets.UTF_8);
        initial.write(ByteBuffer.allocate(4).putInt(first.length).array());
        initial.write(first);
        send(typed('p', initial.toByteArray()));
        m = read();
        if (m == null) {
            return got;
        }
        got.add(m);
        if (m.type() != 'R' || ByteBuffer.wrap(m.body()).getInt() != 11) {
            return got;
        }
        String serverFirst = new String(m.body(), 4, m.body().length - 4, StandardCharsets.UTF_8);
        Map<String, String> attrs = new HashMap<>();
        for (String part : serverFirst.split(",")) {
            attrs.put(part.substring(0, 1), part.substring(2));
        }
        byte[] salted = pbkdf2(password, Base64.getDecoder().decode(attrs.get("s")), Integer.parseInt(attrs.get("i")));
        byte[] clientKey = hmac(salted, "Client Key");
        byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
        String withoutProof = "c=biws,r=" + attrs.get("r");
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] signature = hmac(storedKey, authMessage);
        byte[] proof = new byte[clientKey.length];
        for (int i = 0; i < proof.length; i++) {
            proof[i] = (byte) (clientKey[i] ^ signature[i]);
        }
        send(typed('p', (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.UTF_8)));
        got.addAll(readUntilReady());
        return got;
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    private static byte[] pbkdf2(String password, byte[] salt, int iterations) throws Exception {
        return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
    }

    private static byte[] hmac(byte[] key, String data) throws Exception {
        return hmac(key, data.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
