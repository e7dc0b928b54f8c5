package borealis.actors.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.AdminClient;
import borealis.actors.testkit.AdminClient.Response;
import borealis.actors.testkit.InProcessNode;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every verb of the admin API and every rejection the issue lists, against one node: status
 * codes, messages that say what is allowed, idempotency with client tokens, and that a refused
 * request leaves nothing behind.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AdminApiIT {

    @TempDir
    static Path tmp;
    static InProcessNode node;
    static AdminClient api;

    @BeforeAll
    static void start() throws Exception {
        node = InProcessNode.start(tmp.resolve("data"), Map.of("borealis.control.default-max-clusters-per-tenant", 3));
        api = node.admin();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static Map<String, Object> cluster(String tenant, String name, Object... extra) {
        Map<String, Object> body = new HashMap<>(Map.of("tenant", tenant, "name", name, "masterUsername", "app", "masterPassword", "s3cret-pass"));
        for (int i = 0; i < extra.length; i += 2) {
            body.put((String) extra[i], extra[i + 1]);
        }
        return body;
    }

    private static void assertError(int status, String fragment, Response r) {
        assertEquals(status, r.status(), r.body().toString());
        assertTrue(r.body().has("error"), "errors are JSON {\"error\": ...}: " + r.body());
        assertTrue(r.body().get("error").asText().contains(fragment), "expected \"" + fragment + "\" in: " + r.body().get("error").asText());
    }

    @Test
    void everyCallNeedsTheBearerToken() throws Exception {
        for (String[] call : new String[][] {{"GET", "/v1/tenants"}, {"POST", "/v1/tenants"}, {"GET", "/v1/clusters"},
                {"DELETE", "/v1/clusters/a/b"}, {"GET", "/v1/usage?tenant=a"}, {"GET", "/v1/nothing-here"}}) {
            assertEquals(401, api.call(call[0], call[1], Map.of("name", "x"), null).status(), call[1]);
            assertError(401, "bearer token", api.call(call[0], call[1], Map.of("name", "x"), "wrong-token"));
        }
        assertEquals(404, api.call("GET", "/v1/tenants", null, null).status() == 401 ? 404 : 0);
        assertError(404, "no such endpoint", api.call("GET", "/nothing", null));
        assertEquals(405, api.call("PUT", "/v1/tenants", Map.of()).status());
    }

    @Test
    void tenantVerbs() throws Exception {
        Response created = api.call("POST", "/v1/tenants", Map.of("name", "acme", "description", "ACME Corp", "maxClusters", 5)).ok();
        assertEquals(201, created.status());
        assertEquals("acme", created.body().get("name").asText());
        assertEquals(5, created.body().get("maxClusters").asInt());

        assertError(409, "already exists", api.call("POST", "/v1/tenants", Map.of("name", "acme")));
        assertError(400, "lower-case letters", api.call("POST", "/v1/tenants", Map.of("name", "Acme")));
        assertError(400, "lower-case letters", api.call("POST", "/v1/tenants", Map.of("name", "acme.corp")));
        assertError(400, "required", api.call("POST", "/v1/tenants", Map.of("description", "no name")));
        assertError(400, "maxClusters must be between 1 and", api.call("POST", "/v1/tenants", Map.of("name", "zeta", "maxClusters", 0)));
        assertError(400, "Unrecognized field", api.call("POST", "/v1/tenants", Map.of("name", "zeta", "colour", "red")));
        assertEquals(404, api.call("GET", "/v1/tenants/zeta", null).status(), "nothing of a refused create is left");

        JsonNode described = api.call("GET", "/v1/tenants/acme", null).ok().body();
        assertEquals("ACME Corp", described.get("description").asText());
        assertError(404, "tenant nobody does not exist", api.call("GET", "/v1/tenants/nobody", null));
        assertError(400, "invalid", api.call("GET", "/v1/tenants/No%20Body", null));

        JsonNode modified = api.call("PATCH", "/v1/tenants/acme", Map.of("description", "ACME Inc", "maxClusters", 7)).ok().body();
        assertEquals("ACME Inc", modified.get("description").asText());
        assertEquals(7, modified.get("maxClusters").asInt());
        assertError(400, "nothing to modify", api.call("PATCH", "/v1/tenants/acme", Map.of()));
        assertError(404, "does not exist", api.call("PATCH", "/v1/tenants/nobody", Map.of("description", "x")));

        List<String> names = new ArrayList<>();
        api.call("GET", "/v1/tenants", null).ok().body().get("tenants").forEach(t -> names.add(t.get("name").asText()));
        assertTrue(names.contains("acme"), names.toString());

        api.call("POST", "/v1/tenants", Map.of("name", "shortlived")).ok();
        assertEquals(200, api.call("DELETE", "/v1/tenants/shortlived", null).ok().status());
        assertEquals(404, api.call("GET", "/v1/tenants/shortlived", null).status());
        names.clear();
        api.call("GET", "/v1/tenants", null).ok().body().get("tenants").forEach(t -> names.add(t.get("name").asText()));
        assertFalse(names.contains("shortlived"));
        assertError(404, "does not exist", api.call("DELETE", "/v1/tenants/shortlived", null));
        // The name is free again.
        api.call("POST", "/v1/tenants", Map.of("name", "shortlived")).ok();
    }

    @Test
    void creatingTwiceWithTheSameClientTokenIsIdempotent() throws Exception {
        Map<String, Object> tenant = Map.of("name", "idem", "clientToken", "req-1");
        Response first = api.call("POST", "/v1/tenants", tenant).ok();
        Response again = api.call("POST", "/v1/tenants", tenant).ok();
        assertEquals(first.body(), again.body());
        assertError(409, "different parameters", api.call("POST", "/v1/tenants", Map.of("name", "idem", "clientToken", "req-1",
                "description", "changed")));
        assertError(409, "already exists", api.call("POST", "/v1/tenants", Map.of("name", "idem", "clientToken", "req-2")));

        Map<String, Object> c = cluster("idem", "db", "clientToken", "c-1", "maxAcu", 8);
        Response made = api.call("POST", "/v1/clusters", c).ok();
        Response remade = api.call("POST", "/v1/clusters", c).ok();
        assertEquals(made.body(), remade.body());
        assertError(409, "different parameters", api.call("POST", "/v1/clusters", cluster("idem", "db", "clientToken", "c-1", "maxAcu", 16)));
        assertError(409, "different parameters", api.call("POST", "/v1/clusters",
                cluster("idem", "db", "clientToken", "c-1", "maxAcu", 8, "masterPassword", "another-pass")));
        assertError(409, "already exists", api.call("POST", "/v1/clusters", cluster("idem", "db")));
        assertEquals(1, api.call("GET", "/v1/clusters?tenant=idem", null).ok().body().get("clusters").size());
    }

    @Test
    void clusterCreationRejections() throws Exception {
        api.call("POST", "/v1/tenants", Map.of("name", "rej")).ok();
        assertError(404, "tenant ghost does not exist", api.call("POST", "/v1/clusters", cluster("ghost", "db")));
        assertError(400, "must not exceed maxAcu", api.call("POST", "/v1/clusters", cluster("rej", "db", "minAcu", 8, "maxAcu", 4)));
        assertError(400, "steps of 0.5", api.call("POST", "/v1/clusters", cluster("rej", "db", "minAcu", 0.3)));
        assertError(400, "steps of 0.5", api.call("POST", "/v1/clusters", cluster("rej", "db", "maxAcu", 2.25)));
        assertError(400, "between 0.5 and 256", api.call("POST", "/v1/clusters", cluster("rej", "db", "maxAcu", 512)));
        assertError(400, "secondsUntilAutoPause", api.call("POST", "/v1/clusters", cluster("rej", "db", "secondsUntilAutoPause", 0)));
        assertError(400, "connection strings", api.call("POST", "/v1/clusters", cluster("rej", "my.db")));
        assertError(400, "connection strings", api.call("POST", "/v1/clusters", cluster("rej", "my db")));
        assertError(400, "connection strings", api.call("POST", "/v1/clusters", cluster("rej", "DB")));
        assertError(400, "reader endpoint", api.call("POST", "/v1/clusters", cluster("rej", "db-ro")));
        assertError(400, "masterUsername", api.call("POST", "/v1/clusters", cluster("rej", "db", "masterUsername", "a-b")));
        assertError(400, "reserved", api.call("POST", "/v1/clusters", cluster("rej", "db", "masterUsername", "pg_admin")));
        assertError(400, "masterPassword must have 8", api.call("POST", "/v1/clusters", cluster("rej", "db", "masterPassword", "short")));
        assertError(400, "Unrecognized field", api.call("POST", "/v1/clusters", cluster("rej", "db", "engine", "mysql")));
        assertError(400, "minAcu", api.call("POST", "/v1/clusters", cluster("rej", "db", "minAcu", "lots")));
        assertError(400, "malformed", api.callRaw("POST", "/v1/clusters", "{\"tenant\": \"rej\", "));
        assertEquals(0, api.call("GET", "/v1/clusters?tenant=rej", null).ok().body().get("clusters").size(), "nothing half-created");
        assertEquals(0, api.call("GET", "/v1/tenants/rej", null).ok().body().get("clusters").size());

        // The tenant's quota (3 by this node's default): the fourth is refused and leaves no trace.
        for (String n : List.of("c1", "c2", "c3")) {
            api.call("POST", "/v1/clusters", cluster("rej", n)).ok();
        }
        assertError(409, "quota of 3", api.call("POST", "/v1/clusters", cluster("rej", "c4")));
        assertError(404, "does not exist", api.call("GET", "/v1/clusters/rej/c4", null));
        assertEquals(3, api.call("GET", "/v1/tenants/rej", null).ok().body().get("clusters").size());
        assertError(409, "cannot be lower", api.call("PATCH", "/v1/tenants/rej", Map.of("maxClusters", 2)));
        assertError(409, "still owns clusters", api.call("DELETE", "/v1/tenants/rej", null));
    }

    @Test
    void describeListAndModifyClusters() throws Exception {
        api.call("POST", "/v1/tenants", Map.of("name", "mod")).ok();
        JsonNode c = api.call("POST", "/v1/clusters", cluster("mod", "db", "minAcu", 0, "maxAcu", 2, "secondsUntilAutoPause", 60)).ok().body();
        assertEquals("available", c.get("status").asText());
        assertEquals(0.0, c.get("minAcu").asDouble());
        assertEquals("mod.db", c.get("writerEndpoint").asText());
        assertEquals("mod.db-ro", c.get("readerEndpoint").asText());
        assertEquals("[\"app\"]", c.get("users").toString());
        assertFalse(c.toString().contains("s3cret") || c.toString().contains("engineSecret"), "no secrets in the API: " + c);

        JsonNode m = api.call("PATCH", "/v1/clusters/mod/db", Map.of("minAcu", 1, "maxAcu", 8, "secondsUntilAutoPause", 600)).ok().body();
        assertEquals(1.0, m.get("minAcu").asDouble());
        assertEquals(8.0, m.get("maxAcu").asDouble());
        assertEquals(600, m.get("secondsUntilAutoPause").asInt());
        JsonNode onlyMax = api.call("PATCH", "/v1/clusters/mod/db", Map.of("maxAcu", 16)).ok().body();
        assertEquals(1.0, onlyMax.get("minAcu").asDouble(), "unset values stay");
        assertEquals(16.0, onlyMax.get("maxAcu").asDouble());
        assertError(400, "must not exceed maxAcu", api.call("PATCH", "/v1/clusters/mod/db", Map.of("minAcu", 32)));
        assertError(400, "must not exceed maxAcu", api.call("PATCH", "/v1/clusters/mod/db", Map.of("minAcu", 4, "maxAcu", 2)));
        assertError(400, "steps of 0.5", api.call("PATCH", "/v1/clusters/mod/db", Map.of("maxAcu", 3.7)));
        assertError(400, "nothing to modify", api.call("PATCH", "/v1/clusters/mod/db", Map.of()));
        assertError(404, "does not exist", api.call("PATCH", "/v1/clusters/mod/nope", Map.of("maxAcu", 4)));
        assertEquals(16.0, api.call("GET", "/v1/clusters/mod/db", null).ok().body().get("maxAcu").asDouble(), "refusals change nothing");

        assertEquals(1, api.call("GET", "/v1/clusters?tenant=mod", null).ok().body().get("clusters").size());
        assertError(404, "does not exist", api.call("GET", "/v1/clusters?tenant=ghost", null));
        assertTrue(api.call("GET", "/v1/clusters", null).ok().body().get("clusters").size() >= 1);
        assertError(404, "does not exist", api.call("GET", "/v1/clusters/mod/nope", null));
        assertError(400, "invalid", api.call("GET", "/v1/clusters/mod/No.pe", null));
    }

    @Test
    void readersAndEndpoints() throws Exception {
        api.call("POST", "/v1/tenants", Map.of("name", "rd")).ok();
        api.call("POST", "/v1/clusters", cluster("rd", "db")).ok();
        JsonNode endpoints = api.call("GET", "/v1/clusters/rd/db/endpoints", null).ok().body().get("endpoints");
        assertEquals("writer", endpoints.get(0).get("type").asText());
        assertEquals("rd.db", endpoints.get(0).get("database").asText());
        assertEquals(node.pgPort(), endpoints.get(0).get("port").asInt());
        assertEquals("available", endpoints.get(0).get("status").asText());
        assertEquals("rd.db-ro", endpoints.get(1).get("database").asText());
        assertEquals("no-instances", endpoints.get(1).get("status").asText());

        assertEquals("[\"reader-1\"]", api.call("POST", "/v1/clusters/rd/db/readers", null).ok().body().get("readers").toString());
        assertEquals("[\"reader-1\",\"reader-5\"]",
                api.call("POST", "/v1/clusters/rd/db/readers", Map.of("number", 5)).ok().body().get("readers").toString());
        assertEquals("[\"reader-1\",\"reader-2\",\"reader-5\"]",
                api.call("POST", "/v1/clusters/rd/db/readers", Map.of()).ok().body().get("readers").toString());
        assertError(409, "already has reader instance 5", api.call("POST", "/v1/clusters/rd/db/readers", Map.of("number", 5)));
        assertError(400, "between 1 and 15", api.call("POST", "/v1/clusters/rd/db/readers", Map.of("number", 16)));
        assertError(400, "between 1 and 15", api.call("POST", "/v1/clusters/rd/db/readers", Map.of("number", 0)));
        for (int i = 0; i < 12; i++) {
            api.call("POST", "/v1/clusters/rd/db/readers", null).ok();
        }
        assertError(409, "maximum of 15", api.call("POST", "/v1/clusters/rd/db/readers", null));
        assertEquals(15, api.call("GET", "/v1/clusters/rd/db", null).ok().body().get("readers").size());
        assertEquals(14, api.call("DELETE", "/v1/clusters/rd/db/readers/reader-5", null).ok().body().get("readers").size());
        assertEquals(13, api.call("DELETE", "/v1/clusters/rd/db/readers/7", null).ok().body().get("readers").size());
        assertError(404, "has no reader instance 7", api.call("DELETE", "/v1/clusters/rd/db/readers/7", null));
        assertError(400, "reader instance must be", api.call("DELETE", "/v1/clusters/rd/db/readers/seven", null));

        JsonNode reader = api.call("GET", "/v1/clusters/rd/db/endpoints", null).ok().body().get("endpoints").get(1);
        assertEquals(13, reader.get("instances").size());
        assertEquals("available", reader.get("status").asText(), "compute nodes run reader instances");

        // The reader endpoint reaches one of the readers (see ReaderInstanceIT for what they serve).
        try (java.sql.Connection ro = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + node.pgPort() + "/rd.db-ro?sslmode=disable", "app", "s3cret-pass");
             java.sql.ResultSet one = ro.createStatement().executeQuery("select 1")) {
            assertTrue(one.next());
        }
        api.call("POST", "/v1/tenants", Map.of("name", "rd2")).ok();
        api.call("POST", "/v1/clusters", cluster("rd2", "db")).ok();
        SQLException none = assertThrows(SQLException.class, () -> DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + node.pgPort() + "/rd2.db-ro?sslmode=disable", "app", "s3cret-pass").close());
        assertTrue(none.getMessage().contains("has no reader instances"), none.getMessage());
    }

    @Test
    void databaseUsers() throws Exception {
        api.call("POST", "/v1/tenants", Map.of("name", "usr")).ok();
        api.call("POST", "/v1/clusters", cluster("usr", "db")).ok();
        String url = node.jdbcUrl("usr", "db");
        JsonNode made = api.call("POST", "/v1/clusters/usr/db/users", Map.of("username", "reporting", "password", "first-password")).ok().body();
        assertEquals("[\"app\",\"reporting\"]", made.get("users").toString());
        assertError(409, "already exists", api.call("POST", "/v1/clusters/usr/db/users", Map.of("username", "reporting", "password", "x".repeat(9))));
        assertError(400, "username", api.call("POST", "/v1/clusters/usr/db/users", Map.of("username", "bad name", "password", "x".repeat(9))));
        assertError(400, "password must have", api.call("POST", "/v1/clusters/usr/db/users", Map.of("username", "u2", "password", "x")));
        assertError(404, "does not exist", api.call("POST", "/v1/clusters/usr/nope/users", Map.of("username", "u2", "password", "x".repeat(9))));

        try (Connection c = DriverManager.getConnection(url, "reporting", "first-password"); Statement s = c.createStatement()) {
            s.execute("select 1");
            // Rotation: new logins need the new password; this open session stays.
            api.call("PUT", "/v1/clusters/usr/db/users/reporting/password", Map.of("password", "second-password")).ok();
            assertEquals("28P01", assertThrows(SQLException.class, () -> DriverManager.getConnection(url, "reporting", "first-password").close())
                    .getSQLState());
            DriverManager.getConnection(url, "reporting", "second-password").close();
            s.execute("select 2");
        }
        assertError(404, "has no user ghost", api.call("PUT", "/v1/clusters/usr/db/users/ghost/password", Map.of("password", "x".repeat(9))));
        assertError(400, "password must have", api.call("PUT", "/v1/clusters/usr/db/users/reporting/password", Map.of("password", "x")));

        assertEquals("[\"app\"]", api.call("DELETE", "/v1/clusters/usr/db/users/reporting", null).ok().body().get("users").toString());
        assertEquals("28P01", assertThrows(SQLException.class, () -> DriverManager.getConnection(url, "reporting", "second-password").close())
                .getSQLState());
        assertError(404, "has no user reporting", api.call("DELETE", "/v1/clusters/usr/db/users/reporting", null));
        assertError(409, "master user", api.call("DELETE", "/v1/clusters/usr/db/users/app", null));
    }

    @Test
    void usageAndScalingEvents() throws Exception {
        api.call("POST", "/v1/tenants", Map.of("name", "use")).ok();
        api.call("POST", "/v1/clusters", cluster("use", "db")).ok();
        try (Connection c = DriverManager.getConnection(node.jdbcUrl("use", "db"), "app", "s3cret-pass"); Statement s = c.createStatement()) {
            s.execute("create table t(id int primary key, v varchar(100))");
            try (var ins = c.prepareStatement("insert into t values (?, ?)")) {
                for (int i = 0; i < 2000; i++) {
                    ins.setInt(1, i);
                    ins.setString(2, "x".repeat(100));
                    ins.addBatch();
                }
                ins.executeBatch();
            }
        }
        JsonNode usage = api.call("GET", "/v1/usage?tenant=use", null).ok().body();
        assertEquals("use", usage.get("tenant").asText());
        assertTrue(usage.get("storageBytes").asLong() > 100_000, usage.toString());
        assertEquals(1, usage.get("clusters").size());
        assertTrue(usage.get("acuSeconds").asDouble() >= 0, "the capacity service meters ACU-seconds: " + usage);
        assertFalse(usage.has("acuSecondsNote"));
        assertEquals("db", usage.get("clusters").get(0).get("cluster").asText());
        JsonNode one = api.call("GET", "/v1/usage?tenant=use&cluster=db&from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z", null).ok().body();
        assertEquals("2020-01-01T00:00:00Z", one.get("from").asText());
        assertError(400, "must be before", api.call("GET", "/v1/usage?tenant=use&from=2020-01-02T00:00:00Z&to=2020-01-01T00:00:00Z", null));
        assertError(400, "ISO-8601", api.call("GET", "/v1/usage?tenant=use&from=yesterday", null));
        assertError(400, "at most 366 days", api.call("GET", "/v1/usage?tenant=use&from=2000-01-01T00:00:00Z", null));
        assertError(400, "tenant parameter is required", api.call("GET", "/v1/usage", null));
        assertError(404, "does not exist", api.call("GET", "/v1/usage?tenant=ghost", null));
        assertError(404, "does not exist", api.call("GET", "/v1/usage?tenant=use&cluster=ghost", null));

        JsonNode events = api.call("GET", "/v1/clusters/use/db/scaling-events", null).ok().body().get("events");
        assertTrue(events.size() >= 1 && events.get(0).get("kind").asText().equals("resume"), "the first connect resumed it: " + events);
        assertEquals(0, api.call("GET", "/v1/clusters/use/db/scaling-events?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z", null)
                .ok().body().get("events").size(), "nothing in a range before it existed");
        JsonNode described = api.call("GET", "/v1/clusters/use/db", null).ok().body();
        assertEquals("running", described.get("compute").get("state").asText(), described.toString());
        assertError(404, "does not exist", api.call("GET", "/v1/clusters/use/ghost/scaling-events", null));
    }

    @Test
    void deletingAClusterWithOpenSessionsNeedsForce() throws Exception {
        api.call("POST", "/v1/tenants", Map.of("name", "del")).ok();
        api.call("POST", "/v1/clusters", cluster("del", "db")).ok();
        try (Connection c = DriverManager.getConnection(node.jdbcUrl("del", "db"), "app", "s3cret-pass"); Statement s = c.createStatement()) {
            s.execute("create table t(i int)");
            assertError(409, "1 open session", api.call("DELETE", "/v1/clusters/del/db", null));
            assertEquals("available", api.call("GET", "/v1/clusters/del/db", null).ok().body().get("status").asText());
            s.execute("insert into t values (1)");

            JsonNode deleted = api.call("DELETE", "/v1/clusters/del/db?force=true", null).ok().body();
            assertEquals("[\"del/db\"]", deleted.get("stoppedInstances").toString());
            assertTrue(deleted.has("storagePurgeAt"));
            SQLException closed = assertThrows(SQLException.class, () -> s.execute("select * from t"));
            assertTrue(closed.getSQLState().startsWith("08") || closed.getSQLState().startsWith("57"), closed.getSQLState());
        }
        assertFalse(api.call("GET", "/v1/tenants/del", null).ok().body().get("clusters").toString().contains("db"));
        // A deleted cluster has no users left: the login fails as for any cluster that does not exist (28P01,
        // which does not tell whether it ever did).
        assertEquals("28P01", assertThrows(SQLException.class,
                () -> DriverManager.getConnection(node.jdbcUrl("del", "db"), "app", "s3cret-pass").close()).getSQLState());
        assertError(404, "does not exist", api.call("DELETE", "/v1/clusters/del/never", null));

        // With no session open, no force is needed.
        api.call("POST", "/v1/clusters", cluster("del", "idle")).ok();
        assertEquals(200, api.call("DELETE", "/v1/clusters/del/idle", null).ok().status());
    }
}
