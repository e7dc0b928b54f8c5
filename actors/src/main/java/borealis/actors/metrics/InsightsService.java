package borealis.actors.metrics;

import borealis.engine.insights.DatabaseInsights;
import borealis.engine.insights.TopSql;
import borealis.persistence.serialization.BorealisSerializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * One per node: answers for the Top SQL of the clusters this node hosts. The admin API asks every
 * node (through the receptionist) and merges, so it need not know where a cluster runs now.
 */
public final class InsightsService {

    public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "borealis-insights");

    public interface Command extends BorealisSerializable {}

    public record GetTopSql(String tenant, String cluster, TopSql.Order order, int limit, ActorRef<TopSqlReply> replyTo)
            implements Command {}

    public record TopSqlReply(List<TopSql.Entry> entries) implements BorealisSerializable {}

    private InsightsService() {}

    public static Behavior<Command> create() {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
            return Behaviors.receive(Command.class)
                    .onMessage(GetTopSql.class, q -> {
                        List<TopSql.Entry> entries = DatabaseInsights.find(q.tenant(), q.cluster())
                                .map(i -> i.topSql().top(q.order(), q.limit())).orElse(List.of());
                        q.replyTo().tell(new TopSqlReply(entries));
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    /** Asks every node and merges their views of one cluster (normally only one node has any). */
    public static CompletionStage<List<TopSql.Entry>> topSql(ActorSystem<?> system, String tenant, String cluster, TopSql.Order order,
                                                             int limit, Duration timeout) {
        CompletionStage<Receptionist.Listing> listing = AskPattern.ask(system.receptionist(),
                replyTo -> Receptionist.find(KEY, replyTo), timeout, system.scheduler());
        return listing.thenCompose(l -> {
            List<CompletableFuture<TopSqlReply>> asks = new ArrayList<>();
            for (ActorRef<Command> node : l.getServiceInstances(KEY)) {
                asks.add(AskPattern.<Command, TopSqlReply>ask(node, replyTo -> new GetTopSql(tenant, cluster, order, limit, replyTo),
                                timeout, system.scheduler())
                        .exceptionally(e -> new TopSqlReply(List.of()))
                        .toCompletableFuture());
            }
            return CompletableFuture.allOf(asks.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
                Map<String, TopSql.Entry> merged = new LinkedHashMap<>();
                for (CompletableFuture<TopSqlReply> a : asks) {
                    for (TopSql.Entry e : a.join().entries()) {
                        merged.merge(e.statement(), e, (x, y) -> new TopSql.Entry(x.statement(), x.calls() + y.calls(),
                                x.totalSeconds() + y.totalSeconds(),
                                (x.totalSeconds() + y.totalSeconds()) * 1000 / Math.max(1, x.calls() + y.calls()),
                                x.rows() + y.rows(), x.errors() + y.errors()));
                    }
                }
                Comparator<TopSql.Entry> by = switch (order) {
                    case TIME -> Comparator.comparingDouble(TopSql.Entry::totalSeconds);
                    case CALLS -> Comparator.comparingLong(TopSql.Entry::calls);
                    case ROWS -> Comparator.comparingLong(TopSql.Entry::rows);
                };
                return merged.values().stream().sorted(by.reversed()).limit(limit).toList();
            });
        });
    }
}
