package borealis.actors.audit;

import borealis.persistence.files.OwnerOnly;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's audit log: one JSON object per line for every authentication, every DDL (and refused
 * privileged) statement of a tenant session, and every admin API call, each with tenant, user,
 * source and outcome. Each node writes the events it sees to its own file
 * ({@code borealis.audit.file}); the file rolls over at {@code max-file-size}, keeping
 * {@code max-files} old files ({@code audit.jsonl.1} the newest).
 *
 * <pre>
 *  {"ts":"2025-01-31T10:00:00.123Z","kind":"authentication","node":"127.0.0.1:25520","tenant":"acme",
 *   "cluster":"orders","user":"app","source":"10.0.0.7:51234","outcome":"failure","detail":"password authentication failed"}
 * </pre>
 *
 * Writes are synchronous (the line is in the file when the call returns, not fsynced), so an
 * event is never dropped for lack of buffer; secrets never reach it (no request bodies, no passwords).
 */
public final class AuditLog implements Extension {

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    public enum Kind { AUTHENTICATION, DDL, ADMIN }

    public enum Outcome { SUCCESS, FAILURE, DENIED }

    private final boolean enabled;
    private final Path file;
    private final long maxFileSize;
    private final int maxFiles;
    private final String node;
    private Writer out;
    private long size;

    AuditLog(Config audit, String node) {
        this.enabled = audit.getBoolean("enabled");
        this.file = Path.of(audit.getString("file")).toAbsolutePath();
        this.maxFileSize = audit.getBytes("max-file-size");
        this.maxFiles = audit.getInt("max-files");
        this.node = node;
    }

    public static AuditLog get(ActorSystem<?> system) {
        return Id.INSTANCE.apply(system);
    }

    /** The file being written. */
    public Path file() {
        return file;
    }

    public void authentication(String tenant, String cluster, String user, String source, Outcome outcome, String detail) {
        Map<String, Object> e = event(Kind.AUTHENTICATION, tenant, cluster, user, source, outcome);
        e.put("detail", detail);
        write(e);
    }

    public void statement(String tenant, String cluster, String user, String source, String statement, String sqlState, String detail) {
        statement(tenant, cluster, user, source, statement, sqlState, detail, "90040".equals(sqlState) || "42501".equals(sqlState));
    }

    /** {@code denied}: refused as something a tenant may not do, whatever the SQLSTATE it answered. */
    public void statement(String tenant, String cluster, String user, String source, String statement, String sqlState, String detail,
                          boolean denied) {
        Map<String, Object> e = event(Kind.DDL, tenant, cluster, user, source,
                sqlState == null ? Outcome.SUCCESS : denied ? Outcome.DENIED : Outcome.FAILURE);
        e.put("statement", statement);
        e.put("sqlstate", sqlState);
        e.put("detail", detail);
        write(e);
    }

    public void admin(String tenant, String cluster, String user, String source, String method, String path, int status) {
        Outcome outcome = status < 400 ? Outcome.SUCCESS : status == 401 || status == 403 ? Outcome.DENIED : Outcome.FAILURE;
        Map<String, Object> e = event(Kind.ADMIN, tenant, cluster, user, source, outcome);
        e.put("method", method);
        e.put("path", path);
        e.put("status", status);
        write(e);
    }

    private Map<String, Object> event(Kind kind, String tenant, String cluster, String user, String source, Outcome outcome) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("ts", Instant.now().toString());
        e.put("kind", kind.name().toLowerCase(java.util.Locale.ROOT));
        e.put("node", node);
        e.put("tenant", tenant);
        e.put("cluster", cluster);
        e.put("user", user);
        e.put("source", source);
        e.put("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT));
        return e;
    }

    private void write(Map<String, Object> event) {
        if (!enabled) {
            return;
        }
        event.values().removeIf(v -> v == null);
        try {
            String line = JSON.writeValueAsString(event) + "\n";
            synchronized (this) {
                if (out == null || size >= maxFileSize) {
                    roll();
                }
                out.write(line);
                out.flush();
                size += line.getBytes(StandardCharsets.UTF_8).length;
            }
        } catch (IOException | UncheckedIOException e) {
            log.error("audit log {}: could not write an event: {}", file, event, e);
        }
    }

    private void roll() throws IOException {
        if (out != null) {
            out.close();
            for (int i = maxFiles - 1; i >= 1; i--) {
                Path older = rolled(i);
                if (Files.exists(older)) {
                    Files.move(older, rolled(i + 1), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(file, rolled(1), StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(rolled(maxFiles + 1));
        }
        OwnerOnly.createDirectories(file.getParent());
        if (!Files.exists(file)) {
            OwnerOnly.writeNew(file, new byte[0]); // who did what, from where: for the node's operator only
        }
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        size = Files.size(file);
    }

    private Path rolled(int i) {
        return file.resolveSibling(file.getFileName() + "." + i);
    }

    synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                log.warn("audit log {}: close failed", file, e);
            }
            out = null;
        }
    }

    /** One audit log per actor system. */
    static final class Id extends ExtensionId<AuditLog> {
        static final Id INSTANCE = new Id();

        @Override
        public AuditLog createExtension(ActorSystem<?> system) {
            org.apache.pekko.actor.Address self = system.address();
            String node = self.host().isDefined() ? self.host().get() + ":" + self.port().get() : system.name();
            AuditLog audit = new AuditLog(system.settings().config().getConfig("borealis.audit"), node);
            system.getWhenTerminated().thenRun(audit::close);
            return audit;
        }
    }
}
