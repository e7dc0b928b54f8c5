package borealis.actors.cli;

import static borealis.actors.cli.TenantCommands.putIfSet;

import borealis.actors.cli.BorealisCli.ApiOptions;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code borealis cluster ...}: the database cluster verbs, after {@code aws rds} (create-db-cluster,
 * modify-db-cluster with {@code --serverless-v2-scaling-configuration}, delete-db-cluster, ...).
 */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Manage database clusters.",
        subcommands = {ClusterCommands.Create.class, ClusterCommands.ListCmd.class, ClusterCommands.Describe.class,
                ClusterCommands.Modify.class, ClusterCommands.Delete.class, ClusterCommands.AddReader.class,
                ClusterCommands.RemoveReader.class, ClusterCommands.DescribeEndpoints.class, ClusterCommands.ScalingEvents.class,
                ClusterCommands.TopSqlCmd.class, ClusterCommands.Restore.class, ClusterCommands.Clone.class, ClusterCommands.Backtrack.class,
                ClusterCommands.DescribeBackups.class, ClusterCommands.CheckStorage.class})
final class ClusterCommands {

    /** Which cluster: {@code --tenant} and {@code --name} (alias {@code --db-cluster-identifier}). */
    static final class Target {
        @Option(names = "--tenant", required = true, description = "The tenant that owns the cluster.") String tenant;
        @Option(names = {"--name", "--db-cluster-identifier"}, required = true, description = "The cluster's name.") String name;

        String pathOf(String... more) {
            String[] segments = new String[3 + more.length];
            segments[0] = "clusters";
            segments[1] = tenant;
            segments[2] = name;
            System.arraycopy(more, 0, segments, 3, more.length);
            return Paths.of(segments);
        }
    }

    /** Capacity options, separately or in the aws form {@code MinCapacity=0.5,MaxCapacity=4,SecondsUntilAutoPause=300}. */
    static final class Scaling {
        @Option(names = "--min-acu", description = "Minimum capacity: 0 (may pause) or 0.5..256 in steps of 0.5.") Double minAcu;
        @Option(names = "--max-acu", description = "Maximum capacity: 0.5..256 in steps of 0.5.") Double maxAcu;
        @Option(names = "--seconds-until-auto-pause", description = "Idle seconds before a cluster with min 0 pauses.") Integer pause;
        @Option(names = "--serverless-v2-scaling-configuration", paramLabel = "MinCapacity=..,MaxCapacity=..,SecondsUntilAutoPause=..",
                description = "The same, as aws rds takes it.") String awsForm;

        void putInto(Map<String, Object> body) {
            if (awsForm != null) {
                for (String part : awsForm.split(",")) {
                    String[] kv = part.split("=", 2);
                    if (kv.length != 2) {
                        throw new CommandLine.ParameterException(new CommandLine(this), "expected Name=value in " + awsForm);
                    }
                    String value = kv[1].trim();
                    try {
                        switch (kv[0].trim().toLowerCase(Locale.ROOT)) {
                            case "mincapacity" -> body.put("minAcu", Double.parseDouble(value));
                            case "maxcapacity" -> body.put("maxAcu", Double.parseDouble(value));
                            case "secondsuntilautopause" -> body.put("secondsUntilAutoPause", Integer.parseInt(value));
                            default -> throw new CommandLine.ParameterException(new CommandLine(this), "unknown scaling setting " + kv[0]
                                    + " (expected MinCapacity, MaxCapacity, SecondsUntilAutoPause)");
                        }
                    } catch (NumberFormatException e) {
                        throw new CommandLine.ParameterException(new CommandLine(this), "not a number: " + part);
                    }
                }
            }
            putIfSet(body, "minAcu", minAcu);
            putIfSet(body, "maxAcu", maxAcu);
            putIfSet(body, "secondsUntilAutoPause", pause);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a database cluster.")
    static final class Create implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Mixin Target target;
        @Mixin Scaling scaling;
        @Option(names = {"--master-username", "--user"}, required = true, description = "The first database user.") String user;
        @Option(names = {"--master-user-password", "--password"}, required = true, interactive = true, arity = "0..1",
                description = "Its password (kept only as a SCRAM verifier); without a value, it is read from the terminal.")
        String password;
        @Option(names = "--client-token", description = "Makes a retried create idempotent.") String clientToken;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("tenant", target.tenant);
            body.put("name", target.name);
            body.put("masterUsername", user);
            body.put("masterPassword", password);
            scaling.putInto(body);
            putIfSet(body, "clientToken", clientToken);
            return api.call("POST", Paths.of("clusters"), body);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List database clusters.")
    static final class ListCmd implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Option(names = "--tenant", description = "Only this tenant's clusters.") String tenant;

        @Override
        public Integer call() throws Exception {
            return api.call("GET", Paths.query(Paths.of("clusters"), "tenant", tenant), null);
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true, description = "Describe a database cluster.")
    static final class Describe implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Mixin Target target;

        @Override
        public Integer call() throws Exception {
            return api.call("GET", target.pathOf(), null);
        }
    }

    @Command(name = "modify", mixinStandardHelpOptions = true, description = "Change a cluster's scaling configuration.")
    static final class Modify implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Mixin Target target;
        @Mixin Scaling scaling;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            scaling.putInto(body);
            return api.call("PATCH", target.pathOf(), body);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a cluster: its compute now, its storage after the node's retention period.")
    static final class Delete implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Mixin Target target;
        @Option(names = "--force", description = "Close open sessions (without it, a cluster with open sessions is not deleted).")
        boolean force;

        @Override
        public Integer call() throws Exception {
            return api.call("DELETE", Paths.query(target.pathOf(), "force", force ? "true" : null), null);
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = "Restore a cluster's backup, as of a past time or LSN (default: its latest point), into a new cluster.")
    static final class Restore implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Option(names = "--tenant", required = true, description = "The tenant that owns both clusters.") String tenant;
        @Option(names = {"--name", "--target-db-cluster-identifier"}, required = true, description = "The new cluster's name.") String name;
        @Option(names = {"--source", "--source-db-cluster-identifier"}, required = true, description = "The cluster whose backup to restore.")
        String source;
        @Option(names = {"--to-time", "--restore-to-time"}, description = "ISO-8601 instant, e.g. 2026-12-05T10:15:30Z: the last commit at or before it.")
        String toTime;
        @Option(names = "--to-lsn", description = "A log sequence number: the last commit at or before it.") Long toLsn;
        @Option(names = "--master-user-password", interactive = true, arity = "0..1",
                description = "A new password for the master user (required when the source is no longer known to the control plane).")
        String password;
        @Option(names = "--no-wait", description = "Return once the cluster is created, before its volume is filled.") boolean noWait;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            putIfSet(body, "toTime", toTime);
            putIfSet(body, "toLsn", toLsn);
            putIfSet(body, "masterPassword", password);
            ApiOptions.Answer created = api.send("POST", Paths.of("clusters", tenant, source, "restore"), body);
            return noWait || created.status() != 201 ? api.print(created) : awaitFilled(api, tenant, name, created, "restored");
        }
    }

    @Command(name = "clone", mixinStandardHelpOptions = true,
            description = "Create a new cluster that shares the source's data copy-on-write, as it stands now (in about a second, whatever"
                    + " its size); with --to-time, a restore of the source's backup at that time instead (a full copy).")
    static final class Clone implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Option(names = "--tenant", required = true, description = "The tenant that owns both clusters.") String tenant;
        @Option(names = {"--name", "--db-cluster-identifier"}, required = true, description = "The clone's name.") String name;
        @Option(names = {"--source", "--source-db-cluster-identifier"}, required = true, description = "The cluster to clone.") String source;
        @Option(names = {"--to-time", "--restore-to-time"}, description = "ISO-8601 instant: clone the source as of then (from its backup).")
        String toTime;

        @Override
        public Integer call() throws Exception {
            if (toTime != null) {
                ApiOptions.Answer created = api.send("POST", Paths.of("clusters", tenant, source, "restore"),
                        Map.of("name", name, "toTime", toTime));
                return created.status() != 201 ? api.print(created) : awaitFilled(api, tenant, name, created, "cloned");
            }
            ApiOptions.Answer created = api.send("POST", Paths.of("clusters", tenant, source, "clone"), Map.of("name", name));
            int code = api.print(created);
            com.fasterxml.jackson.databind.JsonNode origin = created.body() == null ? null : created.body().path("restore");
            if (code == 0 && origin != null && origin.has("seconds")) {
                System.err.printf(Locale.ROOT, "cloned %s.%s from %s as of %s (LSN %d) in %.2f s; the source's writes waited %.3f s%n",
                        tenant, name, source, origin.path("toTime").asText(), origin.path("toLsn").asLong(),
                        origin.path("seconds").asDouble(), origin.path("sourceHeldSeconds").asDouble());
            }
            return code;
        }
    }

    @Command(name = "backtrack", mixinStandardHelpOptions = true,
            description = "Rewind a cluster in place to a past time (its sessions end); a backtrack to a time before this one undoes it.")
    static final class Backtrack implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Mixin Target target;
        @Option(names = {"--to-time", "--backtrack-to"}, required = true, description = "ISO-8601 instant: the last commit at or before it.")
        String toTime;
        @Option(names = "--no-wait", description = "Return once the backtrack is requested, before the volume is filled.") boolean noWait;

        @Override
        public Integer call() throws Exception {
            ApiOptions.Answer asked = api.send("POST", target.pathOf("backtrack"), Map.of("toTime", toTime));
            return noWait || asked.status() != 200 ? api.print(asked) : awaitFilled(api, target.tenant, target.name, asked, "backtracked");
        }
    }

    /** Follows a restore or backtrack until the writer has filled the volume; prints the cluster and how long it took. */
    static int awaitFilled(ApiOptions api, String tenant, String name, ApiOptions.Answer first, String what) throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofMinutes(30).toNanos();
        ApiOptions.Answer now = first;
        while (now.status() == 200 || now.status() == 201) {
            if ("done".equals(now.body().path("restore").path("state").asText()) || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(200);
            now = api.send("GET", Paths.of("clusters", tenant, name), null);
        }
        int code = api.print(now);
        com.fasterxml.jackson.databind.JsonNode restore = now.body() == null ? null : now.body().path("restore");
        if (code == 0 && restore.has("seconds")) {
            System.err.printf(Locale.ROOT, "%s %s.%s from %s as of %s (LSN %d) in %.2f s%n", what, tenant, name,
                    restore.path("source").asText(), restore.path("toTime").asText(), restore.path("toLsn").asLong(),
                    restore.path("seconds").asDouble());
        }
        return code;
    }

    @Command(name = "describe-backups", mixinStandardHelpOptions = true, description = "Show the points a restore of the cluster can reach.")
    static final class DescribeBackups implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Mixin Target target;

        @Override
        public Integer call() throws Exception {
            return api.call("GET", target.pathOf("backups"), null);
        }
    }

    @Command(name = "check-storage", mixinStandardHelpOptions = true,
            description = "Compare the six replicas of every protection group of the cluster's volume, byte for byte (run it on a quiet cluster).")
    static final class CheckStorage implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Mixin Target target;

        @Override
        public Integer call() throws Exception {
            return api.call("GET", target.pathOf("storage-check"), null);
        }
    }

    @Command(name = "add-reader", mixinStandardHelpOptions = true, description = "Add a reader instance (at most 15).")
    static final class AddReader implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Mixin Target target;
        @Option(names = "--number", description = "Reader number 1..15 (default: the lowest free one).") Integer number;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            putIfSet(body, "number", number);
            return api.call("POST", target.pathOf("readers"), body);
        }
    }

    @Command(name = "remove-reader", mixinStandardHelpOptions = true, description = "Remove a reader instance.")
    static final class RemoveReader implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Mixin Target target;
        @Option(names = "--number", required = true, description = "Reader number 1..15.") int number;

        @Override
        public Integer call() throws Exception {
            return api.call("DELETE", target.pathOf("readers", Integer.toString(number)), null);
        }
    }

    @Command(name = "describe-endpoints", mixinStandardHelpOptions = true, description = "Show the writer and reader endpoints.")
    static final class DescribeEndpoints implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Mixin Target target;

        @Override
        public Integer call() throws Exception {
            return api.call("GET", target.pathOf("endpoints"), null);
        }
    }

    @Command(name = "scaling-events", mixinStandardHelpOptions = true, description = "List scaling and placement events.")
    static final class ScalingEvents implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Mixin Target target;
        @ArgGroup(exclusive = false) UsageCommand.Range range = new UsageCommand.Range();

        @Override
        public Integer call() throws Exception {
            return api.call("GET", Paths.query(target.pathOf("scaling-events"), "from", range.from, "to", range.to), null);
        }
    }

    @Command(name = "top-sql", mixinStandardHelpOptions = true,
            description = "The cluster's statements (normalized) with the most total time, calls or rows in the last hour.")
    static final class TopSqlCmd implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Mixin Target target;
        @Option(names = "--order", description = "time, calls or rows (default: time).") String order;
        @Option(names = "--limit", description = "How many statements, 1..100 (default: 10).") Integer limit;

        @Override
        public Integer call() throws Exception {
            return api.call("GET", Paths.query(target.pathOf("top-sql"), "order", order, "limit", limit == null ? null : limit.toString()),
                    null);
        }
    }
}
