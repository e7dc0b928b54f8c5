package borealis.actors.cli;

import borealis.actors.cli.BorealisCli.ApiOptions;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code borealis user create|drop|rotate-password}: a cluster's database users. */
@Command(name = "user", mixinStandardHelpOptions = true, description = "Manage a cluster's database users.",
        subcommands = {UserCommands.Create.class, UserCommands.Drop.class, UserCommands.RotatePassword.class})
final class UserCommands {

    static final class Target {
        @Option(names = "--tenant", required = true) String tenant;
        @Option(names = {"--cluster", "--db-cluster-identifier"}, required = true) String cluster;
        @Option(names = "--username", required = true, description = "1-63 letters, digits or underscores.") String username;
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a database user.")
    static final class Create implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Mixin Target target;
        @Option(names = "--password", required = true, interactive = true, arity = "0..1",
                description = "At least 8 characters; without a value, read from the terminal.") String password;

        @Override
        public Integer call() throws Exception {
            return api.call("POST", Paths.of("clusters", target.tenant, target.cluster, "users"),
                    Map.of("username", target.username, "password", password));
        }
    }

    @Command(name = "drop", mixinStandardHelpOptions = true, description = "Drop a database user (not the last one).")
    static final class Drop implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Mixin Target target;

        @Override
        public Integer call() throws Exception {
            return api.call("DELETE", Paths.of("clusters", target.tenant, target.cluster, "users", target.username), null);
        }
    }

    @Command(name = "rotate-password", mixinStandardHelpOptions = true,
            description = "Give a user a new password; sessions already open stay open.")
    static final class RotatePassword implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Mixin Target target;
        @Option(names = "--password", required = true, interactive = true, arity = "0..1",
                description = "The new password; without a value, read from the terminal.") String password;

        @Override
        public Integer call() throws Exception {
            return api.call("PUT", Paths.of("clusters", target.tenant, target.cluster, "users", target.username, "password"),
                    Map.of("password", password));
        }
    }
}
