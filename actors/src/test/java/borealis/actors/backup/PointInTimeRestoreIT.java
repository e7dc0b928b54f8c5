package borealis.actors.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.AdminClient;
import borealis.actors.testkit.CliRun;
import borealis.actors.testkit.DiskScan;
import borealis.actors.testkit.InProcessNode;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Continuous backup and point-in-time restore as a user runs them: through the admin API and the
 * CLI, into new clusters, checked with SQL over pgjdbc.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PointInTimeRestoreIT {

    private static final String PASSWORD = "s3cret-pass";

    @TempDir
    Path tmp;

    private static Map<String, Object> settings(Path backup) {
        return settings(backup, backup.resolveSibling("master.key"));
    }

    private static Map<String, Object> settings(Path backup, Path masterKey) {
        return Map.of("borealis.backup.dir", backup.toString(), "borealis.backup.flush-interval", "50ms",
                "borealis.volume.group-size", 256 * 1024, "borealis.encryption.master-key-file", masterKey.toString());
    }

    @Test
    void aRestoreToATimeBetweenTwoCommitsHoldsTheFirstAndNotTheSecond() throws Exception {
        try (InProcessNode node = InProcessNode.start(tmp.resolve("data"), settings(tmp.resolve("backup")))) {
            AdminClient api = node.admin();
            api.createTenant("acme");
            api.createCluster("acme", "orders", "app", PASSWORD);
            Instant between;
            try (Connection c = DriverManager.getConnection(node.jdbcUrl("acme", "orders"), "app", PASSWORD);
                 Statement s = c.createStatement()) {
                Instant sent = Instant.now();
                s.execute("create table items(id int primary key, what varchar(100), payload varchar(3000))");
                awaitRestorable(api, "orders", sent);
                s.execute("insert into items values (1, 'first', repeat('x', 3000))");
                Thread.sleep(30);
                between = Instant.now();
                Thread.sleep(30);
                sent = Instant.now();
                s.execute("insert into items values (2, 'second', repeat('y', 3000))");
                awaitRestorable(api, "orders", sent);
            }

            JsonNode created = api.call("POST", "/v1/clusters/acme/orders/restore",
                    Map.of("name", "orders-before", "toTime", between.toString())).body();
            assertEquals("orders-before", created.path("name").asText(), created.toString());
            JsonNode done = awaitRestored(api, "orders-before");
            assertTrue(Instant.parse(done.path("restore").path("toTime").asText()).compareTo(between) <= 0, done.toString());
            assertEquals(List.of("first"), whats(node, "orders-before"), "the restored cluster holds the first commit only");
            assertTrue(linkedLocalImageLayers(tmp.resolve("data")) > 0,
                    "the restore linked the local copy of the base image instead of copying the volume");
            String exposition = metrics(node);
            java.util.regex.Matcher imageBytes = java.util.regex.Pattern.compile("(?m)^borealis_backup_local_image_bytes\\{[^}]*} (\\S+)$")
                    .matcher(exposition);
            assertTrue(imageBytes.find() && Double.parseDouble(imageBytes.group(1)) > 0, "the local copies' disk is shown: "
                    + exposition.lines().filter(l -> l.contains("local_image")).toList());
            assertEquals(List.of("first", "second"), whats(node, "orders"), "the source is untouched");

            // A clone as of a time is a restore too, through the clone call.
            api.call("POST", "/v1/clusters/acme/orders/clone", Map.of("name", "orders-branch", "toTime", between.toString())).ok();
            awaitRestored(api, "orders-branch");
            assertEquals(List.of("first"), whats(node, "orders-branch"), "the clone as of a time holds the first commit only");

            api.call("POST", "/v1/clusters/acme/orders/restore", Map.of("name", "orders-latest")).ok();
            awaitRestored(api, "orders-latest");
            assertEquals(List.of("first", "second"), whats(node, "orders-latest"));
            try (Connection c = DriverManager.getConnection(node.jdbcUrl("acme", "orders-latest"), "app", PASSWORD);
                 Statement s = c.createStatement()) {
                s.execute("insert into items values (3, 'third', 'z')");
            }
            assertEquals(List.of("first", "second"), whats(node, "orders"), "writes on the restored cluster never reach the source");

            AdminClient.Response tooEarly = api.call("POST", "/v1/clusters/acme/orders/restore",
                    Map.of("name", "orders-early", "toTime", "2020-01-01T00:00:00Z"));
            assertEquals(409, tooEarly.status(), tooEarly.body().toString());
            assertTrue(tooEarly.body().path("error").asText().contains("holds points from"), tooEarly.body().toString());
            assertEquals(404, api.call("GET", "/v1/clusters/acme/orders-early", null).status(), "a refused restore creates nothing");
            assertEquals(400, api.call("POST", "/v1/clusters/acme/orders/restore",
                    Map.of("name", "x", "toTime", "yesterday")).status());
        }
    }

    @Test
    void aRestoreAfterTheDataDirectoryIsLostUsesTheBackupStoreAlone() throws Exception {
        Path backup = tmp.resolve("backup");
        Path firstData = tmp.resolve("data-lost");
        try (InProcessNode node = InProcessNode.start(firstData, settings(backup))) {
            AdminClient api = node.admin();
            api.createTenant("acme");
            api.createCluster("acme", "ledger", "owner", PASSWORD);
            try (Connection c = DriverManager.getConnection(node.jdbcUrl("acme", "ledger"), "owner", PASSWORD);
                 Statement s = c.createStatement()) {
                s.execute("create table items(id int primary key, what varchar(100), payload varchar(3000))");
                Instant sent = Instant.now();
                for (int i = 0; i < 200; i++) {
                    sent = Instant.now();
                    s.execute("insert into items values (" + i + ", 'row" + i + "', 'plaintext-marker-' || repeat('p', 2983))");
                }
                awaitRestorable(api, "ledger", sent);
            }
        }
        // AtRestEncryptionIT shows the same scan finding rows when encryption is off.
        assertEquals(0, DiskScan.filesContaining(firstData, "plaintext-marker-").size(), "the node's own files hold no row in plaintext");
        assertEquals(0, DiskScan.filesContaining(backup, "plaintext-marker-").size(), "the backup store holds no row in plaintext");
        try (Stream<Path> files = Files.walk(firstData)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        assertTrue(Files.notExists(firstData));

        try (InProcessNode node = InProcessNode.start(tmp.resolve("data-other-key"), settings(backup, tmp.resolve("other.key")))) {
            AdminClient api = node.admin();
            api.createTenant("acme");
            AdminClient.Response wrongKey = api.call("POST", "/v1/clusters/acme/ledger/restore",
                    Map.of("name", "ledger-back", "masterPassword", "new-pass-1"));
            assertEquals(409, wrongKey.status(), wrongKey.body().toString());
            assertTrue(wrongKey.body().path("error").asText().contains("which this node does not hold"), wrongKey.body().toString());
        }
        try (InProcessNode node = InProcessNode.start(tmp.resolve("data-new"), settings(backup))) {
            AdminClient api = node.admin();
            api.createTenant("acme");
            String endpoint = "--endpoint=http://127.0.0.1:" + node.node().adminPort();
            CliRun.Result refused = CliRun.run("cluster", "restore", "--tenant=acme", "--source=ledger", "--name=ledger-back", endpoint, "--token=test-token");
            assertEquals(1, refused.exit());
            assertTrue(refused.err().contains("give masterPassword"), refused.err());

            CliRun.Result restored = CliRun.run("cluster", "restore", "--tenant=acme", "--source=ledger", "--name=ledger-back",
                    "--master-user-password=new-pass-1", endpoint, "--token=test-token");
            assertEquals(0, restored.exit(), restored.err());
            assertTrue(restored.err().matches("(?s).*restored acme\\.ledger-back from ledger as of \\S+ \\(LSN \\d+\\) in \\d+\\.\\d\\d s.*"),
                    restored.err());
            try (Connection c = DriverManager.getConnection(node.jdbcUrl("acme", "ledger-back"), "owner", "new-pass-1");
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select count(*), sum(length(payload)) from items")) {
                rs.next();
                assertEquals(200, rs.getInt(1));
                assertEquals(200 * 3000L, rs.getLong(2));
            }
        }
    }

    @Test
    void aBacktrackRewindsTheClusterInPlaceAndASecondOneUndoesIt() throws Exception {
        try (InProcessNode node = InProcessNode.start(tmp.resolve("data"), settings(tmp.resolve("backup")))) {
            AdminClient api = node.admin();
            api.createTenant("acme");
            api.createCluster("acme", "orders", "app", PASSWORD);
            Instant beforeMistake;
            Instant beforeBacktrack;
            try (Connection c = DriverManager.getConnection(node.jdbcUrl("acme", "orders"), "app", PASSWORD);
                 Statement s = c.createStatement()) {
                Instant sent = Instant.now();
                s.execute("create table items(id int primary key, what varchar(100), payload varchar(3000))");
                awaitRestorable(api, "orders", sent);
                s.execute("insert into items values (1, 'first', 'a')");
                s.execute("insert into items values (2, 'second', 'b')");
                Thread.sleep(30);
                beforeMistake = Instant.now();
                Thread.sleep(30);
                sent = Instant.now();
                s.execute("delete from items where id = 2"); // the bad migration
                awaitRestorable(api, "orders", sent);
                beforeBacktrack = Instant.now();

                JsonNode view = api.call("POST", "/v1/clusters/acme/orders/backtrack", Map.of("toTime", beforeMistake.toString())).ok().body();
                assertEquals("orders", view.path("restore").path("source").asText(), view.toString());
                java.sql.SQLException ended = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
                        () -> s.executeQuery("select 1"), "a session open across the backtrack is ended");
                assertEquals("57P01", ended.getSQLState(), ended.getMessage());
                assertTrue(ended.getMessage().contains("is being backtracked to " + beforeMistake), ended.getMessage());
            }
            awaitRestored(api, "orders");
            assertEquals(List.of("first", "second"), whats(node, "orders"), "the delete is undone");

            api.call("POST", "/v1/clusters/acme/orders/backtrack", Map.of("toTime", beforeBacktrack.toString())).ok();
            awaitRestored(api, "orders");
            assertEquals(List.of("first"), whats(node, "orders"), "backtracking to before the backtrack undoes it");
        }
    }

    private static String metrics(InProcessNode node) throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + node.node().adminPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    /** Replica files under the node's segments that are hard links to a local base image's layers. */
    private static long linkedLocalImageLayers(Path data) throws java.io.IOException {
        java.util.Set<Object> imageFiles = new java.util.HashSet<>();
        try (Stream<Path> s = Files.walk(data.resolve("images"))) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                imageFiles.add(Files.getAttribute(p, "unix:ino"));
            }
        }
        try (Stream<Path> s = Files.walk(data.resolve("segments"))) {
            return s.filter(Files::isRegularFile).filter(p -> {
                try {
                    return imageFiles.contains(Files.getAttribute(p, "unix:ino"));
                } catch (java.io.IOException e) {
                    return false;
                }
            }).count();
        }
    }

    /**
     * Until the backup reaches a commit made at or after {@code at} (taken just before the last
     * statement was sent; the archive lags by about a flush interval).
     */
    private static void awaitRestorable(AdminClient api, String cluster, Instant at) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JsonNode b = null;
        while (System.nanoTime() < deadline) {
            b = api.call("GET", "/v1/clusters/acme/" + cluster + "/backups", null).ok().body();
            if (!b.path("latestPoint").isNull() && !b.path("latestPoint").isMissingNode()
                    && Instant.parse(b.path("latestPoint").asText()).compareTo(at) >= 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the backup never reached " + at + ": " + b);
    }

    private static JsonNode awaitRestored(AdminClient api, String cluster) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonNode view = null;
        while (System.nanoTime() < deadline) {
            view = api.call("GET", "/v1/clusters/acme/" + cluster, null).ok().body();
            if (view.path("restore").path("state").asText().equals("done")) {
                assertTrue(view.path("restore").path("seconds").asDouble() > 0, view.toString());
                return view;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("restore of " + cluster + " never finished: " + view);
    }

    private static List<String> whats(InProcessNode node, String cluster) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(node.jdbcUrl("acme", cluster), "app", PASSWORD);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select what from items where id < 3 order by id")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
