package borealis.actors.cli;

import borealis.actors.cli.BorealisCli.ApiOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code borealis usage --tenant T [--cluster C] [--from ISO] [--to ISO]}: ACU-seconds and storage bytes. */
@Command(name = "usage", mixinStandardHelpOptions = true,
        description = "Show a tenant's usage (ACU-seconds over a time range, storage bytes now), per cluster.")
final class UsageCommand implements Callable<Integer> {

    /** A time range in ISO-8601 instants; by default the last 24 hours. */
    static final class Range {
        @Option(names = "--from", description = "Start, e.g. 2025-01-31T00:00:00Z (default: 24 hours before --to).") String from;
        @Option(names = "--to", description = "End (default: now).") String to;
    }

    @Mixin ApiOptions api;
    @Option(names = "--tenant", required = true) String tenant;
    @Option(names = "--cluster", description = "Only this cluster.") String cluster;
    @ArgGroup(exclusive = false) Range range = new Range();

    @Override
    public Integer call() throws Exception {
        return api.call("GET", Paths.query(Paths.of("usage"), "tenant", tenant, "cluster", cluster, "from", range.from, "to", range.to), null);
    }
}
