package borealis.actors.admin;

import borealis.actors.control.ApiException;
import borealis.actors.control.ControlPlane;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The HTTP/JSON admin API. Every call needs {@code Authorization: Bearer <token>}; errors come back
 * as {@code {"error": "..."}} with a 4xx status that says what was wrong.
 *
 * <pre>
 *  POST /v1/tenants                      {"name"}
 *  GET  /v1/tenants
 *  GET  /v1/tenants/{tenant}
 *  POST /v1/clusters                     {"tenant","name","masterUsername","masterPassword","minAcu","maxAcu","secondsUntilAutoPause"}
 *  GET  /v1/clusters[?tenant=]
 *  GET  /v1/clusters/{tenant}/{name}
 * </pre>
 */
public final class AdminRoutes extends AllDirectives {

    public record NewTenant(String name) {}

    private final ControlPlane control;
    private final byte[] token;
    private final ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    public AdminRoutes(ControlPlane control, String token) {
        this.control = control;
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    public Route routes() {
        return pathPrefix("v1", () -> authorized(() -> concat(
                pathPrefix("tenants", () -> concat(
                        pathEndOrSingleSlash(() -> concat(
                                post(() -> entity(Jackson.unmarshaller(json, NewTenant.class),
                                        t -> reply(StatusCodes.CREATED, control.createTenant(t.name())))),
                                get(() -> reply(StatusCodes.OK, control.listTenants().thenApply(names -> Map.of("tenants", names)))))),
                        path(name -> get(() -> reply(StatusCodes.OK, control.describeTenant(name)))))),
                pathPrefix("clusters", () -> concat(
                        pathEndOrSingleSlash(() -> concat(
                                post(() -> entity(Jackson.unmarshaller(json, ControlPlane.NewCluster.class),
                                        c -> reply(StatusCodes.CREATED, control.createCluster(c)))),
                                get(() -> parameterOptional("tenant", tenant -> reply(StatusCodes.OK,
                                        control.listClusters(tenant.orElse(null)).thenApply(list -> Map.of("clusters", list))))))),
                        pathPrefix(tenant -> path(name -> get(() -> reply(StatusCodes.OK, control.describeCluster(tenant, name)))))))
        ))).orElse(complete(StatusCodes.NOT_FOUND, Map.of("error", "no such endpoint"), Jackson.marshaller(json)));
    }

    private Route authorized(Supplier<Route> inner) {
        return optionalHeaderValueByName("Authorization", header -> {
            String value = header.orElse("");
            boolean ok = value.startsWith("Bearer ")
                    && MessageDigest.isEqual(value.substring(7).trim().getBytes(StandardCharsets.UTF_8), token);
            if (!ok) {
                return complete(StatusCodes.UNAUTHORIZED, Map.of("error", "missing or wrong bearer token (Authorization: Bearer <token>)"),
                        Jackson.marshaller(json));
            }
            return inner.get();
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
                return complete(StatusCodes.get(e.status), Map.of("error", e.getMessage()), Jackson.marshaller(json));
            }
            return complete(StatusCodes.SERVICE_UNAVAILABLE, Map.of("error", "the control plane did not answer: " + t.getMessage()),
                    Jackson.marshaller(json));
        });
    }
}
