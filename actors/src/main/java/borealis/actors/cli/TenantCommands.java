package borealis.actors.cli;

import borealis.actors.cli.BorealisCli.ApiOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code borealis tenant create|list|describe|modify|delete}. */
@Command(name = "tenant", mixinStandardHelpOptions = true, description = "Manage tenants.",
        subcommands = {TenantCommands.Create.class, TenantCommands.ListCmd.class, TenantCommands.Describe.class,
                TenantCommands.Modify.class, TenantCommands.Delete.class})
final class TenantCommands {

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a tenant.")
    static final class Create implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Parameters(index = "0", paramLabel = "NAME", description = "Tenant name: lower-case letters, digits, hyphens.") String name;
        @Option(names = "--description", description = "Free text, at most 256 characters.") String description;
        @Option(names = "--max-clusters", description = "Clusters the tenant may own (default: the node's setting, 50).") Integer maxClusters;
        @Option(names = "--client-token", description = "Makes a retried create idempotent.") String clientToken;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            putIfSet(body, "description", description);
            putIfSet(body, "maxClusters", maxClusters);
            putIfSet(body, "clientToken", clientToken);
            return api.call("POST", Paths.of("tenants"), body);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List tenants.")
    static final class ListCmd implements Callable<Integer> {
        @Mixin ApiOptions api;

        @Override
        public Integer call() throws Exception {
            return api.call("GET", Paths.of("tenants"), null);
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true, description = "Describe a tenant.")
    static final class Describe implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Parameters(index = "0", paramLabel = "NAME") String name;

        @Override
        public Integer call() throws Exception {
            return api.call("GET", Paths.of("tenants", name), null);
        }
    }

    @Command(name = "modify", mixinStandardHelpOptions = true, description = "Change a tenant's description or cluster quota.")
    static final class Modify implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Option(names = "--description") String description;
        @Option(names = "--max-clusters") Integer maxClusters;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            putIfSet(body, "description", description);
            putIfSet(body, "maxClusters", maxClusters);
            return api.call("PATCH", Paths.of("tenants", name), body);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a tenant that owns no clusters.")
    static final class Delete implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Parameters(index = "0", paramLabel = "NAME") String name;

        @Override
        public Integer call() throws Exception {
            return api.call("DELETE", Paths.of("tenants", name), null);
        }
    }

    static void putIfSet(Map<String, Object> body, String key, Object value) {
        if (value != null) {
            body.put(key, value);
        }
    }
}
