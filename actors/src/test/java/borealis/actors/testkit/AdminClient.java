package borealis.actors.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A small client of the admin API for tests. */
public final class AdminClient {

    /** A response: status and parsed JSON body. */
    public record Response(int status, JsonNode body) {
        public Response ok() {
            if (status >= 300) {
                throw new AssertionError("admin API answered " + status + ": " + body);
            }
            return this;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String base;
    private final String token;
    private final HttpClient http = HttpClient.newHttpClient();

    public AdminClient(String base, String token) {
        this.base = base;
        this.token = token;
    }

    public Response call(String method, String path, Object body, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json");
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), parse(r.body()));
    }

    /** Sends {@code body} as it is (for malformed requests). */
    public Response callRaw(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token);
        b.method(method, HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), parse(r.body()));
    }

    private static JsonNode parse(String body) {
        if (body.isEmpty()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            return JSON.createObjectNode().put("unparsed", body);
        }
    }

    public Response call(String method, String path, Object body) throws Exception {
        return call(method, path, body, token);
    }

    public void createTenant(String name) throws Exception {
        call("POST", "/v1/tenants", Map.of("name", name)).ok();
    }

    public void createCluster(String tenant, String name, String user, String password) throws Exception {
        call("POST", "/v1/clusters", Map.of("tenant", tenant, "name", name, "masterUsername", user, "masterPassword", password)).ok();
    }
}
