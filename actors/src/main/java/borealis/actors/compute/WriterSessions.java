package borealis.actors.compute;

import borealis.actors.capacity.InstanceResources;
import borealis.engine.h2.Database;
import borealis.engine.pg.SessionSettings;
import borealis.engine.pg.session.PgSession;
import borealis.persistence.volume.client.ReplicatedVolume;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * The client sessions of the writer ({@link ComputeInstance}, used on its actor's thread only): the
 * open ones, limited by the allocation's connection slots, and the connects that wait for a slot.
 * Sessions open on the database given to {@link #hostOn} and not after {@link #unhost}.
 */
final class WriterSessions {

    private final String clusterId;
    private final ComputeInstance.Context node;
    private final ActorContext<ComputeInstance.Command> ctx;
    private final Set<ActorRef<SqlSession.Command>> open = new HashSet<>();
    /** Each open session by the proxy connection it serves. */
    private final Map<ActorRef<ClientConnection>, ActorRef<SqlSession.Command>> byClient = new HashMap<>();
    /** Connects beyond the connection slots, waiting for the allocation to grow. */
    private final ArrayDeque<ComputeInstance.Command> waitingForSlot = new ArrayDeque<>();

    // While the database is open.
    private Database db;
    private ReplicatedVolume volume;
    private InstanceResources resources;

    WriterSessions(String clusterId, ComputeInstance.Context node, ActorContext<ComputeInstance.Command> ctx) {
        this.clusterId = clusterId;
        this.node = node;
        this.ctx = ctx;
    }

    void hostOn(Database db, ReplicatedVolume volume, InstanceResources resources) {
        this.db = db;
        this.volume = volume;
        this.resources = resources;
    }

    void unhost() {
        db = null;
        volume = null;
        resources = null;
    }

    /** Open sessions. */
    int size() {
        return open.size();
    }

    boolean isEmpty() {
        return open.isEmpty();
    }

    /** Open sessions and connects waiting for a slot. */
    int count() {
        return open.size() + waitingForSlot.size();
    }

    /** No session open and none waiting (the instance may pause). */
    boolean idle() {
        return open.isEmpty() && waitingForSlot.isEmpty();
    }

    /** A new connect: opens now if a slot is free, waits for one if the maximum allocation would have it, or is refused. */
    void admit(ComputeInstance.OpenSession o, double maxAcu) {
        // The proxy sends a connect again when the first went unanswered (lost with a dead node):
        // the same client gets the same session, and one waiting connect.
        ActorRef<SqlSession.Command> existing = byClient.get(o.client());
        if (existing != null) {
            o.replyTo().tell(StatusReply.success(existing));
            return;
        }
        waitingForSlot.removeIf(w -> w instanceof ComputeInstance.OpenSession x && x.client().equals(o.client()));
        if (open.size() < resources.slots()) {
            open(o);
            return;
        }
        int atMax = node.capacity().profile().connectionSlots(maxAcu);
        if (open.size() + waitingForSlot.size() >= atMax) {
            o.replyTo().tell(StatusReply.error(String.format(Locale.ROOT,
                    "too many connections: cluster %s allows %d sessions at its maximum of %.1f ACU", clusterId, atMax, maxAcu)));
            return;
        }
        // Hold it: waiting sessions are a scaling signal, and the next allocation has more slots.
        waitingForSlot.add(o);
        resources.setWaitingSessions(waitingForSlot.size());
    }

    /** Opens waiting connects while slots are free (the allocation grew, or a session ended). */
    void admitWaiting() {
        while (!waitingForSlot.isEmpty() && open.size() < resources.slots()) {
            open(waitingForSlot.poll());
        }
        resources.setWaitingSessions(waitingForSlot.size());
    }

    /** Opens a session for an {@link ComputeInstance.OpenSession} or a {@link ComputeInstance.ReopenSession}, slot or not. */
    void open(ComputeInstance.Command c) {
        ComputeInstance.OpenSession o = c instanceof ComputeInstance.OpenSession x ? x : null;
        ComputeInstance.ReopenSession r = c instanceof ComputeInstance.ReopenSession x ? x : null;
        Map<String, String> startup = o != null ? o.startupParameters() : r.startupParameters();
        ActorRef<StatusReply<ActorRef<SqlSession.Command>>> replyTo = o != null ? o.replyTo() : r.replyTo();
        ActorRef<SqlSession.Command> existing = byClient.get(o != null ? o.client() : r.client());
        if (existing != null) {
            replyTo.tell(StatusReply.success(existing));
            return;
        }
        try {
            SessionSettings settings = SessionSettings.fromStartup(startup, o != null ? o.user() : r.user());
            PgSession pg = db.newSession(settings);
            if (r != null) {
                pg.restore(r.handover());
            }
            ActorRef<SqlSession.Command> session = ctx.spawnAnonymous(
                    SqlSession.create(pg, volume, o != null ? o.client() : r.client(), node.sqlPool(), resources.governor(),
                            node.capacity().parkIdleSessionsAfter()));
            ctx.watch(session);
            open.add(session);
            byClient.put(o != null ? o.client() : r.client(), session);
            resources.sessionOpened();
            replyTo.tell(StatusReply.success(session));
        } catch (Exception e) {
            replyTo.tell(StatusReply.error("could not open a session: " + ComputeInstance.rootMessage(e)));
        }
    }

    /** A watched actor stopped: if it was a session, its slot is free for a waiting connect. */
    void ended(ActorRef<?> ref) {
        byClient.values().removeIf(s -> s.equals(ref));
        if (open.removeIf(s -> s.equals(ref))) {
            resources.sessionClosed();
        }
        admitWaiting();
    }

    /** Tells every open session {@code command} (close, or hand over). */
    void tellAll(SqlSession.Command command) {
        open.forEach(session -> session.tell(command));
    }

    /** Refuses every waiting connect with {@code why}. */
    void refuseWaiting(String why) {
        waitingForSlot.forEach(w -> {
            if (w instanceof ComputeInstance.OpenSession o) {
                o.replyTo().tell(StatusReply.error(why));
            }
        });
        waitingForSlot.clear();
    }

    /** Sends every waiting connect to {@code to} (where the instance lives now). */
    void forwardWaiting(EntityRef<ComputeInstance.Command> to) {
        for (ComputeInstance.Command m : waitingForSlot) {
            to.tell(m);
        }
        waitingForSlot.clear();
    }
}
