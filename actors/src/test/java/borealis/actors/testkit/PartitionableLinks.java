package borealis.actors.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A network that can be cut, for nodes on one machine: each node listens for its peers on its own
 * loopback address (127.0.0.2, 127.0.0.3...) and a port it binds, advertises a relay port in front
 * of it, and connects out from its own address ({@code outbound-client-hostname}), so the relay
 * sees who connects. {@link #isolate} cuts one address off from the others, both ways: new
 * connections across the cut are accepted and then left silent (packets dropped, as in a real
 * partition, not refused, which would look like a dead process), and open ones go silent too.
 * {@link #heal} lets everything through again. No root, no network namespaces.
 */
public final class PartitionableLinks implements AutoCloseable {

    /** One node's relay: {@code host:advertised} forwards to {@code host:bound}. */
    public record Link(String host, int advertised, int bound) {}

    private final List<Relay> relays = new ArrayList<>();
    private final Set<String> isolated = new HashSet<>();

    public PartitionableLinks(List<Link> links) throws IOException {
        for (Link l : links) {
            Relay r = new Relay(l);
            relays.add(r);
            r.start();
        }
    }

    /** Whether traffic from {@code source} to {@code target} crosses the cut. */
    private synchronized boolean cut(String source, String target) {
        return !source.equals(target) && (isolated.contains(source) || isolated.contains(target));
    }

    /** Cuts {@code host} off from every other node. */
    public void isolate(String host) {
        synchronized (this) {
            isolated.add(host);
        }
        relays.forEach(Relay::reconsider);
    }

    public void heal() {
        synchronized (this) {
            isolated.clear();
        }
        relays.forEach(Relay::reconsider);
    }

    @Override
    public void close() {
        relays.forEach(Relay::close);
    }

    private final class Relay extends Thread {
        final Link link;
        final ServerSocket server;
        final List<Pipe> pipes = new CopyOnWriteArrayList<>();

        Relay(Link link) throws IOException {
            super("relay-" + link.host() + ":" + link.advertised());
            setDaemon(true);
            this.link = link;
            this.server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getByName(link.host()), link.advertised()));
        }

        @Override
        public void run() {
            while (!server.isClosed()) {
                Socket in;
                try {
                    in = server.accept();
                } catch (IOException e) {
                    return;
                }
                Pipe p = new Pipe(in, in.getInetAddress().getHostAddress());
                pipes.add(p);
                // Connecting onward may take a while (or fail: the node is not up yet); never in the accept loop.
                Thread opener = new Thread(() -> {
                    try {
                        p.open();
                    } catch (IOException e) {
                        p.close();
                    }
                }, "relay-open");
                opener.setDaemon(true);
                opener.start();
            }
        }

        /** Open connections that now cross the cut go silent; those that no longer do are closed (the peers reconnect). */
        void reconsider() {
            for (Pipe p : pipes) {
                boolean crosses = cut(p.source, link.host());
                if (p.silent && !crosses) {
                    p.close();
                } else if (crosses) {
                    p.silent = true;
                }
            }
        }

        void close() {
            try {
                server.close();
            } catch (IOException ignored) {
                // closing
            }
            pipes.forEach(Pipe::close);
        }

        final class Pipe {
            final Socket in;
            final String source;
            volatile boolean silent;
            volatile Socket out;

            Pipe(Socket in, String source) {
                this.in = in;
                this.source = source;
            }

            void open() throws IOException {
                silent = cut(source, link.host());
                if (silent) {
                    return; // accepted, never answered: a dropped SYN-ACK would look the same to the peer
                }
                out = new Socket();
                out.connect(new InetSocketAddress(InetAddress.getByName(link.host()), link.bound()), 2000);
                copy(in, out, "in");
                copy(out, in, "out");
            }

            private void copy(Socket from, Socket to, String dir) {
                Thread t = new Thread(() -> {
                    byte[] buf = new byte[64 * 1024];
                    try (InputStream i = from.getInputStream(); OutputStream o = to.getOutputStream()) {
                        int n;
                        while ((n = i.read(buf)) >= 0) {
                            if (!silent) {
                                o.write(buf, 0, n);
                                o.flush();
                            }
                        }
                    } catch (IOException e) {
                        // one side closed
                    } finally {
                        close();
                    }
                }, "relay-pipe-" + dir);
                t.setDaemon(true);
                t.start();
            }

            void close() {
                pipes.remove(this);
                try {
                    in.close();
                } catch (IOException ignored) {
                    // closing
                }
                try {
                    if (out != null) {
                        out.close();
                    }
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
    }
}
