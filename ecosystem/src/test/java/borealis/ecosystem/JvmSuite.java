package borealis.ecosystem;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Flows written in Java (pgjdbc, Flyway, Liquibase, Hibernate/Spring, jOOQ), each on a thread with a time limit. */
final class JvmSuite implements Suite {

    private final String name;
    private final Supplier<List<JvmFlow>> source;
    private final long flowTimeoutSeconds;
    private List<JvmFlow> flows;

    JvmSuite(String name, Supplier<List<JvmFlow>> source, long flowTimeoutSeconds) {
        this.name = name;
        this.source = source;
        this.flowTimeoutSeconds = flowTimeoutSeconds;
    }

    @Override
    public String name() {
        return name;
    }

    private synchronized List<JvmFlow> all() {
        if (flows == null) {
            flows = source.get();
        }
        return flows;
    }

    @Override
    public List<FlowInfo> flows() {
        List<FlowInfo> out = new ArrayList<>();
        for (JvmFlow f : all()) {
            out.add(new FlowInfo(f.id(), f.library()));
        }
        return out;
    }

    @Override
    public Map<String, FlowResult> run(Target target, List<FlowInfo> selected) throws Exception {
        Map<String, FlowResult> results = new LinkedHashMap<>();
        for (FlowInfo info : selected) {
            JvmFlow flow = all().stream().filter(f -> f.id().equals(info.id())).findFirst().orElseThrow();
            Db db;
            try {
                db = target.create(flow.id());
            } catch (Exception e) {
                results.put(flow.id(), FlowResult.failed(flow.id(), "could not create its database: " + e, e.toString(), 0));
                continue;
            }
            ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "flow-" + flow.id());
                t.setDaemon(true);
                return t;
            });
            long t0 = System.nanoTime();
            try {
                Future<?> f = ex.submit(() -> {
                    flow.run(db);
                    return null;
                });
                f.get(flowTimeoutSeconds, TimeUnit.SECONDS);
                results.put(flow.id(), FlowResult.passed(flow.id(), (System.nanoTime() - t0) / 1_000_000));
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                results.put(flow.id(), FlowResult.failed(flow.id(), describe(c), stackTrace(c), (System.nanoTime() - t0) / 1_000_000));
            } catch (TimeoutException e) {
                results.put(flow.id(), FlowResult.failed(flow.id(), "timeout after " + flowTimeoutSeconds + " s", "",
                        (System.nanoTime() - t0) / 1_000_000));
            } finally {
                ex.shutdownNow();
                target.drop(db);
            }
        }
        return results;
    }

    /** The innermost useful message: the deepest cause that says something (SQL errors with their SQLSTATE). */
    static String describe(Throwable t) {
        Throwable best = t;
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.sql.SQLException || c.getClass().getName().startsWith("org.postgresql")) {
                best = c;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        String state = best instanceof java.sql.SQLException s && s.getSQLState() != null ? "[" + s.getSQLState() + "] " : "";
        String msg = best.getMessage();
        if (best != t && t.getMessage() != null && !(t instanceof java.sql.SQLException)) {
            return shortName(t) + ": " + FlowResult.firstLine(t.getMessage()) + " <- " + state + FlowResult.firstLine(msg);
        }
        return shortName(best) + ": " + state + msg;
    }

    private static String shortName(Throwable t) {
        String n = t.getClass().getName();
        return n.substring(n.lastIndexOf('.') + 1);
    }

    static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        String s = w.toString();
        return s.length() > 20000 ? s.substring(0, 20000) : s;
    }
}
