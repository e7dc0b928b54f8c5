package borealis.actors.admin;

import borealis.actors.audit.AuditLog;
import borealis.actors.control.ApiException;
import borealis.actors.control.ControlPlane;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * The HTTP/JSON admin API, with the verbs of {@code aws rds} in resource form. Every call needs
 * {@code Authorization: Bearer <token>} (401 otherwise, answered from the headers alone: the body
 * of an unauthenticated request is never read, nor a 100 Continue sent for it) and is written to
 * the audit log; errors
 * come back as {@code {"error": "..."}} with a 4xx status that says what was wrong and what is
 * allowed (a 503 when the control plane did not answer).
 *
 * <pre>
 *  POST   /v1/tenants                                  {"name","description","maxClusters","clientToken"}     create-tenant
 *  GET    /v1/tenants                                                                                          list-tenants
 *  GET    /v1/tenants/{t}                                                                                      describe-tenant
 *  PATCH  /v1/tenants/{t}                              {"description","maxClusters"}                           modify-tenant
 *  DELETE /v1/tenants/{t}                                                                                      delete-tenant
 *  POST   /v1/clusters                                 {"tenant","name","masterUsername","masterPassword",
 *                                                       "minAcu","maxAcu","secondsUntilAutoPause","clientToken"} create-db-cluster
 *  GET    /v1/clusters[?tenant=]                                                                               list-db-clusters
 *  GET    /v1/clusters/{t}/{c}                                                                                 describe-db-cluster
 *  PATCH  /v1/clusters/{t}/{c}                         {"minAcu","maxAcu","secondsUntilAutoPause"}            modify-db-cluster
 *  DELETE /v1/clusters/{t}/{c}[?force=true]                                                                    delete-db-cluster
 *  GET    /v1/clusters/{t}/{c}/endpoints                                                                       describe-endpoints
 *  POST   /v1/clusters/{t}/{c}/restore                 {"name","toTime"|"toLsn","masterPassword"}              restore-db-cluster-to-point-in-time
 *  POST   /v1/clusters/{t}/{c}/backtrack               {"toTime"}                                              backtrack-db-cluster
 *  POST   /v1/clusters/{t}/{c}/clone                   {"name"}                                                create a copy-on-write clone
 *  GET    /v1/clusters/{t}/{c}/backups                                                                         describe-backups
 *  POST   /v1/clusters/{t}/{c}/readers                 {"number"} (optional, 1..15)                            add-reader
 *  DELETE /v1/clusters/{t}/{c}/readers/{n|reader-n}                                                            remove-reader
 *  POST   /v1/clusters/{t}/{c}/users                   {"username","password"}                                 create-user
 *  DELETE /v1/clusters/{t}/{c}/users/{u}                                                                       drop-user
 *  PUT    /v1/clusters/{t}/{c}/users/{u}/password      {"password"}                                            rotate-password
 *  GET    /v1/clusters/{t}/{c}/scaling-events[?from=&to=]                                                      scaling-events
 *  GET    /v1/clusters/{t}/{c}/top-sql[?order=time|calls|rows&limit=1..100]                                      top-sql
 *  GET    /v1/usage?tenant=[&cluster=][&from=&to=]                                                             usage
 * </pre>
 */
public final class AdminRoutes extends AllDirectives {

    /** The admin API has one identity: whoever holds the token. */
    static final String ADMIN_USER = "admin";
    private static final Duration BODY_TIMEOUT = Duration.ofSeconds(10);

    private final ControlPlane control;
    private final byte[] token;
    private final AuditLog audit;
    private final ObjectMapper json = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL);

    public AdminRoutes(ControlPlane control, String token, AuditLog audit) {
        this.control = control;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.audit = audit;
    }

    public Route routes() {
        return extractClientIP(ip -> authorized(ip, () -> toStrictEntity(BODY_TIMEOUT, () -> audited(ip,
                () -> handleExceptions(exceptions(), () -> handleRejections(rejections(),
                        () -> pathPrefix("v1", () -> concat(tenants(), clusters(), usage())))))
                .orElse(error(StatusCodes.NOT_FOUND, "no such endpoint; the API lives under /v1")))));
    }

    private Route tenants() {
        return pathPrefix("tenants", () -> concat(
                pathEndOrSingleSlash(() -> concat(
                        post(() -> body(ControlPlane.NewTenant.class, t -> reply(StatusCodes.CREATED, control.createTenant(t)))),
                        get(() -> reply(StatusCodes.OK, control.listTenants().thenApply(list -> Map.of("tenants", list)))))),
                path(name -> concat(
                        get(() -> reply(StatusCodes.OK, control.describeTenant(name))),
                        patch(() -> body(ControlPlane.ModifyTenant.class, m -> reply(StatusCodes.OK, control.modifyTenant(name, m)))),
                        delete(() -> reply(StatusCodes.OK, control.deleteTenant(name)))))));
    }

    private Route clusters() {
        return pathPrefix("clusters", () -> concat(
                pathEndOrSingleSlash(() -> concat(
                        post(() -> body(ControlPlane.NewCluster.class, c -> reply(StatusCodes.CREATED, control.createCluster(c)))),
                        get(() -> parameterOptional("tenant", tenant -> reply(StatusCodes.OK,
                                control.listClusters(tenant.orElse(null)).thenApply(list -> Map.of("clusters", list))))))),
                pathPrefix(tenant -> pathPrefix(name -> cluster(tenant, name)))));
    }

    private Route cluster(String tenant, String name) {
        return concat(
                pathEndOrSingleSlash(() -> concat(
                        get(() -> reply(StatusCodes.OK, control.describeCluster(tenant, name))),
                        patch(() -> body(ControlPlane.ModifyCluster.class, m -> reply(StatusCodes.OK, control.modifyCluster(tenant, name, m)))),
                        delete(() -> parameterOptional("force", force -> reply(StatusCodes.OK,
                                control.deleteCluster(tenant, name, force.map(Boolean::parseBoolean).orElse(false))))))),
                path("endpoints", () -> get(() -> reply(StatusCodes.OK, control.describeEndpoints(tenant, name)))),
                path("scaling-events", () -> get(() -> range((from, to) ->
                        reply(StatusCodes.OK, control.scalingEvents(tenant, name, from, to))))),
                path("top-sql", () -> get(() -> parameterOptional("order", order -> parameterOptional("limit", limit ->
                        reply(StatusCodes.OK, control.topSql(tenant, name, order.orElse(null), limit.orElse(null))))))),
                path("restore", () -> post(() -> body(ControlPlane.NewRestore.class,
                        r -> reply(StatusCodes.CREATED, control.restoreCluster(tenant, name, r))))),
                path("clone", () -> post(() -> body(ControlPlane.NewClone.class,
                        c -> reply(StatusCodes.CREATED, control.cloneCluster(tenant, name, c))))),
                path("backtrack", () -> post(() -> body(ControlPlane.NewBacktrack.class,
                        b -> reply(StatusCodes.OK, control.backtrackCluster(tenant, name, b))))),
                path("backups", () -> get(() -> reply(StatusCodes.OK, control.describeBackups(tenant, name)))),
                path("storage-check", () -> get(() -> reply(StatusCodes.OK, control.checkStorage(tenant, name)))),
                pathPrefix("readers", () -> readers(tenant, name)),
                pathPrefix("users", () -> users(tenant, name)));
    }

    private Route readers(String tenant, String name) {
        return concat(
                pathEndOrSingleSlash(() -> post(() -> optionalBody(ControlPlane.NewReader.class,
                        r -> reply(StatusCodes.CREATED, control.addReader(tenant, name, r))))),
                path(reader -> delete(() -> readerNumber(reader, n -> reply(StatusCodes.OK, control.removeReader(tenant, name, n))))));
    }

    private Route users(String tenant, String name) {
        return concat(
                pathEndOrSingleSlash(() -> post(() -> body(ControlPlane.NewUser.class,
                        u -> reply(StatusCodes.CREATED, control.createUser(tenant, name, u))))),
                pathPrefix(user -> concat(
                        pathEndOrSingleSlash(() -> delete(() -> reply(StatusCodes.OK, control.dropUser(tenant, name, user)))),
                        path("password", () -> put(() -> body(ControlPlane.NewPassword.class,
                                p -> reply(StatusCodes.OK, control.rotatePassword(tenant, name, user, p))))))));
    }

    /** The optional {@code from} and {@code to} query parameters (null when absent). */
    private Route range(java.util.function.BiFunction<String, String, Route> inner) {
        return parameterOptional("from", from -> parameterOptional("to", to -> inner.apply(from.orElse(null), to.orElse(null))));
    }

    private Route usage() {
        return path("usage", () -> get(() -> parameterOptional("tenant", tenant -> parameterOptional("cluster", cluster -> range((from, to) ->
                tenant.isEmpty()
                        ? error(StatusCodes.BAD_REQUEST, "the tenant parameter is required: /v1/usage?tenant=<tenant>[&cluster=<cluster>]")
                        : reply(StatusCodes.OK, control.usage(tenant.get(), cluster.orElse(null), from, to)))))));
    }

    private Route readerNumber(String segment, Function<Integer, Route> inner) {
        String digits = segment.startsWith("reader-") ? segment.substring("reader-".length()) : segment;
        try {
            return inner.apply(Integer.parseInt(digits));
        } catch (NumberFormatException e) {
            return error(StatusCodes.BAD_REQUEST, "reader instance must be a number 1..15 or reader-<n>, got \"" + segment + "\"");
        }
    }

    // ---- plumbing ----

    private <T> Route body(Class<T> type, Function<T, Route> inner) {
        return optionalBody(type, value -> value == null
                ? error(StatusCodes.BAD_REQUEST, "a JSON object is required as the request body")
                : inner.apply(value));
    }

    /** A body that may be absent (an empty request means "all defaults"). */
    private <T> Route optionalBody(Class<T> type, Function<T, Route> inner) {
        return entity(Unmarshaller.entityToString(), text -> {
            if (text.isBlank()) {
                return inner.apply(null);
            }
            try {
                return inner.apply(json.readValue(text, type));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return error(StatusCodes.BAD_REQUEST, "malformed JSON body: " + jsonProblem(e));
            }
        });
    }

    /** Jackson's own words name the expected type; the field it happened in is added, the class names dropped. */
    private static String jsonProblem(com.fasterxml.jackson.core.JsonProcessingException e) {
        String message = e.getOriginalMessage().replaceAll("\\s*\\(class [^)]*\\)", "");
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m && !m.getPath().isEmpty()
                && m.getPath().get(0).getFieldName() != null && !message.startsWith("Unrecognized field")) {
            return "field \"" + m.getPath().get(0).getFieldName() + "\": " + message;
        }
        return message;
    }

    /**
     * The token is checked before anything reads the request's body: an unauthenticated client
     * cannot make the node buffer one (the refusal is audited with what the path and query say).
     */
    private Route authorized(RemoteAddress ip, Supplier<Route> inner) {
        return optionalHeaderValueByName("Authorization", header -> {
            String value = header.orElse("");
            boolean ok = value.startsWith("Bearer ")
                    && MessageDigest.isEqual(value.substring(7).trim().getBytes(StandardCharsets.UTF_8), token);
            if (ok) {
                return inner.get();
            }
            return extractRequest(request -> {
                String[] subject = subject(request, false);
                audit.admin(subject[0], subject[1], ADMIN_USER, source(ip), request.method().name(), request.getUri().path(),
                        StatusCodes.UNAUTHORIZED.intValue());
                return error(StatusCodes.UNAUTHORIZED, "missing or wrong bearer token (Authorization: Bearer <token>)");
            });
        });
    }

    private <T> Route reply(StatusCode success, CompletionStage<T> result) {
        return onComplete(result, outcome -> {
            if (outcome.isSuccess()) {
                return complete(success, outcome.get(), Jackson.marshaller(json));
            }
            Throwable t = outcome.failed().get();
            while (t instanceof CompletionException && t.getCause() != null) {
                t = t.getCause();
            }
            if (t instanceof ApiException e) {
                return error(StatusCodes.get(e.status), e.getMessage());
            }
            return error(StatusCodes.SERVICE_UNAVAILABLE, "the control plane did not answer: " + t.getMessage());
        });
    }

    private Route error(StatusCode status, String message) {
        return complete(status, Map.of("error", message), Jackson.marshaller(json));
    }

    /** Pekko's rejections (malformed JSON, wrong method, unknown parameter...) with their text as a JSON error. */
    private RejectionHandler rejections() {
        RejectionHandler notFound = RejectionHandler.newBuilder()
                .handleNotFound(error(StatusCodes.NOT_FOUND, "no such endpoint: see the list of verbs under /v1 in the README"))
                .build();
        return notFound.withFallback(RejectionHandler.defaultHandler()).mapRejectionResponse(response -> {
            if (response.entity() instanceof HttpEntity.Strict strict && !strict.getContentType().equals(ContentTypes.APPLICATION_JSON)) {
                String text = strict.getData().utf8String();
                try {
                    return response.withEntity(ContentTypes.APPLICATION_JSON, json.writeValueAsBytes(Map.of("error", text)));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    return response;
                }
            }
            return response;
        });
    }

    private ExceptionHandler exceptions() {
        return ExceptionHandler.newBuilder()
                .match(ApiException.class, e -> error(StatusCodes.get(e.status), e.getMessage()))
                .match(RuntimeException.class, e -> error(StatusCodes.INTERNAL_SERVER_ERROR, "internal error: " + e))
                .build();
    }

    /** Writes every authorized request to the audit log with the tenant and cluster it concerns and its status (never its body). */
    private Route audited(RemoteAddress ip, Supplier<Route> inner) {
        return extractRequest(request -> mapResponse(response -> {
            String[] subject = subject(request, true);
            audit.admin(subject[0], subject[1], ADMIN_USER, source(ip), request.method().name(), request.getUri().path(),
                    response.status().intValue());
            return response;
        }, inner));
    }

    /** {tenant, cluster} a request concerns: from its path, its query, or (for creations, when {@code body}) its body. */
    private String[] subject(HttpRequest request, boolean body) {
        String[] parts = request.getUri().path().split("/");
        String tenant = null;
        String cluster = null;
        if (parts.length > 3 && parts[1].equals("v1") && (parts[2].equals("tenants") || parts[2].equals("clusters"))) {
            tenant = parts[3];
            cluster = parts[2].equals("clusters") && parts.length > 4 ? parts[4] : null;
        } else {
            tenant = request.getUri().query().get("tenant").orElse(null);
            cluster = request.getUri().query().get("cluster").orElse(null);
            if (body && tenant == null && request.entity() instanceof HttpEntity.Strict strict && strict.getContentLengthOption().orElse(0L) > 0) {
                try {
                    JsonNode parsed = json.readTree(strict.getData().toArray());
                    boolean tenantsPath = parts.length > 2 && parts[2].equals("tenants");
                    tenant = parsed.path(tenantsPath ? "name" : "tenant").asText(null);
                    cluster = tenantsPath ? null : parsed.path("name").asText(null);
                } catch (java.io.IOException | RuntimeException e) {
                    // not JSON: the call is audited without a tenant
                }
            }
        }
        return new String[] {tenant, cluster};
    }

    private static String source(RemoteAddress ip) {
        return ip.getAddress().map(a -> a.getHostAddress() + (ip.getPort() > 0 ? ":" + ip.getPort() : "")).orElse("unknown");
    }
}
