package borealis.ecosystem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Flows in another language, run by a runner program that speaks a line protocol on stdout:
 * {@code list} prints one JSON array of {@code {"id", "library"}}; {@code run FILE} reads a JSON array of
 * {@code {"id", "host", "port", "dbname", "user", "password"}}, runs those flows in order and prints
 * {@code @@START id} and {@code @@RESULT {"id", "ok", "error", "detail"}} for each. A flow that prints
 * nothing for {@code flowTimeout} is killed with its process; the runner goes on with the next.
 */
final class ExternalSuite implements Suite {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final List<String> command;
    private final Path logDir;
    private final int chunk;
    private final long flowTimeoutSeconds;

    ExternalSuite(String name, List<String> command, Path logDir, int chunk, long flowTimeoutSeconds) {
        this.name = name;
        this.command = List.copyOf(command);
        this.logDir = logDir;
        this.chunk = chunk;
        this.flowTimeoutSeconds = flowTimeoutSeconds;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<FlowInfo> flows() throws Exception {
        List<String> cmd = new ArrayList<>(command);
        cmd.add("list");
        Processes.Result r = Processes.run(cmd, Map.of(), 120);
        if (r.exitCode() != 0) {
            throw new IllegalStateException(name + ": " + cmd + " failed:\n" + r.output());
        }
        String out = r.output();
        int start = out.indexOf("@@FLOWS ");
        if (start < 0) {
            throw new IllegalStateException(name + ": no @@FLOWS line in:\n" + out);
        }
        String line = out.substring(start + 8).lines().findFirst().orElse("[]");
        List<FlowInfo> flows = new ArrayList<>();
        for (JsonNode n : JSON.readTree(line)) {
            flows.add(new FlowInfo(n.get("id").asText(), n.get("library").asText()));
        }
        return flows;
    }

    @Override
    public Map<String, FlowResult> run(Target target, List<FlowInfo> flows) throws Exception {
        Map<String, FlowResult> results = new LinkedHashMap<>();
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + "-" + target.name() + ".log");
        Files.deleteIfExists(log);
        for (int i = 0; i < flows.size(); i += chunk) {
            List<FlowInfo> part = flows.subList(i, Math.min(flows.size(), i + chunk));
            Map<String, Db> dbs = new LinkedHashMap<>();
            try {
                for (FlowInfo f : part) {
                    try {
                        dbs.put(f.id(), target.create(f.id()));
                    } catch (Exception e) {
                        results.put(f.id(), FlowResult.failed(f.id(), "could not create its database: " + e, e.toString(), 0));
                    }
                }
                List<String> pending = new ArrayList<>(dbs.keySet());
                while (!pending.isEmpty()) {
                    runProcess(pending, dbs, results, log);
                    pending.removeIf(results::containsKey);
                }
            } finally {
                dbs.values().forEach(target::drop);
            }
        }
        return results;
    }

    /** Runs the pending flows in one process until it ends or a flow times out; records what it reported. */
    private void runProcess(List<String> pending, Map<String, Db> dbs, Map<String, FlowResult> results, Path log) throws Exception {
        Path input = Files.createTempFile("borealis-eco-flows", ".json");
        List<Map<String, Object>> items = new ArrayList<>();
        for (String id : pending) {
            items.add(dbs.get(id).toJson(id));
        }
        Files.writeString(input, JSON.writeValueAsString(items));
        List<String> cmd = new ArrayList<>(command);
        cmd.add("run");
        cmd.add(input.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Process p = pb.start();
        p.getOutputStream().close();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    lines.add(l);
                }
            } catch (Exception ignored) {
                // the process was killed
            } finally {
                lines.add("@@EOF");
            }
        }, name + "-reader");
        reader.setDaemon(true);
        reader.start();
        String current = null;
        long started = System.nanoTime();
        StringBuilder output = new StringBuilder();
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
            while (true) {
                String l = lines.poll(flowTimeoutSeconds, TimeUnit.SECONDS);
                if (l == null) {
                    String id = current != null ? current : pending.stream().filter(x -> !results.containsKey(x)).findFirst().orElse(null);
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                    w.println("!! killed: no output for " + flowTimeoutSeconds + " s during " + id);
                    if (id != null) {
                        results.put(id, FlowResult.failed(id, "timeout: no progress for " + flowTimeoutSeconds + " s", output.toString(),
                                (System.nanoTime() - started) / 1_000_000));
                    }
                    break;
                }
                if (l.equals("@@EOF")) {
                    p.waitFor(30, TimeUnit.SECONDS);
                    if (current != null && !results.containsKey(current)) {
                        results.put(current, FlowResult.failed(current, "the runner died (exit " + p.exitValue() + ") during the flow",
                                output.toString(), (System.nanoTime() - started) / 1_000_000));
                    } else if (pending.stream().noneMatch(results::containsKey)) {
                        // died before running anything: report it on every pending flow, or we would loop
                        for (String id : pending) {
                            results.put(id, FlowResult.failed(id, "the runner failed before this flow (exit " + p.exitValue() + ")",
                                    output.toString(), 0));
                        }
                    }
                    break;
                }
                w.println(l);
                if (l.startsWith("@@START ")) {
                    current = l.substring(8).strip();
                    started = System.nanoTime();
                    output.setLength(0);
                } else if (l.startsWith("@@RESULT ")) {
                    JsonNode n = JSON.readTree(l.substring(9));
                    String id = n.get("id").asText();
                    long ms = (System.nanoTime() - started) / 1_000_000;
                    if (n.get("ok").asBoolean()) {
                        results.put(id, FlowResult.passed(id, ms));
                    } else {
                        results.put(id, FlowResult.failed(id, n.path("error").asText(), n.path("detail").asText(), ms));
                    }
                    current = null;
                } else if (output.length() < 20000) {
                    output.append(l).append('\n');
                }
            }
        } finally {
            if (p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            Files.deleteIfExists(input);
        }
    }
}
