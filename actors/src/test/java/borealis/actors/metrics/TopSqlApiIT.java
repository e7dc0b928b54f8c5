package borealis.actors.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.AdminClient;
import borealis.actors.testkit.InProcessNode;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Top SQL through the admin API: statements a client ran show up normalized (one entry whatever
 * the literals), counted and ordered as asked; bad parameters and unknown clusters are refused.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TopSqlApiIT {

    @TempDir
    static Path tmp;
    static InProcessNode node;
    static AdminClient admin;
    static final int ROWS = 60;

    @BeforeAll
    static void start() throws Exception {
        node = InProcessNode.start(tmp.resolve("data"));
        admin = node.admin();
        admin.createTenant("perf");
        admin.createCluster("perf", "app", "app", "s3cret-pass");
        try (Connection c = DriverManager.getConnection(node.jdbcUrl("perf", "app"), "app", "s3cret-pass");
             Statement s = c.createStatement()) {
            s.execute("create table items(id int primary key, name varchar(40) not null)");
            try (PreparedStatement ins = c.prepareStatement("insert into items values (?, ?)")) {
                for (int i = 1; i <= ROWS; i++) {
                    ins.setInt(1, i);
                    ins.setString(2, "item-" + i);
                    ins.executeUpdate();
                }
            }
            for (int i = 1; i <= 40; i++) {
                try (ResultSet rs = s.executeQuery("select name from items where id = " + i)) {
                    assertTrue(rs.next());
                }
            }
            for (int i = 0; i < 3; i++) {
                try (ResultSet rs = s.executeQuery("select id, name from items order by name")) {
                    int n = 0;
                    while (rs.next()) {
                        n++;
                    }
                    assertEquals(ROWS, n);
                }
            }
        }
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** Statements are observed as they finish; wait (bounded) until the inserts are all counted. */
    private static JsonNode topSql(String query) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JsonNode body;
        do {
            body = admin.call("GET", "/v1/clusters/perf/app/top-sql" + query, null).ok().body();
            if (calls(body, "INSERT INTO items VALUES ($1, $2)") >= ROWS || System.nanoTime() > deadline) {
                return body;
            }
            Thread.sleep(200);
        } while (true);
    }

    private static long calls(JsonNode body, String statement) {
        for (JsonNode e : body.get("statements")) {
            if (e.get("statement").asText().equalsIgnoreCase(statement)) {
                return e.get("calls").asLong();
            }
        }
        return -1;
    }

    private static List<String> texts(JsonNode body) {
        List<String> out = new ArrayList<>();
        body.get("statements").forEach(e -> out.add(e.get("statement").asText()));
        return out;
    }

    @Test
    void byCallsTheInsertAndTheNormalizedPointSelectLead() throws Exception {
        JsonNode body = topSql("?order=calls&limit=2");
        assertEquals("calls", body.get("order").asText());
        assertEquals(2, body.get("statements").size(), body.toString());
        assertEquals(ROWS, calls(body, "INSERT INTO items VALUES ($1, $2)"), body.toString());
        // 40 point selects with different literals are one statement, its literal replaced.
        assertEquals(40, calls(body, "SELECT name FROM items WHERE id = ?"), body.toString());
        for (String text : texts(body)) {
            assertFalse(text.matches(".*\\b(17|item-)\\b.*"), "no literal may survive: " + text);
        }
    }

    @Test
    void byRowsTheFullScanLeads() throws Exception {
        JsonNode body = topSql("?order=rows&limit=5");
        JsonNode first = body.get("statements").get(0);
        assertEquals("SELECT id, name FROM items ORDER BY name", first.get("statement").asText(), body.toString());
        assertEquals(3, first.get("calls").asLong());
        assertEquals(3 * ROWS, first.get("rows").asLong());
        long previous = Long.MAX_VALUE;
        for (JsonNode e : body.get("statements")) {
            assertTrue(e.get("rows").asLong() <= previous, "rows descending: " + body);
            previous = e.get("rows").asLong();
        }
    }

    @Test
    void byTimeByDefaultInDescendingOrder() throws Exception {
        JsonNode body = topSql("");
        assertEquals("time", body.get("order").asText());
        assertEquals(60, body.get("windowMinutes").asInt());
        assertTrue(body.get("statements").size() >= 3 && body.get("statements").size() <= 10, body.toString());
        double previous = Double.MAX_VALUE;
        for (JsonNode e : body.get("statements")) {
            assertTrue(e.get("totalSeconds").asDouble() <= previous, "time descending: " + body);
            assertTrue(e.get("totalSeconds").asDouble() > 0, body.toString());
            previous = e.get("totalSeconds").asDouble();
        }
    }

    @Test
    void badParametersUnknownClustersAndMissingTokensAreRefused() throws Exception {
        AdminClient.Response order = admin.call("GET", "/v1/clusters/perf/app/top-sql?order=latency", null);
        assertEquals(400, order.status());
        assertTrue(order.body().get("error").asText().contains("order must be time, calls or rows"), order.body().toString());
        AdminClient.Response limit = admin.call("GET", "/v1/clusters/perf/app/top-sql?limit=0", null);
        assertEquals(400, limit.status());
        assertTrue(limit.body().get("error").asText().contains("from 1 to 100"), limit.body().toString());
        assertEquals(400, admin.call("GET", "/v1/clusters/perf/app/top-sql?limit=ten", null).status());
        assertEquals(404, admin.call("GET", "/v1/clusters/perf/nope/top-sql", null).status());
        assertEquals(401, admin.call("GET", "/v1/clusters/perf/app/top-sql", null, null).status());
    }
}
