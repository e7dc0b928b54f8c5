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
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code borealis} command: {@code start} runs a node; the other verbs call a running node's
 * admin API, in the manner of {@code aws rds}.
 */
@Command(name = "borealis", mixinStandardHelpOptions = true, version = "borealis 0.1.0",
        description = "Serverless PostgreSQL-compatible databases on Apache Pekko.",
        subcommands = {BorealisCli.Start.class, TenantCommands.class, ClusterCommands.class, UserCommands.class, UsageCommand.class})
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
        @Option(names = "--admin-host", description = "Address the admin API listens on (default: the --host address).")
        String adminHost;
        @Option(names = "--config", description = "Extra HOCON configuration file.")
        Path config;
        @Option(names = "--zone", description = "Run as one node of a multi-node cluster: this node's availability zone (a, b"
                + " or c), holding that zone's storage replicas, compute and the control plane. Without it the node holds every zone.")
        String zone;
        @Option(names = "--seed", split = ",", description = "host:port of a node's cluster port to join (repeatable; list the"
                + " same seeds on every node, the first one first). Without it the node forms a cluster of its own.")
        java.util.List<String> seeds;
        @Option(names = "--cluster-host", description = "Address this node's cluster port listens on and peers reach it by"
                + " (default: the --host address).")
        String clusterHost;
        @Option(names = "--cluster-port", description = "Port for the other nodes of the cluster (default: any free port when"
                + " alone, 25520 with --seed).")
        Integer clusterPort;

        private Map<String, Object> clusterOverrides() {
            return BorealisCli.clusterOverrides(zone, seeds, host, clusterHost, clusterPort);
        }

        @Override
        public Integer call() throws Exception {
            Map<String, Object> overrides = new LinkedHashMap<>();
            overrides.put("borealis.data-dir", dataDir.toAbsolutePath().toString());
            overrides.put("borealis.node.host", host);
            overrides.put("borealis.node.pg-port", pgPort);
            overrides.put("borealis.node.admin-port", adminPort);
            if (adminHost != null) {
                overrides.put("borealis.admin.host", adminHost);
            }
            overrides.putAll(clusterOverrides());
            Config base = config != null ? ConfigFactory.parseFile(config.toFile()) : ConfigFactory.empty();
            // Resolve only after merging, so that paths derived from data-dir follow the override.
            Config cfg = ConfigFactory.load(ConfigFactory.parseMap(overrides).withFallback(base)
                    .withFallback(ConfigFactory.defaultApplication()));
            BorealisNode node = BorealisNode.start(cfg);
            Runtime.getRuntime().addShutdownHook(new Thread(node::close, "borealis-shutdown"));
            System.out.println("Borealis is running. PostgreSQL: " + host + ":" + node.pgPort() + "  admin API: " + node.adminUrl());
            node.awaitTermination();
            return 0;
        }
    }

    /** What --zone, --seed, --cluster-host and --cluster-port set: roles, seed nodes, the Artery address. */
    static Map<String, Object> clusterOverrides(String zone, java.util.List<String> seeds, String host, String clusterHost,
                                                Integer clusterPort) {
        Map<String, Object> o = new LinkedHashMap<>();
        if (zone != null) {
            if (!zone.matches("[abc]")) {
                throw new CommandLine.ParameterException(new CommandLine(new Start()), "--zone must be a, b or c, got '" + zone + "'");
            }
            o.put("pekko.cluster.roles", java.util.List.of("zone-" + zone, "compute", "control"));
            // One control node per zone: the control plane's journal is written to a majority of three.
            o.put("borealis.journal.control.replicas", 3);
        }
        boolean joins = seeds != null && !seeds.isEmpty();
        if (clusterHost != null || (joins && !host.equals("0.0.0.0") && !host.equals("::"))) {
            o.put("pekko.remote.artery.canonical.hostname", clusterHost != null ? clusterHost : host);
        }
        if (joins) {
            java.util.List<String> addresses = new java.util.ArrayList<>();
            for (String seed : seeds) {
                if (!seed.matches("[A-Za-z0-9.:\\[\\]-]+:\\d{1,5}")) {
                    throw new CommandLine.ParameterException(new CommandLine(new Start()), "--seed must be host:port, got '" + seed + "'");
                }
                addresses.add("pekko://borealis@" + seed);
            }
            o.put("borealis.node.join", "seeds");
            o.put("pekko.cluster.seed-nodes", addresses);
            o.put("pekko.remote.artery.canonical.port", clusterPort != null ? clusterPort : 25520);
        } else if (clusterPort != null) {
            o.put("pekko.remote.artery.canonical.port", clusterPort);
        }
        return o;
    }

    /** Where the admin API is and how to authenticate; shared by the client verbs. */
    public static final class ApiOptions {
        @Option(names = "--endpoint", description = "Admin API URL (env BOREALIS_ENDPOINT; default http://127.0.0.1:7433).")
        String endpoint;
        @Option(names = "--token", description = "Admin API token (env BOREALIS_TOKEN; default: read from <data-dir>/admin-token).")
        String token;
        @Option(names = "--data-dir", description = "Data directory of a local node, to read its token (default: ${DEFAULT-VALUE}).", defaultValue = "data")
        Path dataDir;
        @Option(names = "--output", description = "json or table (default: ${DEFAULT-VALUE}).", defaultValue = "json")
        String output;
        @Option(names = "--ca-cert", description = "Certificate (PEM or DER) to trust for an https endpoint whose certificate "
                + "no default authority signed, such as a self-signed one (env BOREALIS_CA_CERT).")
        Path caCert;

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

        /** An HTTP client that also trusts {@code --ca-cert}, if given. */
        private HttpClient httpClient() throws Exception {
            Path ca = caCert != null ? caCert : System.getenv("BOREALIS_CA_CERT") != null ? Path.of(System.getenv("BOREALIS_CA_CERT")) : null;
            if (ca == null) {
                return HttpClient.newHttpClient();
            }
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            try (var in = Files.newInputStream(ca)) {
                int i = 0;
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    trusted.setCertificateEntry("ca-" + i++, c);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, tmf.getTrustManagers(), null);
            return HttpClient.newBuilder().sslContext(tls).build();
        }

        /** An answer of the API: the HTTP status and the JSON body; status 0 when the API was unreachable. */
        record Answer(int status, JsonNode body) {}

        /** Calls the API; prints nothing. */
        Answer send(String method, String path, Object body) throws Exception {
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(endpoint() + path))
                    .timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + token())
                    .header("Content-Type", "application/json");
            req = body == null ? req.method(method, HttpRequest.BodyPublishers.noBody())
                    : req.method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            HttpResponse<String> resp;
            try {
                resp = httpClient().send(req.build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                return new Answer(0, null);
            }
            return new Answer(resp.statusCode(), resp.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(resp.body()));
        }

        /** Calls the API and prints the result; returns the exit code (0 ok, 1 refused, 2 unreachable). */
        int call(String method, String path, Object body) throws Exception {
            return print(send(method, path, body));
        }

        /** Prints an answer as {@link #call} does; returns the exit code. */
        int print(Answer a) throws Exception {
            if (a.status() == 0) {
                System.err.println("error: cannot reach the admin API at " + endpoint() + " (is the node running?)");
                return 2;
            }
            JsonNode node = a.body();
            if (a.status() >= 400) {
                System.err.println("error (" + a.status() + "): " + (node.has("error") ? node.get("error").asText() : node.toString()));
                return 1;
            }
            if (!output.equalsIgnoreCase("json") && !output.equalsIgnoreCase("table")) {
                System.err.println("error: --output must be json or table, got " + output);
                return 1;
            }
            System.out.println(output.equalsIgnoreCase("table") ? Tables.render(node) : JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
            return 0;
        }
    }
}
