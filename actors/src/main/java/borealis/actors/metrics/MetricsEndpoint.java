package borealis.actors.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /metrics} on the admin listener: the Prometheus text exposition format (0.0.4) of
 * everything registered in the JVM's default registry.
 */
public final class MetricsEndpoint extends AllDirectives {

    /** The 0.0.4 text format's content type: text/plain; version=0.0.4; charset=utf-8. */
    private static final ContentType.NonBinary PROMETHEUS_TEXT =
            ContentTypes.create(MediaTypes.customWithOpenCharset("text", "plain", java.util.Map.of("version", "0.0.4"), true),
                    HttpCharsets.UTF_8);

    public Route routes() {
        return path("metrics", () -> get(() -> complete(HttpEntities.create(PROMETHEUS_TEXT, scrape()))));
    }

    static String scrape() {
        StringWriter out = new StringWriter(64 * 1024);
        try {
            TextFormat.write004(out, CollectorRegistry.defaultRegistry.metricFamilySamples());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
