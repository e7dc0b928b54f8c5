package borealis.actors.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {

    @TempDir
    Path dir;

    private AuditLog log(long maxFileSize) {
        return new AuditLog(ConfigFactory.parseMap(Map.of("enabled", true, "file", dir.resolve("audit.jsonl").toString(),
                "max-file-size", maxFileSize, "max-files", 2)), "node-1");
    }

    @Test
    void writesOneJsonObjectPerEventWithTenantUserSourceAndOutcome() throws Exception {
        AuditLog audit = log(1 << 20);
        audit.authentication("acme", "orders", "app", "10.0.0.7:5000", AuditLog.Outcome.FAILURE, "password authentication failed");
        audit.statement("acme", "orders", "app", "10.0.0.7:5000", "CREATE ALIAS x AS '...'", "90040", "Admin rights are required");
        audit.statement("acme", "orders", "app", "10.0.0.7:5000", "CREATE TABLE t(i int)", null, null);
        audit.admin("acme", null, "admin", "127.0.0.1:1234", "DELETE", "/v1/tenants/acme", 409);
        audit.close();
        List<String> lines = Files.readAllLines(dir.resolve("audit.jsonl"));
        assertEquals(4, lines.size());
        ObjectMapper json = new ObjectMapper();
        JsonNode auth = json.readTree(lines.get(0));
        assertEquals("authentication", auth.get("kind").asText());
        assertEquals("acme", auth.get("tenant").asText());
        assertEquals("orders", auth.get("cluster").asText());
        assertEquals("app", auth.get("user").asText());
        assertEquals("10.0.0.7:5000", auth.get("source").asText());
        assertEquals("failure", auth.get("outcome").asText());
        assertEquals("node-1", auth.get("node").asText());
        assertTrue(auth.has("ts"));
        assertEquals("denied", json.readTree(lines.get(1)).get("outcome").asText());
        assertEquals("success", json.readTree(lines.get(2)).get("outcome").asText());
        JsonNode admin = json.readTree(lines.get(3));
        assertEquals("failure", admin.get("outcome").asText());
        assertEquals(409, admin.get("status").asInt());
        assertFalse(admin.has("cluster"), "absent values are left out");
    }

    @Test
    void rollsOverAndKeepsAFixedNumberOfFiles() throws Exception {
        AuditLog audit = log(2000);
        for (int i = 0; i < 200; i++) {
            audit.admin("acme", null, "admin", "127.0.0.1", "GET", "/v1/tenants/acme", 200);
        }
        audit.close();
        assertTrue(Files.exists(dir.resolve("audit.jsonl")));
        assertTrue(Files.exists(dir.resolve("audit.jsonl.1")));
        assertTrue(Files.exists(dir.resolve("audit.jsonl.2")));
        assertFalse(Files.exists(dir.resolve("audit.jsonl.3")));
        assertTrue(Files.size(dir.resolve("audit.jsonl.1")) < 2000 + 300);
    }
}
