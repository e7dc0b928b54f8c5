package borealis.actors.proxy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * An ask to a sharded entity that is sent again when an attempt goes unanswered, until the overall
 * timeout. A message delivered to a node that then died is lost; sharding routes the next one to
 * the entity's new home once the node is downed (0.3 s after kill -9 with the dead-peer probe).
 * With one ask for the whole connect timeout (60 s), a client that connected during a failover
 * waited that long (seen: 10 s of psql's connect timeout, then a fresh connect went through at once).
 * The requests sent this way are idempotent: a read, or a connect the instance answers with the
 * session it already opened for that client.
 */
final class ResentAsk {

    private ResentAsk() {}

    static <M, T> CompletionStage<T> ask(EntityRef<M> entity, Function<ActorRef<T>, M> request, Duration attempt, Duration overall) {
        return ask(entity, request, attempt, System.nanoTime() + overall.toNanos());
    }

    private static <M, T> CompletionStage<T> ask(EntityRef<M> entity, Function<ActorRef<T>, M> request, Duration attempt,
                                                 long deadline) {
        long left = deadline - System.nanoTime();
        Duration timeout = Duration.ofNanos(Math.max(1_000_000, Math.min(attempt.toNanos(), left)));
        return entity.<T>ask(request::apply, timeout).handle((answer, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(answer);
            }
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof TimeoutException && System.nanoTime() < deadline) {
                return ask(entity, request, attempt, deadline);
            }
            return CompletableFuture.<T>failedFuture(cause);
        }).thenCompose(f -> f);
    }
}
