package borealis.actors.testkit;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Borealis node in its own JVM, started with {@code borealis start} on free loopback ports, so a
 * test can kill it the way an operator's machine would die ({@link #kill()}: SIGKILL, no shutdown
 * hooks) and start it again on the same data directory.
 */
public final class NodeProcess implements AutoCloseable {

    private final Path dataDir;
    private int pgPort;
    private int adminPort;
    private final Path log;
    private final List<String> jvmOptions;
    private String extraConfig;
    private List<String> extraArgs = List.of();
    /** A built distribution to run ({@code borealis.jar} beside its {@code lib/}), or null for this test's classes. */
    private Path jar;
    private Process process;

    public NodeProcess(Path dataDir) throws IOException {
        this(dataDir, List.of());
    }

    /** A node started with extra JVM options, such as {@code -Dpekko.cluster.roles.0=zone-c}. */
    public NodeProcess(Path dataDir, List<String> jvmOptions) throws IOException {
        this.jvmOptions = List.copyOf(jvmOptions);
        this.dataDir = dataDir;
        this.pgPort = freePort();
        this.adminPort = freePort();
        this.log = dataDir.resolveSibling(dataDir.getFileName() + "-node.log");
    }

    /**
     * A loopback port that is free now, below Linux's ephemeral range (32768-60999): a port the
     * kernel hands out for port 0 is also what it gives the next outgoing connection, and CI once
     * failed when a client socket took a node's admin port between this choice and the bind.
     * Ports are handed out in turn from a random start, so two nodes of one test never share one.
     */
    public static int freePort() throws IOException {
        for (int attempt = 0; attempt < 500; attempt++) {
            int port = LOW_PORT + Math.floorMod(NEXT_PORT.getAndIncrement(), HIGH_PORT - LOW_PORT);
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 1);
                return port;
            } catch (IOException taken) {
                // next one
            }
        }
        throw new IOException("no free loopback port between " + LOW_PORT + " and " + HIGH_PORT);
    }

    private static final int LOW_PORT = 20_000;
    private static final int HIGH_PORT = 32_000;
    private static final java.util.concurrent.atomic.AtomicInteger NEXT_PORT =
            new java.util.concurrent.atomic.AtomicInteger(new java.util.Random().nextInt(HIGH_PORT - LOW_PORT));

    /** Extra HOCON for this node (roles, seed nodes, capacity...), passed with {@code --config}. */
    public NodeProcess withConfig(String hocon) {
        this.extraConfig = hocon;
        return this;
    }

    /** Extra arguments of {@code borealis start} ({@code --zone}, {@code --seed}, {@code --cluster-port}...). */
    public NodeProcess withArgs(List<String> args) {
        this.extraArgs = List.copyOf(args);
        return this;
    }

    /** Runs the node from a built distribution (another build's, for an upgrade) from the next start on. */
    public NodeProcess withJar(Path jar) {
        this.jar = jar;
        return this;
    }

    public NodeProcess start() throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce();
            } catch (PortTakenException e) {
                if (attempt == 3) {
                    throw e;
                }
                // another process bound the port between its choice and the node's bind: new ports
                pgPort = freePort();
                adminPort = freePort();
            }
        }
    }

    /** The node exited because one of its ports was taken by another process. */
    private static final class PortTakenException extends IllegalStateException {
        PortTakenException(String message) {
            super(message);
        }
    }

    private NodeProcess startOnce() throws Exception {
        // The ports must be free first: a previous process on them that is still going would look
        // like this one listening (a rolling restart once checked a node that then vanished).
        long free = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (listening(pgPort) || listening(adminPort)) {
            if (System.nanoTime() > free) {
                throw new IllegalStateException("ports " + pgPort + " and " + adminPort + " are still taken by another process");
            }
            Thread.sleep(100);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        cmd.add("-Dpekko.actor.serialize-messages=on");
        cmd.add("-Dborealis.admin.token=test-token");
        cmd.addAll(jvmOptions);
        if (jar != null) {
            cmd.add("-jar");
            cmd.add(jar.toString());
        } else {
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add("borealis.actors.cli.BorealisCli");
        }
        cmd.add("start");
        cmd.add("--data-dir=" + dataDir);
        cmd.add("--pg-port=" + pgPort);
        cmd.add("--admin-port=" + adminPort);
        cmd.addAll(extraArgs);
        if (extraConfig != null) {
            Path conf = dataDir.resolveSibling(dataDir.getFileName() + "-node.conf");
            java.nio.file.Files.writeString(conf, extraConfig);
            cmd.add("--config=" + conf);
        }
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                // the log's end in the message: the test's temporary directory (and the log) is deleted after it
                String tail = logTail(40);
                if (tail.contains("Address already in use") && (tail.contains(":" + pgPort + "]") || tail.contains(":" + adminPort + "]"))) {
                    throw new PortTakenException("node exited: port " + pgPort + " or " + adminPort + " taken; the end of " + log + ":\n" + tail);
                }
                throw new IllegalStateException("node exited with " + process.exitValue() + "; the end of " + log + ":\n" + tail);
            }
            if (listening(pgPort) && listening(adminPort)) {
                return this;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("node did not start within 60 s; see " + log);
    }

    private String logTail(int lines) {
        try {
            List<String> all = java.nio.file.Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGKILL: the JVM gets no chance to flush or shut down. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * Freezes the JVM ({@code SIGSTOP}) for {@code pause}, then lets it go on ({@code SIGCONT}): a
     * node that stalls (GC, a hung disk, a VM paused) without dying.
     */
    public void freeze(Duration pause) throws Exception {
        signal("STOP");
        try {
            Thread.sleep(pause.toMillis());
        } finally {
            signal("CONT");
        }
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The node's operating-system process id (for its RSS and jcmd). */
    public long pid() {
        return process.pid();
    }

    public int pgPort() {
        return pgPort;
    }

    public String adminUrl() {
        return "http://127.0.0.1:" + adminPort;
    }

    public AdminClient admin() {
        return new AdminClient("http://127.0.0.1:" + adminPort, "test-token");
    }

    public String jdbcUrl(String tenant, String cluster) {
        return "jdbc:postgresql://127.0.0.1:" + pgPort + "/" + tenant + "." + cluster + "?sslmode=disable";
    }

    public File logFile() {
        return log.toFile();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS); // gone, and its ports free, before anything starts on them
            }
        }
    }
}
