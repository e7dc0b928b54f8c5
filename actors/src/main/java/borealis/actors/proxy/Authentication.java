package borealis.actors.proxy;

import borealis.actors.auth.ScramServer;
import borealis.actors.cluster.ClusterNames;
import borealis.actors.cluster.DbCluster;
import borealis.actors.compute.ClientConnection;
import borealis.engine.pg.wire.BackendWriter;
import borealis.engine.pg.wire.FrontendMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A connection before it has a session, one behaviour per phase:
 *
 * <pre>
 *  startup ──SSLRequest──► 'S' (TLS) or 'N' ──► startup
 *          ──CancelRequest──► (cancel) closed
 *          ──StartupMessage──► lookingUp ──verifier──► R10 ──► saslInitial ──► R11 ──► saslFinal ──► R12 R0 ──► {@link Relay}
 *  every phase: authentication timeout ──► FATAL 57014, closed
 * </pre>
 *
 * No input is read while the user is looked up, and one authentication message is decoded per
 * answer of the server, so a client cannot make the node hold more than one read before it is
 * authenticated. A connection the node refused (over its limits) is told 53300 "sorry, too many
 * clients already" once it sends its first request, as PostgreSQL tells it. Whether a cluster or
 * a user exists is never said: for either missing, a decoy verifier runs the same exchange to the
 * same failure (28P01 after the client's proof). Only a database name that cannot name any
 * cluster at all (its form alone says so) is answered 3D000 at once.
 */
final class Authentication {

    private static final String TIMER = "authentication-timeout";
    private static final IntConsumer SIZES_UNUSED = size -> { };
    static final String TOO_MANY_CLIENTS = "sorry, too many clients already";

    private final ProxySession s;
    private final long startedNanos = System.nanoTime();
    private Duration timeout;
    private Map<String, String> startup;
    private String user;
    private ClusterNames.Endpoint endpoint;
    private List<Integer> readers = List.of();
    private ScramServer scram;
    /** For the audit log only (the client is not told): why the user cannot be known, or null. */
    private String unknown;

    Authentication(ProxySession session) {
        this.s = session;
    }

    Behavior<ClientConnection> start() {
        timeout = s.settings.config().authenticationTimeout();
        s.timers.startSingleTimer(TIMER, new ProxySession.AuthTimedOut(), timeout);
        return startup();
    }

    /** What every phase before the session handles: the timeout. */
    private BehaviorBuilder<ClientConnection> phase() {
        return Behaviors.receive(ClientConnection.class)
                .onMessage(ProxySession.AuthTimedOut.class, t -> timedOut());
    }

    // ---- startup: negotiation, CancelRequest, StartupMessage ----

    private Behavior<ClientConnection> startup() {
        return s.common(phase().onMessage(ProxySession.Received.class, r -> onStartup(s.decode(r, SIZES_UNUSED)))).build();
    }

    private Behavior<ClientConnection> onStartup(List<FrontendMessage> messages) {
        if (messages == null) {
            return s.closing();
        }
        if (messages.isEmpty()) {
            s.stream.more();
            return startup();
        }
        FrontendMessage m = messages.get(0);
        if (m instanceof FrontendMessage.CancelRequest c) {
            s.cancels.cancel(c.processId(), c.secretKey());
            return s.close();
        }
        if (s.slot == null) {
            return s.fatal("53300", TOO_MANY_CLIENTS);
        }
        if (m instanceof FrontendMessage.SslRequest && s.settings.tls() != null) {
            s.stream.startTls(s.settings.tls());
            if (s.stream.decoder().buffered() > 0) {
                // Bytes sent before the handshake would be taken as if they had come over TLS (CVE-2021-23214).
                return s.fatal("08P01", "received unencrypted data after SSL request");
            }
            s.stream.more();
            return startup();
        }
        if (m instanceof FrontendMessage.SslRequest || m instanceof FrontendMessage.GssEncRequest) {
            // No TLS on this listener (or no GSSAPI at all): the client goes on as it is.
            s.stream.send(new byte[] {'N'});
            return onStartup(s.buffered(SIZES_UNUSED));
        }
        if (m instanceof FrontendMessage.Startup st) {
            return onStartupPacket(st);
        }
        return s.fatal("08P01", "expected a startup packet");
    }

    private Behavior<ClientConnection> onStartupPacket(FrontendMessage.Startup st) {
        startup = st.parameters();
        user = startup.get("user");
        if (user == null || user.isEmpty()) {
            return s.fatal("28000", "no PostgreSQL user name specified in startup packet");
        }
        String database = startup.getOrDefault("database", user);
        endpoint = ClusterNames.endpointOf(database);
        if (endpoint == null) {
            s.gate.attempt(database, null, user);
            s.gate.failed("no such database " + database);
            return s.fatal("3D000", "database \"" + database + "\" does not exist (connect to <tenant>.<cluster>, or <tenant>.<cluster>"
                    + ClusterNames.READER_SUFFIX + " for the readers)");
        }
        startup = s.gate.startupForCompute(startup);
        s.gate.attempt(database, endpoint.clusterId(), user);
        Duration wait = s.gate.delay();
        if (!wait.isZero()) {
            // The throttle's wait is the server's doing, not the client's: it does not count against the timeout.
            s.timers.startSingleTimer(TIMER, new ProxySession.AuthTimedOut(), remaining().plus(wait));
        }
        String clusterId = endpoint.clusterId();
        String asked = user;
        s.ctx.pipeToSelf(s.gate.after(wait, () -> ResentAsk.<DbCluster.Command, DbCluster.AuthInfo>ask(
                        s.settings.sharding().entityRefFor(DbCluster.TYPE_KEY, clusterId), replyTo -> new DbCluster.GetAuth(asked, replyTo),
                        s.settings.config().resendAfter(), s.settings.config().connectTimeout())),
                ProxySession.AuthLooked::new);
        return lookingUp();
    }

    // ---- the user's verifier, then SCRAM ----

    private Behavior<ClientConnection> lookingUp() {
        return s.common(phase().onMessage(ProxySession.AuthLooked.class, this::onLooked)).build();
    }

    private Behavior<ClientConnection> onLooked(ProxySession.AuthLooked a) {
        if (a.error() != null) {
            return s.fatal("08006", "the control plane did not answer: " + a.error().getMessage());
        }
        DbCluster.AuthInfo info = a.info();
        boolean known = info.clusterExists() && info.verifier() != null;
        unknown = known ? null : info.clusterExists() ? "no such user" : "no such cluster";
        readers = info.readers();
        scram = new ScramServer(known ? info.verifier() : s.settings.decoys().forUnknown(endpoint.clusterId(), user), known,
                s.stream.channelBinding());
        BackendWriter w = new BackendWriter();
        if (s.stream.tls()) {
            // Channel binding is offered only over TLS (SCRAM-SHA-256-PLUS with tls-server-end-point).
            w.authenticationSasl(ScramServer.MECHANISM_PLUS, ScramServer.MECHANISM);
        } else {
            w.authenticationSasl(ScramServer.MECHANISM);
        }
        s.stream.send(w.take());
        s.stream.decoder().expectSaslInitialResponse();
        return onSaslInitial(s.buffered(SIZES_UNUSED));
    }

    private Behavior<ClientConnection> saslInitial() {
        return s.common(phase().onMessage(ProxySession.Received.class, r -> onSaslInitial(s.decode(r, SIZES_UNUSED)))).build();
    }

    private Behavior<ClientConnection> onSaslInitial(List<FrontendMessage> messages) {
        if (messages == null) {
            return s.closing();
        }
        if (messages.isEmpty()) {
            s.stream.more();
            return saslInitial();
        }
        if (!(messages.get(0) instanceof FrontendMessage.SaslInitialResponse r)) {
            return s.close(); // Terminate: the client gave up
        }
        try {
            String clientFirst = r.data() == null ? "" : new String(r.data(), StandardCharsets.UTF_8);
            BackendWriter w = new BackendWriter();
            w.authenticationSaslContinue(scram.clientFirst(r.mechanism(), clientFirst).getBytes(StandardCharsets.UTF_8));
            s.stream.send(w.take());
        } catch (ScramServer.ScramException e) {
            return failed(e);
        } catch (RuntimeException e) {
            return malformed(e);
        }
        s.stream.decoder().expectSaslResponse();
        return onSaslFinal(s.buffered(SIZES_UNUSED));
    }

    private Behavior<ClientConnection> saslFinal() {
        return s.common(phase().onMessage(ProxySession.Received.class, r -> onSaslFinal(s.decode(r, SIZES_UNUSED)))).build();
    }

    private Behavior<ClientConnection> onSaslFinal(List<FrontendMessage> messages) {
        if (messages == null) {
            return s.closing();
        }
        if (messages.isEmpty()) {
            s.stream.more();
            return saslFinal();
        }
        if (!(messages.get(0) instanceof FrontendMessage.SaslResponse r)) {
            return s.close();
        }
        try {
            String serverFinal = scram.clientFinal(new String(r.data(), StandardCharsets.UTF_8));
            BackendWriter w = new BackendWriter();
            w.authenticationSaslFinal(serverFinal.getBytes(StandardCharsets.UTF_8));
            w.authenticationOk();
            s.stream.send(w.take());
        } catch (ScramServer.ScramException e) {
            return failed(e);
        } catch (RuntimeException e) {
            return malformed(e);
        }
        s.timers.cancel(TIMER);
        s.gate.succeeded();
        s.slot.authenticated();
        s.stream.decoder().authenticated();
        return new Relay(s, startup, user, endpoint, readers).connect();
    }

    // ---- endings ----

    private Behavior<ClientConnection> failed(ScramServer.ScramException e) {
        s.gate.failed(e.badPassword && unknown != null ? unknown : e.getMessage());
        if (e.badPassword) {
            return s.fatal("28P01", "password authentication failed for user \"" + user + "\"");
        }
        return s.fatal("08P01", e.getMessage());
    }

    private Behavior<ClientConnection> malformed(RuntimeException e) {
        s.gate.failed("malformed SASL message");
        return s.fatal("08P01", "malformed SASL message: " + e.getMessage());
    }

    private Behavior<ClientConnection> timedOut() {
        if (user != null) {
            s.gate.failed("authentication timeout");
        }
        // PostgreSQL's words and code (it logs them; it tells the client nothing).
        return s.fatal("57014", "canceling authentication due to timeout (authentication_timeout: " + timeout.toMillis() + " ms)");
    }

    private Duration remaining() {
        Duration left = timeout.minusNanos(System.nanoTime() - startedNanos);
        return left.isNegative() ? Duration.ZERO : left;
    }
}
