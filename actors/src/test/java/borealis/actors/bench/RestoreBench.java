package borealis.actors.bench;

import borealis.actors.node.BorealisNode;
import borealis.actors.testkit.AdminClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Restore and backtrack times against database size and log to replay (docs/backup.md): one
 * embedded node; a table loaded to {@code --mb} megabytes of incompressible rows, then {@code
 * --update-mb} of updates after the last base image; a restore to the latest point, a restore to
 * a time before the updates, and a backtrack. Prints each time with the database size, and the
 * write throughput of the load with the backup on (the cost of archiving is in bench-storage).
 *
 * <pre>
 * bin/bench-restore [--mb 200] [--update-mb 20] [--image-after 1GiB] [--clones 3] [--local-images 2]
 * </pre>
 */
public final class RestoreBench {

    private static final int ROW_BYTES = 2000;
    private static final int ROWS_PER_STATEMENT = 50;

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int mb = Integer.parseInt(opts.getOrDefault("mb", "200"));
        int updateMb = Integer.parseInt(opts.getOrDefault("update-mb", "20"));
        Path data = Files.createTempDirectory("borealis-restore-bench");
        Map<String, Object> conf = new HashMap<>();
        conf.put("borealis.data-dir", data.resolve("data").toString());
        conf.put("borealis.backup.dir", data.resolve("backup").toString());
        conf.put("borealis.node.pg-port", 0);
        conf.put("borealis.node.admin-port", 0);
        conf.put("borealis.admin.token", "bench-token");
        // H2 writes each commit's pages whole: 1 MB of updated rows is 10-15 MB of log. A new
        // volume's first image is taken at once; after that, one per --image-after of log.
        conf.put("borealis.backup.image-after-log-bytes", opts.getOrDefault("image-after", "1GiB"));
        // 0: no local copies of base images, so every restore reads its image from the store.
        conf.put("borealis.backup.local-images.keep", Integer.parseInt(opts.getOrDefault("local-images", "2")));
        try (BorealisNode node = BorealisNode.start(ConfigFactory.load(ConfigFactory.parseMap(conf)))) {
            AdminClient api = new AdminClient("http://127.0.0.1:" + node.adminPort(), "bench-token");
            api.createTenant("bench");
            api.call("POST", "/v1/clusters", Map.of("tenant", "bench", "name", "src", "masterUsername", "app", "masterPassword",
                    "bench-pass", "minAcu", 4, "maxAcu", 8)).ok();
            String url = "jdbc:postgresql://127.0.0.1:" + node.pgPort() + "/bench.%s?sslmode=disable";
            int rows = mb * 1024 * 1024 / ROW_BYTES / ROWS_PER_STATEMENT * ROWS_PER_STATEMENT;
            long loadStart = System.nanoTime();
            try (Connection c = DriverManager.getConnection(String.format(url, "src"), "app", "bench-pass")) {
                try (Statement s = c.createStatement()) {
                    s.execute("create table t(id int primary key, payload varchar(" + ROW_BYTES + "))");
                }
                insert(c, 0, rows);
            }
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            System.out.printf(Locale.ROOT, "loaded %d rows (%d MB) in %.1f s (%.1f MB/s) with the backup on%n", rows, mb, loadSeconds,
                    mb / loadSeconds);
            Instant beforeUpdates = Instant.now();
            Thread.sleep(1100);
            int updated = updateMb * 1024 * 1024 / ROW_BYTES;
            Instant lastSent;
            try (Connection c = DriverManager.getConnection(String.format(url, "src"), "app", "bench-pass")) {
                lastSent = update(c, updated, rows);
            }
            awaitLatest(api, lastSent);
            System.out.printf(Locale.ROOT, "updated %d rows (%d MB of log after the last base image)%n", updated, updateMb);
            JsonNode backups = api.call("GET", "/v1/clusters/bench/src/backups", null).ok().body();
            System.out.println("backup: " + backups.path("window").asText());

            int clones = Integer.parseInt(opts.getOrDefault("clones", "3"));
            for (int i = 1; i <= clones; i++) {
                clone(api, url, "clone-" + i, rows, null);
            }
            JsonNode usage = api.call("GET", "/v1/usage?tenant=bench", null).ok().body();
            for (JsonNode c : usage.path("clusters")) {
                System.out.printf(Locale.ROOT, "storage charged to %s: %.1f MB%n", c.path("cluster").asText(), c.path("storageBytes").asLong() / 1e6);
            }
            clone(api, url, "clone-before-updates", rows, beforeUpdates);
            restore(api, url, "latest", Map.of("name", "latest"), rows);
            restore(api, url, "before-updates", Map.of("name", "before-updates", "toTime", beforeUpdates.toString()), rows);
            long began = System.nanoTime();
            api.call("POST", "/v1/clusters/bench/src/backtrack", Map.of("toTime", beforeUpdates.toString())).ok();
            JsonNode done = awaitDone(api, "src");
            System.out.printf(Locale.ROOT, "backtrack: %.2f s to fill, of which %.2f s rebuilding, %.2f s from the request%n",
                    done.path("restore").path("seconds").asDouble(), done.path("restore").path("rebuildSeconds").asDouble(),
                    (System.nanoTime() - began) / 1e9);
        }
        try (var files = Files.walk(data)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void insert(Connection c, int from, int rows) throws Exception {
        StringBuilder sql = new StringBuilder("insert into t values ");
        for (int i = 0; i < ROWS_PER_STATEMENT; i++) {
            sql.append(i == 0 ? "" : ",").append("(?, ?)");
        }
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int id = from; id < from + rows; id += ROWS_PER_STATEMENT) {
                for (int i = 0; i < ROWS_PER_STATEMENT; i++) {
                    ps.setInt(2 * i + 1, id + i);
                    ps.setString(2 * i + 2, randomText());
                }
                ps.executeUpdate();
            }
        }
    }

    private static Instant update(Connection c, int rows, int of) throws Exception {
        Instant sent = Instant.now();
        try (PreparedStatement ps = c.prepareStatement("update t set payload = ? where id = ?")) {
            for (int i = 0; i < rows; i++) {
                ps.setString(1, randomText());
                ps.setInt(2, ThreadLocalRandom.current().nextInt(of));
                sent = Instant.now();
                ps.executeUpdate();
            }
        }
        return sent;
    }

    /** Random letters: LZ4 barely compresses them, so megabytes are megabytes. */
    private static String randomText() {
        char[] c = new char[ROW_BYTES];
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < c.length; i++) {
            c[i] = (char) ('a' + r.nextInt(26));
        }
        return new String(c);
    }

    private static void restore(AdminClient api, String url, String what, Map<String, Object> body, int rows) throws Exception {
        long began = System.nanoTime();
        api.call("POST", "/v1/clusters/bench/src/restore", body).ok();
        JsonNode done = awaitDone(api, (String) body.get("name"));
        double total = (System.nanoTime() - began) / 1e9;
        long count;
        try (Connection c = DriverManager.getConnection(String.format(url, body.get("name")), "app", "bench-pass");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from t")) {
            rs.next();
            count = rs.getLong(1);
        }
        System.out.printf(Locale.ROOT, "restore %s: %.2f s to fill, of which %.2f s rebuilding from image and log (%.2f s from the request),"
                + " %d rows of %d%n", what, done.path("restore").path("seconds").asDouble(),
                done.path("restore").path("rebuildSeconds").asDouble(), total, count, rows);
    }

    /**
     * A copy-on-write clone of the source as it stands (or as of {@code asOf}, from the backup): the time until a point query on it answers
     * (the clone resumes for it), then a full scan (every page read cold from storage).
     */
    private static void clone(AdminClient api, String url, String name, int rows, Instant asOf) throws Exception {
        long began = System.nanoTime();
        JsonNode created = api.call("POST", "/v1/clusters/bench/src/clone",
                asOf == null ? Map.of("name", name) : Map.of("name", name, "toTime", asOf.toString())).ok().body();
        double createdAfter = (System.nanoTime() - began) / 1e9;
        try (Connection c = DriverManager.getConnection(String.format(url, name), "app", "bench-pass"); Statement s = c.createStatement()) {
            try (var rs = s.executeQuery("select length(payload) from t where id = " + rows / 2)) {
                if (!rs.next() || rs.getInt(1) != ROW_BYTES) {
                    throw new IllegalStateException("row " + rows / 2 + " of clone " + name + " is missing or wrong");
                }
            }
            double pointAfter = (System.nanoTime() - began) / 1e9;
            long scanStart = System.nanoTime();
            long count;
            try (var rs = s.executeQuery("select count(*), sum(length(payload)) from t")) {
                rs.next();
                count = rs.getLong(1);
            }
            System.out.printf(Locale.ROOT, "clone %s: created in %.3f s (source's writes held %.3f s), a point query answered %.3f s after"
                    + " the request; a full scan then took %.2f s (%d rows of %d, read cold)%n", name, createdAfter,
                    created.path("restore").path("sourceHeldSeconds").asDouble(), pointAfter, (System.nanoTime() - scanStart) / 1e9, count, rows);
        }
    }

    private static JsonNode awaitDone(AdminClient api, String cluster) throws Exception {
        while (true) {
            JsonNode view = api.call("GET", "/v1/clusters/bench/" + cluster, null).ok().body();
            if (view.path("restore").path("state").asText().equals("done")) {
                return view;
            }
            Thread.sleep(100);
        }
    }

    private static void awaitLatest(AdminClient api, Instant sent) throws Exception {
        for (int i = 0; i < 600; i++) {
            JsonNode b = api.call("GET", "/v1/clusters/bench/src/backups", null).ok().body();
            if (b.path("latestPoint").isTextual() && !Instant.parse(b.path("latestPoint").asText()).isBefore(sent)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the backup did not reach the last update");
    }
}
