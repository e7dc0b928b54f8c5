package borealis.actors.proxy;

import borealis.actors.compute.ClientConnection;
import borealis.engine.pg.wire.FrontendDecoder;
import borealis.engine.pg.wire.FrontendMessage;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.function.IntConsumer;
import javax.net.ssl.SSLException;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.CompletionStrategy;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.stream.typed.javadsl.ActorSink;
import org.apache.pekko.stream.typed.javadsl.ActorSource;
import org.apache.pekko.util.ByteString;

/**
 * The byte pump of one client connection, used on its session actor's thread: a Pekko Streams TCP
 * flow whose two ends are the actor, TLS once negotiated, and the frontend decoder.
 *
 * <p>Both directions are paced. Input: each chunk read from the socket stays unacknowledged until
 * the session phase calls {@link #more()}; until then the stream reads nothing more and the
 * client's TCP window fills. Output: chunks are written one at a time; a chunk the SQL session
 * numbered is reported back when written ({@link #written()}), which is how that session paces
 * its results to the client's reading.
 */
final class ClientStream {

    enum StreamAck implements NoSerializationVerificationNeeded { INSTANCE }

    interface Out extends NoSerializationVerificationNeeded {}

    private record OutBytes(ByteString bytes) implements Out {}

    private record OutFinish() implements Out {}

    /** Bytes exactly as they go on the wire, and the SQL session's chunk number (-1: the proxy's own). */
    private record Pending(ByteString bytes, long ackSeq) {}

    private final ActorContext<ClientConnection> ctx;
    private final ActorRef<Out> output;
    private final FrontendDecoder decoder;
    private final ArrayDeque<Pending> outQueue = new ArrayDeque<>();
    private boolean writing;
    private boolean finishing;
    /** TLS after an SSLRequest answered 'S'; null on a plaintext connection. */
    private TlsConnection tls;
    /** The acknowledgement owed for the last chunk read, until the phase wants more. */
    private ActorRef<StreamAck> unacknowledged;

    ClientStream(ActorContext<ClientConnection> ctx, Tcp.IncomingConnection connection, Materializer materializer, int maxMessageBytes) {
        this.ctx = ctx;
        this.decoder = new FrontendDecoder(maxMessageBytes);
        ActorRef<ClientConnection> self = ctx.getSelf();
        var in = ActorSink.<ByteString, ClientConnection, StreamAck>actorRefWithBackpressure(self,
                (ackTo, bytes) -> new ProxySession.Received(ackTo, bytes), ProxySession.StreamStarted::new, StreamAck.INSTANCE,
                new ProxySession.StreamEnded(null), ProxySession.StreamEnded::new)
                // One chunk at the actor and none read ahead (the default buffers 16): an acknowledgement withheld stops the reading.
                .withAttributes(Attributes.inputBuffer(1, 1));
        var out = ActorSource.<Out, StreamAck>actorRefWithBackpressure(
                        ctx.messageAdapter(StreamAck.class, a -> new ProxySession.Written()), StreamAck.INSTANCE,
                        o -> o instanceof OutFinish ? Optional.of(CompletionStrategy.draining()) : Optional.empty(),
                        o -> Optional.empty())
                .map(o -> ((OutBytes) o).bytes());
        Flow<ByteString, ByteString, ActorRef<Out>> flow = Flow.fromSinkAndSourceMat(in, out, Keep.right());
        this.output = connection.handleWith(flow, materializer);
    }

    FrontendDecoder decoder() {
        return decoder;
    }

    // ---- input ----

    /** The stream is ready: the first chunk may come. */
    void started(ProxySession.StreamStarted s) {
        s.ackTo().tell(StreamAck.INSTANCE);
    }

    /**
     * A chunk read from the socket, decrypted if TLS is on and decoded; its acknowledgement is
     * held until {@link #more()}. {@code frameSizes} gets each message's wire size.
     */
    List<FrontendMessage> received(ProxySession.Received r, IntConsumer frameSizes) throws SSLException {
        ProxyMetrics.RECEIVED.inc(r.bytes().size());
        unacknowledged = r.ackTo();
        ByteString plaintext = r.bytes();
        if (tls != null) {
            TlsConnection.Received received = tls.receive(r.bytes().asByteBuffer());
            if (!received.reply().isEmpty()) {
                output(received.reply(), -1);
            }
            plaintext = received.plaintext();
        }
        return decoder.decode(plaintext.asByteBuffer(), frameSizes);
    }

    /** A chunk read after the client's last word (its Terminate, or an error it was sent): dropped, and the next one read. */
    void discard(ProxySession.Received r) {
        ProxyMetrics.RECEIVED.inc(r.bytes().size());
        unacknowledged = null;
        r.ackTo().tell(StreamAck.INSTANCE);
    }

    /** Messages left in the decoder's buffer, once the decoder was told what comes next. */
    List<FrontendMessage> buffered(IntConsumer frameSizes) {
        return decoder.decode(ByteString.emptyByteString().asByteBuffer(), frameSizes);
    }

    /** Reads the next chunk, if one is owed its acknowledgement. */
    void more() {
        if (unacknowledged != null) {
            ActorRef<StreamAck> a = unacknowledged;
            unacknowledged = null;
            a.tell(StreamAck.INSTANCE);
        }
    }

    // ---- TLS ----

    /** Answers an SSLRequest with 'S' (in plaintext) and makes everything after it TLS. */
    void startTls(TlsConnection.Identity identity) {
        send(new byte[] {'S'});
        tls = new TlsConnection(identity);
    }

    boolean tls() {
        return tls != null;
    }

    /** tls-server-end-point channel binding data, or null without TLS. */
    byte[] channelBinding() {
        return tls != null ? tls.channelBinding() : null;
    }

    // ---- output ----

    /** The proxy's own bytes (not numbered). */
    void send(byte[] bytes) {
        send(bytes, -1);
    }

    /** Bytes of the SQL session's chunk {@code ackSeq}, encrypted if TLS is on. */
    void send(byte[] bytes, long ackSeq) {
        if (finishing) {
            return;
        }
        ByteString b = ByteString.fromArrayUnsafe(bytes);
        if (tls != null && !b.isEmpty()) {
            try {
                b = tls.send(b);
            } catch (SSLException e) {
                ctx.getLog().debug("TLS failed on output", e);
                b = ByteString.emptyByteString();
            }
        }
        output(b, ackSeq);
    }

    /** The last chunk was written: the SQL session's chunk number it carried, or -1. */
    long written() {
        writing = false;
        Pending done = outQueue.pollFirst();
        writeNext();
        return done != null ? done.ackSeq() : -1;
    }

    /** Ends the connection once everything queued is written (with TLS, after close_notify). */
    void finish() {
        if (finishing) {
            return;
        }
        if (tls != null) {
            output(tls.close(), -1);
        }
        finishing = true;
        outQueue.add(new Pending(null, -1));
        writeNext();
        more(); // input is read (and dropped) until the client sees the end
    }

    boolean finishing() {
        return finishing;
    }

    /** The session actor stopped: complete the output too, or a client that half-closed keeps a socket with no session behind it. */
    void stopped() {
        output.tell(new OutFinish());
    }

    private void output(ByteString bytes, long ackSeq) {
        outQueue.add(new Pending(bytes, ackSeq));
        writeNext();
    }

    private void writeNext() {
        while (!writing) {
            Pending next = outQueue.peekFirst();
            if (next == null) {
                return;
            }
            if (next.bytes() == null) {
                output.tell(new OutFinish());
                outQueue.clear();
                return;
            }
            if (!next.bytes().isEmpty()) {
                writing = true;
                ProxyMetrics.SENT.inc(next.bytes().size());
                output.tell(new OutBytes(next.bytes()));
                return;
            }
            // Nothing to write (an empty chunk): it counts as written at once.
            outQueue.pollFirst();
            if (next.ackSeq() >= 0) {
                ctx.getSelf().tell(new ProxySession.WrittenEmpty(next.ackSeq()));
            }
        }
    }
}
