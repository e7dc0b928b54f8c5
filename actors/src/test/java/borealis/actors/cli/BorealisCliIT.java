package borealis.actors.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.CliRun;
import borealis.actors.testkit.InProcessNode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code borealis} CLI verbs against a running node: exit codes, JSON and table output, errors on stderr. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BorealisCliIT {

    @TempDir
    static Path tmp;
    static InProcessNode node;
    static final ObjectMapper JSON = new ObjectMapper();

    record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            try {
                return JSON.readTree(out);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new AssertionError("not JSON: " + out + err, e);
            }
        }
    }

    @BeforeAll
    static void start() throws Exception {
        node = InProcessNode.start(tmp.resolve("data"));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static Run run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--endpoint=http://127.0.0.1:" + node.node().adminPort());
        all.add("--token=test-token");
        CliRun.Result r = CliRun.run(all.toArray(new String[0]));
        return new Run(r.exit(), r.out(), r.err());
    }

    static Run ok(String... args) {
        Run r = run(args);
        assertEquals(0, r.exit(), String.join(" ", args) + "\n" + r.out() + r.err());
        return r;
    }

    @Test
    void tenantVerbs() throws Exception {
        assertEquals("acme", ok("tenant", "create", "acme", "--description", "ACME", "--max-clusters", "4", "--client-token", "t1")
                .json().get("name").asText());
        ok("tenant", "create", "acme", "--description", "ACME", "--max-clusters", "4", "--client-token", "t1");
        Run dup = run("tenant", "create", "acme");
        assertEquals(1, dup.exit());
        assertTrue(dup.err().contains("error (409): tenant acme already exists"), dup.err());
        assertEquals(4, ok("tenant", "describe", "acme").json().get("maxClusters").asInt());
        assertEquals("ACME Inc", ok("tenant", "modify", "acme", "--description", "ACME Inc").json().get("description").asText());
        String table = ok("tenant", "list", "--output", "table").out();
        assertTrue(table.startsWith("name "), table);
        assertTrue(table.contains("acme") && table.contains("ACME Inc"), table);
        ok("tenant", "create", "gone");
        ok("tenant", "delete", "gone");
        assertEquals(1, run("tenant", "describe", "gone").exit());
        assertEquals(2, run("tenant", "list", "--output", "yaml").exit() == 1 ? 2 : 0, "an unknown --output is refused");
    }

    @Test
    void clusterAndUserVerbs() throws Exception {
        ok("tenant", "create", "shop");
        JsonNode created = ok("cluster", "create", "--tenant", "shop", "--db-cluster-identifier", "orders", "--master-username", "app",
                "--master-user-password", "s3cret-pass", "--serverless-v2-scaling-configuration", "MinCapacity=0,MaxCapacity=8,SecondsUntilAutoPause=120")
                .json();
        assertEquals(0.0, created.get("minAcu").asDouble());
        assertEquals(8.0, created.get("maxAcu").asDouble());
        assertEquals(120, created.get("secondsUntilAutoPause").asInt());
        Run bad = run("cluster", "create", "--tenant", "shop", "--name", "bad", "--user", "app", "--password", "s3cret-pass", "--min-acu", "3",
                "--max-acu", "2");
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("must not exceed maxAcu"), bad.err());
        Run badAws = run("cluster", "modify", "--tenant", "shop", "--name", "orders", "--serverless-v2-scaling-configuration", "Max=3");
        assertTrue(badAws.exit() != 0 && badAws.err().contains("unknown scaling setting Max"), badAws.exit() + " " + badAws.out() + badAws.err());

        String describe = ok("cluster", "describe", "--tenant", "shop", "--name", "orders", "--output", "table").out();
        assertTrue(describe.contains("writerEndpoint") && describe.contains("shop.orders-ro") && describe.contains("limits.maxMemoryRows"), describe);
        assertEquals(4.0, ok("cluster", "modify", "--tenant", "shop", "--name", "orders", "--max-acu", "4").json().get("maxAcu").asDouble());
        assertEquals(1, ok("cluster", "list", "--tenant", "shop").json().get("clusters").size());
        assertEquals("[\"reader-2\"]", ok("cluster", "add-reader", "--tenant", "shop", "--name", "orders", "--number", "2").json().get("readers").toString());
        String endpoints = ok("cluster", "describe-endpoints", "--tenant", "shop", "--name", "orders", "--output", "table").out();
        assertTrue(endpoints.contains("tenant: shop") && endpoints.contains("shop.orders-ro") && endpoints.contains("reader-2"), endpoints);
        assertEquals("[]", ok("cluster", "remove-reader", "--tenant", "shop", "--name", "orders", "--number", "2").json().get("readers").toString());

        assertEquals("[\"app\",\"report\"]", ok("user", "create", "--tenant", "shop", "--cluster", "orders", "--username", "report",
                "--password", "report-pass").json().get("users").toString());
        ok("user", "rotate-password", "--tenant", "shop", "--cluster", "orders", "--username", "report", "--password", "report-pass-2");
        ok("user", "drop", "--tenant", "shop", "--cluster", "orders", "--username", "report");
        Run last = run("user", "drop", "--tenant", "shop", "--cluster", "orders", "--username", "app");
        assertTrue(last.exit() == 1 && last.err().contains("master user"), last.err());

        JsonNode usage = ok("usage", "--tenant", "shop", "--from", "2020-01-01T00:00:00Z", "--to", "2020-01-02T00:00:00Z").json();
        assertEquals("2020-01-01T00:00:00Z", usage.get("from").asText());
        assertTrue(ok("cluster", "scaling-events", "--tenant", "shop", "--name", "orders", "--output", "table").out().contains("tenant: shop"));

        // Top SQL: statements run through the proxy, normalized, as a table.
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(node.jdbcUrl("shop", "orders"), "app", "s3cret-pass");
             java.sql.Statement s = c.createStatement()) {
            for (int i = 0; i < 5; i++) {
                s.executeQuery("select " + i + " as n").close();
            }
        }
        String top = ok("cluster", "top-sql", "--tenant", "shop", "--name", "orders", "--order", "calls", "--limit", "3",
                "--output", "table").out();
        assertTrue(top.contains("order: calls") && top.contains("SELECT ? AS n") && top.contains("calls"), top);
        Run badOrder = run("cluster", "top-sql", "--tenant", "shop", "--name", "orders", "--order", "latency");
        assertEquals(1, badOrder.exit());
        assertTrue(badOrder.err().contains("(400)") && badOrder.err().contains("time, calls or rows"), badOrder.err());

        JsonNode deleted = ok("cluster", "delete", "--tenant", "shop", "--name", "orders", "--force").json();
        assertEquals("deleting", deleted.get("cluster").get("status").asText());
    }

    @Test
    void namesAreEncodedIntoPathsAndAnUnreachableNodeIsReported() {
        Run traversal = run("tenant", "describe", "../clusters");
        assertEquals(1, traversal.exit());
        assertTrue(traversal.err().contains("(400)") && traversal.err().contains("invalid"), traversal.err());
        Run unreachable = new CommandLine(new BorealisCli()).execute("tenant", "list", "--endpoint=http://127.0.0.1:1", "--token=x") == 2
                ? new Run(2, "", "") : new Run(-1, "", "");
        assertEquals(2, unreachable.exit());
    }
}
