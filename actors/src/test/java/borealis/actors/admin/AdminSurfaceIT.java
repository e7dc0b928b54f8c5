package borealis.actors.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.InProcessNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's own surface: the admin API on an address of its own and over HTTPS, an
 * unauthenticated request answered 401 before its body is read, and the node's files (secrets,
 * journals, block files, audit log, snapshots) owner-only.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AdminSurfaceIT {

    @TempDir
    Path tmp;

    @Test
    void theAdminApiListensOnItsOwnAddressOverHttps() throws Exception {
        Path keyStore = tmp.resolve("admin.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "admin", "-keyalg", "RSA", "-keysize", "2048", "-sigalg",
                "SHA256withRSA", "-dname", "CN=127.0.0.2", "-ext", "SAN=IP:127.0.0.2", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        try (InProcessNode node = InProcessNode.start(tmp.resolve("data"), Map.of("borealis.admin.host", "127.0.0.2",
                "borealis.admin.tls.key-store", keyStore.toString(), "borealis.admin.tls.key-store-password", "changeit"))) {
            int port = node.node().adminPort();
            assertEquals("https://127.0.0.2:" + port, node.node().adminUrl());
            HttpClient https = HttpClient.newBuilder().sslContext(trusting(keyStore)).connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.2:" + port + "/v1/tenants"))
                    .header("Authorization", "Bearer test-token").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            // Not on the PostgreSQL listener's address, and not in plaintext.
            assertThrows(IOException.class, () -> new Socket(InetAddress.getByName("127.0.0.1"), port).close());
            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertThrows(IOException.class, () -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.2:" + port + "/v1/tenants"))
                    .timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer test-token").GET().build(),
                    HttpResponse.BodyHandlers.ofString()));
            new Socket(InetAddress.getByName("127.0.0.1"), node.pgPort()).close();
        }
    }

    @Test
    void anUnauthenticatedRequestIsAnsweredBeforeItsBodyIsRead() throws Exception {
        try (InProcessNode node = InProcessNode.start(tmp.resolve("data"))) {
            int port = node.node().adminPort();
            // 64 MB announced, not a byte sent: the answer comes from the headers alone.
            for (String expect : List.of("", "Expect: 100-continue\r\n")) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    s.setSoTimeout(3_000);
                    send(s, "POST /v1/tenants HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 67108864\r\n" + expect
                            + "Authorization: Bearer not-the-token\r\n\r\n");
                    assertEquals("HTTP/1.1 401 Unauthorized", statusLine(s.getInputStream()), "with [" + expect.trim() + "]");
                }
            }
            // A client that sends its 16 MB anyway is answered as soon as its headers are in, and the connection closed.
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(3_000);
                Thread sender = new Thread(() -> {
                    try {
                        send(s, "PUT /v1/clusters/a/b/users/u/password HTTP/1.1\r\nHost: x\r\nContent-Length: 16777216\r\n\r\n");
                        byte[] chunk = new byte[64 * 1024];
                        for (int i = 0; i < 256; i++) {
                            s.getOutputStream().write(chunk);
                        }
                    } catch (IOException e) {
                        // the server closed the connection: the rest of the body was never read
                    }
                });
                sender.setDaemon(true);
                sender.start();
                long t0 = System.nanoTime();
                assertEquals("HTTP/1.1 401 Unauthorized", statusLine(s.getInputStream()));
                assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2));
            }
            // With the token, Expect: 100-continue is honoured and the body read.
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(5_000);
                String body = "{\"name\":\"continued\"}";
                send(s, "POST /v1/tenants HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                        + "Authorization: Bearer test-token\r\nContent-Length: " + body.length() + "\r\n\r\n");
                assertEquals("HTTP/1.1 100 Continue", statusLine(s.getInputStream()));
                send(s, body);
                BufferedReader rest = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                String line = rest.readLine();
                while (line != null && !line.startsWith("HTTP/1.1 ")) {
                    line = rest.readLine();
                }
                assertEquals("HTTP/1.1 201 Created", line);
            }
        }
    }

    @Test
    void secretsAndDataAreOwnerOnly() throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data);
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x")); // as an older version left it
        try (InProcessNode node = InProcessNode.start(data, Map.of("borealis.admin.token", ""))) {
            String token = Files.readString(data.resolve("admin-token")).trim();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(node.node().adminUrl() + "/v1/tenants"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"files\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, r.statusCode(), r.body());
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(createCluster(http, node, token), "app", "files-password");
                 java.sql.Statement st = c.createStatement()) {
                st.execute("create table t(i int)");
                st.execute("insert into t values (1)");
            }
        }
        List<String> exposed = new ArrayList<>();
        try (Stream<Path> all = Files.walk(data)) {
            for (Path f : all.toList()) {
                String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
                boolean ok = Files.isDirectory(f) ? perms.equals("rwx------") : !perms.substring(3).contains("w");
                if (!ok) {
                    exposed.add(data.relativize(f) + " " + perms);
                }
            }
        }
        assertEquals(List.of(), exposed, "directories 0700, files never writable by others");
        for (String secret : List.of("admin-token", "auth-secret", "audit/audit.jsonl")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(secret))), secret);
        }
        try (Stream<Path> journals = Files.walk(data.resolve("journal"))) {
            for (Path f : journals.filter(Files::isRegularFile).toList()) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
            }
        }
        try (Stream<Path> blocks = Files.walk(data.resolve("segments"))) {
            List<Path> files = blocks.filter(Files::isRegularFile).toList();
            assertTrue(!files.isEmpty());
            for (Path f : files) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
            }
        }
        // A token file others can read is refused at start, with what to do.
        Files.setPosixFilePermissions(data.resolve("admin-token"), PosixFilePermissions.fromString("rw-r--r--"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> InProcessNode.start(data, Map.of("borealis.admin.token", "")).close());
        assertTrue(e.getMessage().contains("readable or writable by other users") && e.getMessage().contains("chmod 600"), e.getMessage());
    }

    private static String createCluster(HttpClient http, InProcessNode node, String token) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(node.node().adminUrl() + "/v1/clusters"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tenant\":\"files\",\"name\":\"db\",\"masterUsername\":\"app\","
                        + "\"masterPassword\":\"files-password\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
        return node.jdbcUrl("files", "db");
    }

    private static SSLContext trusting(Path keyStore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("admin", ks.getCertificate("admin"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** The first line of the response, read byte by byte (nothing after it is consumed). */
    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
