package borealis.actors.proxy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many client connections this node holds, and how many of them are still authenticating,
 * in all and per source address. A connection is admitted with a {@link Slot} when it is accepted,
 * or refused (it is then told "sorry, too many clients already", 53300, as PostgreSQL tells it)
 * when the node is full, when too many connections are authenticating (unauthenticated clients
 * cost a session each and must not crowd out the authenticated), or when its source address holds
 * too many of those. Refused connections are themselves capped: past that, a new connection is
 * closed without a word. Thread-safe: the listener admits, each session releases.
 */
final class ConnectionLimits {

    /** The outcome of an admission: a slot, or why not. */
    enum Refusal { NONE, TOO_MANY_CONNECTIONS, TOO_MANY_AUTHENTICATING, TOO_MANY_FROM_SOURCE }

    /** One admitted connection's place; released once, when the connection ends. */
    final class Slot {
        private final String source;
        private boolean authenticating = true;
        private boolean released;

        private Slot(String source) {
            this.source = source;
        }

        /** The client authenticated: it no longer counts against the authentication caps. */
        synchronized void authenticated() {
            if (authenticating && !released) {
                authenticating = false;
                leaveAuthentication(source);
            }
        }

        synchronized void release() {
            if (released) {
                return;
            }
            released = true;
            if (authenticating) {
                leaveAuthentication(source);
            }
            connections.decrementAndGet();
        }
    }

    private final int maxConnections;
    private final int maxAuthenticating;
    private final int maxPerSource;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger authenticating = new AtomicInteger();
    private final AtomicInteger refusing = new AtomicInteger();
    private final Map<String, AtomicInteger> bySource = new ConcurrentHashMap<>();

    ConnectionLimits(int maxConnections, int maxAuthenticating, int maxPerSource) {
        this.maxConnections = maxConnections;
        this.maxAuthenticating = maxAuthenticating;
        this.maxPerSource = maxPerSource;
    }

    /** Why a new connection from {@code source} cannot be served now, or {@link Refusal#NONE}. */
    synchronized Refusal check(String source) {
        if (connections.get() >= maxConnections) {
            return Refusal.TOO_MANY_CONNECTIONS;
        }
        if (authenticating.get() >= maxAuthenticating) {
            return Refusal.TOO_MANY_AUTHENTICATING;
        }
        AtomicInteger mine = bySource.get(source);
        if (mine != null && mine.get() >= maxPerSource) {
            return Refusal.TOO_MANY_FROM_SOURCE;
        }
        return Refusal.NONE;
    }

    /** A slot for a connection from {@code source}, or null when {@link #check} refuses it. */
    synchronized Slot admit(String source) {
        if (check(source) != Refusal.NONE) {
            return null;
        }
        connections.incrementAndGet();
        ProxyMetrics.AUTHENTICATING.set(authenticating.incrementAndGet());
        bySource.computeIfAbsent(source, s -> new AtomicInteger()).incrementAndGet();
        return new Slot(source);
    }

    /** A refused connection may be told why, as long as few are being told at once; false: close it silently. */
    boolean startRefusing() {
        if (refusing.incrementAndGet() > maxAuthenticating) {
            refusing.decrementAndGet();
            return false;
        }
        return true;
    }

    void refused() {
        refusing.decrementAndGet();
    }

    int connections() {
        return connections.get();
    }

    int authenticating() {
        return authenticating.get();
    }

    private synchronized void leaveAuthentication(String source) {
        ProxyMetrics.AUTHENTICATING.set(authenticating.decrementAndGet());
        AtomicInteger mine = bySource.get(source);
        if (mine != null && mine.decrementAndGet() <= 0) {
            bySource.remove(source);
        }
    }
}
