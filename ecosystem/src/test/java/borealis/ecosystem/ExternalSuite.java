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
 * {@code list} prints {@code @@FLOWS} and one JSON array of {@code {"id", "library"}}; {@code run} reads
 * one JSON object a line on stdin, {@code {"id", "host", "port", "dbname", "user", "password"}}, runs that
 * flow and prints {@code @@RESULT {"id", "ok", "error", "detail"}}. A flow without a result within
 * {@code flowTimeout} is killed with its process, and a new process goes on with the next flow.
 */
final class ExternalSuite implements Suite {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final List<String> command;
    private final Path logDir;
    private final long flowTimeoutSeconds;

    ExternalSuite(String name, List<String> command, Path logDir, long flowTimeoutSeconds) {
        this.name = name;
        this.command = List.copyOf(command);
        this.logDir = logDir;
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
        List<String> pending = new ArrayList<>(flows.stream().map(FlowInfo::id).toList());
        while (!pending.isEmpty()) {
            runProcess(pending, target, results, log);
            pending.removeIf(results::containsKey);
        }
        return results;
    }

    /**
     * One runner process: sends it one flow at a time on stdin (its database made just before, dropped
     * just after: a node holds only so many live clusters) until all are done or one times out.
     */
    private void runProcess(List<String> pending, Target target, Map<String, FlowResult> results, Path log) throws Exception {
        List<String> cmd = new ArrayList<>(command);
        cmd.add("run");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
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
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
                PrintWriter in = new PrintWriter(new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8), true)) {
            for (String id : List.copyOf(pending)) {
                Db db;
                try {
                    db = target.create(id);
                } catch (Exception e) {
                    results.put(id, FlowResult.failed(id, "could not create its database: " + e, e.toString(), 0));
                    continue;
                }
                long started = System.nanoTime();
                StringBuilder output = new StringBuilder();
                boolean alive = true;
                try {
                    w.println("@@FLOW " + id + " on " + db.database());
                    in.println(JSON.writeValueAsString(db.toJson(id)));
                    while (true) {
                        String l = lines.poll(flowTimeoutSeconds, TimeUnit.SECONDS);
                        long ms = (System.nanoTime() - started) / 1_000_000;
                        if (l == null) {
                            w.println("!! killed: no result within " + flowTimeoutSeconds + " s");
                            results.put(id, FlowResult.failed(id, "timeout: no result within " + flowTimeoutSeconds + " s", output.toString(), ms));
                            alive = false;
                            break;
                        }
                        if (l.equals("@@EOF")) {
                            p.waitFor(30, TimeUnit.SECONDS);
                            results.put(id, FlowResult.failed(id, "the runner died during the flow (exit " + (p.isAlive() ? "?" : p.exitValue()) + ")",
                                    output.toString(), ms));
                            alive = false;
                            break;
                        }
                        w.println(l);
                        if (l.startsWith("@@RESULT ")) {
                            JsonNode n = JSON.readTree(l.substring(9));
                            if (n.get("ok").asBoolean()) {
                                results.put(id, FlowResult.passed(id, ms));
                            } else {
                                results.put(id, FlowResult.failed(id, n.path("error").asText(), n.path("detail").asText(), ms));
                            }
                            break;
                        } else if (output.length() < 20000) {
                            output.append(l).append('\n');
                        }
                    }
                } finally {
                    if (!alive) {
                        p.descendants().forEach(ProcessHandle::destroyForcibly);
                        p.destroyForcibly();
                        p.waitFor(10, TimeUnit.SECONDS);
                    }
                    target.drop(db);
                }
                if (!alive) {
                    return;
                }
            }
        } finally {
            if (p.isAlive() && !p.waitFor(30, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }
}
