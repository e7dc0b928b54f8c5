package borealis.actors.cli;

import borealis.actors.node.BorealisNode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code borealis} command: {@code start} runs a node; the other verbs call a running node's
 * admin API, in the manner of {@code aws rds}.
 */
@Command(name = "borealis", mixinStandardHelpOptions = true, version = "borealis 0.1.0",
        description = "Serverless PostgreSQL-compatible databases on Apache Pekko.",
        subcommands = {BorealisCli.Start.class, BorealisCli.TenantCmd.class, BorealisCli.ClusterCmd.class})
public final class BorealisCli {

    public static void main(String[] args) {
        System.exit(new CommandLine(new BorealisCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start a node (by default every role in this JVM, data on local disk).")
    static final class Start implements Callable<Integer> {
        @Option(names = "--data-dir", description = "Where the node keeps its data (default: ${DEFAULT-VALUE}).", defaultValue = "data")
        Path dataDir;
        @Option(names = "--host", description = "Address to listen on (default: ${DEFAULT-VALUE}).", defaultValue = "127.0.0.1")
        String host;
        @Option(names = "--pg-port", description = "PostgreSQL port (default: ${DEFAULT-VALUE}).", defaultValue = "5433")
        int pgPort;
        @Option(names = "--admin-port", description = "Admin API port (default: ${DEFAULT-VALUE}).", defaultValue = "7433")
        int adminPort;
        @Option(names = "--config", description = "Extra HOCON configuration file.")
        Path config;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> overrides = new LinkedHashMap<>();
            overrides.put("borealis.data-dir", dataDir.toAbsolutePath().toString());
            overrides.put("borealis.node.host", host);
            overrides.put("borealis.node.pg-port", pgPort);
            overrides.put("borealis.node.admin-port", adminPort);
            Config base = config != null ? ConfigFactory.parseFile(config.toFile()) : ConfigFactory.empty();
            // Resolve only after merging, so that paths derived from data-dir follow the override.
            Config cfg = ConfigFactory.load(ConfigFactory.parseMap(overrides).withFallback(base)
                    .withFallback(ConfigFactory.defaultApplication()));
            BorealisNode node = BorealisNode.start(cfg);
            Runtime.getRuntime().addShutdownHook(new Thread(node::close, "borealis-shutdown"));
            System.out.println("Borealis is running. PostgreSQL: 127.0.0.1:" + node.pgPort() + "  admin API: http://" + host + ":"
                    + node.adminPort());
            node.awaitTermination();
            return 0;
        }
    }

    /** Where the admin API is and how to authenticate; shared by the client verbs. */
    static final class ApiOptions {
        @Option(names = "--endpoint", description = "Admin API URL (env BOREALIS_ENDPOINT; default http://127.0.0.1:7433).")
        String endpoint;
        @Option(names = "--token", description = "Admin API token (env BOREALIS_TOKEN; default: read from <data-dir>/admin-token).")
        String token;
        @Option(names = "--data-dir", description = "Data directory of a local node, to read its token (default: ${DEFAULT-VALUE}).", defaultValue = "data")
        Path dataDir;
        @Option(names = "--output", description = "json or table (default: ${DEFAULT-VALUE}).", defaultValue = "json")
        String output;

        private static final ObjectMapper JSON = new ObjectMapper();

        String endpoint() {
            if (endpoint != null) {
                return endpoint;
            }
            String env = System.getenv("BOREALIS_ENDPOINT");
            return env != null ? env : "http://127.0.0.1:7433";
        }

        String token() throws Exception {
            if (token != null) {
                return token;
            }
            String env = System.getenv("BOREALIS_TOKEN");
            if (env != null) {
                return env;
            }
            Path file = dataDir.resolve("admin-token");
            if (Files.exists(file)) {
                return Files.readString(file).trim();
            }
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "no admin token: pass --token, set BOREALIS_TOKEN, or point --data-dir at the node's data directory");
        }

        /** Calls the API and prints the result; returns the exit code. */
        int call(String method, String path, Object body) throws Exception {
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(endpoint() + path))
                    .timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + token())
                    .header("Content-Type", "application/json");
            req = body == null ? req.method(method, HttpRequest.BodyPublishers.noBody())
                    : req.method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            HttpResponse<String> resp;
            try {
                resp = HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.net.ConnectException e) {
                System.err.println("error: cannot reach the admin API at " + endpoint() + " (is the node running?)");
                return 2;
            }
            JsonNode node = resp.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(resp.body());
            if (resp.statusCode() >= 400) {
                System.err.println("error (" + resp.statusCode() + "): " + (node.has("error") ? node.get("error").asText() : resp.body()));
                return 1;
            }
            System.out.println(output.equalsIgnoreCase("table") ? Tables.render(node) : JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
            return 0;
        }
    }

    @Command(name = "tenant", mixinStandardHelpOptions = true, description = "Manage tenants.",
            subcommands = {TenantCmd.Create.class, TenantCmd.ListCmd.class, TenantCmd.Describe.class})
    static final class TenantCmd {
        @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a tenant.")
        static final class Create implements Callable<Integer> {
            @Mixin ApiOptions api;
            @Parameters(index = "0", paramLabel = "NAME", description = "Tenant name: lower-case letters, digits, hyphens.")
            String name;

            @Override
            public Integer call() throws Exception {
                return api.call("POST", "/v1/tenants", Map.of("name", name));
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "List tenants.")
        static final class ListCmd implements Callable<Integer> {
            @Mixin ApiOptions api;

            @Override
            public Integer call() throws Exception {
                return api.call("GET", "/v1/tenants", null);
            }
        }

        @Command(name = "describe", mixinStandardHelpOptions = true, description = "Describe a tenant.")
        static final class Describe implements Callable<Integer> {
            @Mixin ApiOptions api;
            @Parameters(index = "0", paramLabel = "NAME")
            String name;

            @Override
            public Integer call() throws Exception {
                return api.call("GET", "/v1/tenants/" + name, null);
            }
        }
    }

    @Command(name = "cluster", mixinStandardHelpOptions = true, description = "Manage database clusters.",
            subcommands = {ClusterCmd.Create.class, ClusterCmd.ListCmd.class, ClusterCmd.Describe.class})
    static final class ClusterCmd {
        @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a database cluster.")
        static final class Create implements Callable<Integer> {
            @Mixin ApiOptions api;
            @Option(names = "--tenant", required = true) String tenant;
            @Option(names = "--name", required = true) String name;
            @Option(names = {"--master-username", "--user"}, required = true, description = "The first database user.") String user;
            @Option(names = {"--master-user-password", "--password"}, required = true, description = "Its password (kept only as a SCRAM verifier).")
            String password;
            @Option(names = "--min-acu", description = "Minimum capacity: 0 (may pause) or 0.5..256 in steps of 0.5.") Double minAcu;
            @Option(names = "--max-acu", description = "Maximum capacity: 0.5..256 in steps of 0.5.") Double maxAcu;
            @Option(names = "--seconds-until-auto-pause", description = "Idle seconds before a cluster with min 0 pauses.") Integer pause;

            @Override
            public Integer call() throws Exception {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("tenant", tenant);
                body.put("name", name);
                body.put("masterUsername", user);
                body.put("masterPassword", password);
                if (minAcu != null) {
                    body.put("minAcu", minAcu);
                }
                if (maxAcu != null) {
                    body.put("maxAcu", maxAcu);
                }
                if (pause != null) {
                    body.put("secondsUntilAutoPause", pause);
                }
                return api.call("POST", "/v1/clusters", body);
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "List database clusters.")
        static final class ListCmd implements Callable<Integer> {
            @Mixin ApiOptions api;
            @Option(names = "--tenant", description = "Only this tenant's clusters.") String tenant;

            @Override
            public Integer call() throws Exception {
                return api.call("GET", "/v1/clusters" + (tenant == null ? "" : "?tenant=" + tenant), null);
            }
        }

        @Command(name = "describe", mixinStandardHelpOptions = true, description = "Describe a database cluster.")
        static final class Describe implements Callable<Integer> {
            @Mixin ApiOptions api;
            @Option(names = "--tenant", required = true) String tenant;
            @Option(names = "--name", required = true) String name;

            @Override
            public Integer call() throws Exception {
                return api.call("GET", "/v1/clusters/" + tenant + "/" + name, null);
            }
        }
    }

    /** Renders API JSON as a text table: the first array found becomes rows. */
    static final class Tables {
        static String render(JsonNode node) {
            JsonNode rows = node;
            if (node.isObject()) {
                Iterator<JsonNode> it = node.elements();
                while (it.hasNext()) {
                    JsonNode child = it.next();
                    if (child.isArray()) {
                        rows = child;
                        break;
                    }
                }
            }
            List<JsonNode> list = new ArrayList<>();
            if (rows.isArray()) {
                rows.forEach(list::add);
            } else {
                list.add(rows);
            }
            List<String> columns = new ArrayList<>();
            for (JsonNode r : list) {
                if (r.isObject()) {
                    r.fieldNames().forEachRemaining(f -> {
                        if (!columns.contains(f)) {
                            columns.add(f);
                        }
                    });
                }
            }
            if (columns.isEmpty()) {
                columns.add("value");
            }
            List<List<String>> cells = new ArrayList<>();
            for (JsonNode r : list) {
                List<String> row = new ArrayList<>();
                for (String c : columns) {
                    JsonNode v = r.isObject() ? r.get(c) : r;
                    row.add(v == null || v.isNull() ? "" : v.isValueNode() ? v.asText() : v.toString());
                }
                cells.add(row);
            }
            int[] width = new int[columns.size()];
            for (int i = 0; i < columns.size(); i++) {
                width[i] = columns.get(i).length();
                for (List<String> row : cells) {
                    width[i] = Math.max(width[i], row.get(i).length());
                }
            }
            StringBuilder sb = new StringBuilder();
            appendRow(sb, columns, width);
            for (int i = 0; i < width.length; i++) {
                sb.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
            }
            sb.append('\n');
            for (List<String> row : cells) {
                appendRow(sb, row, width);
            }
            return sb.toString().stripTrailing();
        }

        private static void appendRow(StringBuilder sb, List<String> row, int[] width) {
            for (int i = 0; i < row.size(); i++) {
                sb.append(i == 0 ? "" : " | ").append(String.format("%-" + width[i] + "s", row.get(i)));
            }
            sb.append('\n');
        }
    }
}
