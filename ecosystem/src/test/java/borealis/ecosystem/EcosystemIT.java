package borealis.ecosystem;

import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.ecosystem.jvm.JvmFlows;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The ecosystem suite: real, unmodified client libraries (Python, Node, JVM) run through their users'
 * normal flows against PostgreSQL 15, the oracle, and against an embedded Borealis node, each flow on a
 * fresh database (a cluster on Borealis). Rules: every flow passes on PostgreSQL (else the flow is
 * wrong); on Borealis every flow passes unless {@code expected-failures.txt} lists it, and a listed flow
 * that passes fails the run too, so the list stays exact. The table of results is written to
 * {@code target/ecosystem-report.md}.
 *
 * <p>System properties: {@code ecosystem.flows} (a regular expression on flow ids, to run a subset),
 * {@code ecosystem.targets} ({@code postgresql,borealis} by default).
 */
class EcosystemIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void ecosystem() throws Exception {
        Path root = Path.of(System.getProperty("ecosystem.root", System.getProperty("user.dir"))).toAbsolutePath();
        Path target = root.resolve("target");
        Path logs = target.resolve("ecosystem-logs");
        Files.createDirectories(logs);
        Pattern only = Pattern.compile(System.getProperty("ecosystem.flows", ".*"));
        List<String> targets = List.of(System.getProperty("ecosystem.targets", "postgresql,borealis").split(","));
        ExpectedFailures expected = ExpectedFailures.load(root.resolve("expected-failures.txt"));

        Path python = ensureEnvironment(root);
        List<Suite> suites = List.of(
                new ExternalSuite("python", List.of(python.toString(), root.resolve("python/run_flows.py").toString()), logs, 150),
                new ExternalSuite("node", List.of("node", root.resolve("node/run_flows.js").toString()), logs, 150),
                new JvmSuite("jvm", JvmFlows::all, 180));

        Map<Suite, List<FlowInfo>> selected = new LinkedHashMap<>();
        Map<String, FlowInfo> allFlows = new LinkedHashMap<>();
        for (Suite s : suites) {
            List<FlowInfo> fs = new ArrayList<>();
            for (FlowInfo f : s.flows()) {
                if (allFlows.put(f.id(), f) != null) {
                    throw new IllegalStateException("flow id " + f.id() + " is defined twice");
                }
                if (only.matcher(f.id()).find()) {
                    fs.add(f);
                }
            }
            selected.put(s, fs);
        }

        Map<String, Map<String, FlowResult>> results = new LinkedHashMap<>();
        List<String> timings = new ArrayList<>();
        for (String t : targets) {
            Map<String, FlowResult> byFlow = new LinkedHashMap<>();
            try (Target server = start(t, target)) {
                for (Map.Entry<Suite, List<FlowInfo>> e : selected.entrySet()) {
                    if (e.getValue().isEmpty()) {
                        continue;
                    }
                    long t0 = System.nanoTime();
                    byFlow.putAll(e.getKey().run(server, e.getValue()));
                    timings.add(String.format("%s on %s: %d flows in %.1f s", e.getKey().name(), t, e.getValue().size(),
                            (System.nanoTime() - t0) / 1e9));
                }
            }
            results.put(t, byFlow);
        }

        List<String> violations = new ArrayList<>();
        List<FlowInfo> ran = selected.values().stream().flatMap(List::stream).toList();
        for (FlowInfo f : ran) {
            FlowResult pg = results.getOrDefault("postgresql", Map.of()).get(f.id());
            FlowResult bo = results.getOrDefault("borealis", Map.of()).get(f.id());
            if (targets.contains("postgresql") && (pg == null || !pg.ok())) {
                violations.add(f.id() + ": fails on PostgreSQL 15 (the flow is wrong): " + (pg == null ? "no result" : pg.error()));
            }
            if (targets.contains("borealis")) {
                if ((bo == null || !bo.ok()) && !expected.contains(f.id())) {
                    violations.add(f.id() + ": fails on Borealis and is not in expected-failures.txt: " + (bo == null ? "no result" : bo.error()));
                } else if (bo != null && bo.ok() && expected.contains(f.id())) {
                    violations.add(f.id() + ": passes on Borealis now: remove it from expected-failures.txt");
                }
            }
        }
        if (only.pattern().equals(".*")) {
            for (String id : expected.reasons().keySet()) {
                if (!allFlows.containsKey(id)) {
                    violations.add(id + ": listed in expected-failures.txt but no such flow exists");
                }
            }
        }

        // A starting point for expected-failures.txt: every flow failing on Borealis, with its listed reason or its error.
        StringBuilder suggested = new StringBuilder();
        results.getOrDefault("borealis", Map.of()).values().stream().filter(r -> !r.ok()).forEach(r -> suggested.append(r.id()).append("  ")
                .append(expected.contains(r.id()) ? expected.reasons().get(r.id()) : "UNSORTED: " + r.error().replaceAll("\\s+", " ")).append('\n'));
        Files.writeString(target.resolve("expected-failures.suggested.txt"), suggested.toString());
        String report = report(ran, results, expected, timings, violations);
        Files.writeString(target.resolve("ecosystem-report.md"), report);
        Files.writeString(target.resolve("ecosystem-results.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(results));
        System.out.println(report);
        assertTrue(violations.isEmpty(), violations.size() + " violation(s) of the suite's rules (report: "
                + target.resolve("ecosystem-report.md") + "):\n  " + String.join("\n  ", violations));
    }

    private static Target start(String name, Path target) throws Exception {
        return switch (name) {
            case "postgresql" -> PostgresTarget.start(target);
            case "borealis" -> BorealisTarget.start();
            default -> throw new IllegalArgumentException("unknown target " + name);
        };
    }

    /** Runs scripts/ensure-ecosystem.sh (idempotent) and returns the venv's python. */
    private static Path ensureEnvironment(Path root) throws Exception {
        Path script = root.resolve("../scripts/ensure-ecosystem.sh").normalize();
        Processes.Result r = Processes.run(List.of("bash", script.toString()), Map.of(), 900);
        if (r.exitCode() != 0) {
            throw new IllegalStateException(script + " failed:\n" + r.output());
        }
        String out = r.output().strip();
        String last = out.substring(out.lastIndexOf('\n') + 1);
        if (!last.startsWith("python=")) {
            throw new IllegalStateException(script + " did not name its python:\n" + out);
        }
        return Path.of(last.substring("python=".length()));
    }

    private static String report(List<FlowInfo> flows, Map<String, Map<String, FlowResult>> results, ExpectedFailures expected,
            List<String> timings, List<String> violations) {
        StringBuilder b = new StringBuilder();
        b.append("# Ecosystem suite\n\n");
        Map<String, FlowResult> pg = results.getOrDefault("postgresql", Map.of());
        Map<String, FlowResult> bo = results.getOrDefault("borealis", Map.of());
        long pgOk = pg.values().stream().filter(FlowResult::ok).count();
        long boOk = bo.values().stream().filter(FlowResult::ok).count();
        b.append(String.format("%d flows; PostgreSQL 15: %d passed, %d failed; Borealis: %d passed, %d failed (%d listed as expected).%n%n",
                flows.size(), pgOk, pg.size() - pgOk, boOk, bo.size() - boOk,
                flows.stream().filter(f -> expected.contains(f.id())).count()));
        b.append("| flow | library | PostgreSQL 15 | Borealis | first error |\n|---|---|---|---|---|\n");
        for (FlowInfo f : flows) {
            FlowResult p = pg.get(f.id());
            FlowResult o = bo.get(f.id());
            String err = o != null && !o.ok() ? o.error() : p != null && !p.ok() ? "(PostgreSQL) " + p.error() : "";
            b.append("| ").append(f.id()).append(" | ").append(f.library()).append(" | ").append(cell(p, false))
                    .append(" | ").append(cell(o, expected.contains(f.id()))).append(" | ")
                    .append(err.replace("|", "\\|").replace("\n", " ")).append(" |\n");
        }
        b.append("\n");
        timings.forEach(t -> b.append("- ").append(t).append('\n'));
        if (!violations.isEmpty()) {
            b.append("\n## Violations\n\n");
            violations.forEach(v -> b.append("- ").append(v).append('\n'));
        }
        return b.toString();
    }

    private static String cell(FlowResult r, boolean expectedFailure) {
        if (r == null) {
            return "-";
        }
        if (r.ok()) {
            return expectedFailure ? "pass (listed!)" : "pass";
        }
        return expectedFailure ? "FAIL (expected)" : "FAIL";
    }

}
