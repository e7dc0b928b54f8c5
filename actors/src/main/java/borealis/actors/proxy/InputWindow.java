package borealis.actors.proxy;

import java.util.Arrays;

/**
 * A session's client input that has been read from the socket and not yet taken up by its SQL
 * session: messages submitted and not yet processed, or held while the session moves. While it is
 * over either bound the proxy reads no more from the socket, so a client that sends without
 * reading fills its own TCP window instead of the node's heap. One message over the byte bound is
 * let through (a statement as large as the message limit must still run), but nothing after it.
 *
 * <p>The sizes are kept in arrival order: the SQL session reports how many messages it took
 * ({@link #taken}), in the order they were sent, wherever they went meanwhile (a move hands the
 * unprocessed ones back, and they are submitted again, still counted here).
 */
final class InputWindow {

    private final long maxBytes;
    private final int maxMessages;
    /** Wire sizes of the messages in the window, a ring buffer. */
    private int[] sizes = new int[64];
    private int head;
    private int count;
    private long bytes;

    InputWindow(long maxBytes, int maxMessages) {
        this.maxBytes = maxBytes;
        this.maxMessages = maxMessages;
    }

    /** A message of {@code wireBytes} was read and is on its way to the session. */
    void added(int wireBytes) {
        if (count == sizes.length) {
            int[] bigger = new int[sizes.length * 2];
            for (int i = 0; i < count; i++) {
                bigger[i] = sizes[(head + i) % sizes.length];
            }
            sizes = bigger;
            head = 0;
        }
        sizes[(head + count) % sizes.length] = wireBytes;
        count++;
        bytes += wireBytes;
    }

    /** The session took the {@code n} oldest messages off its queue. */
    void taken(int n) {
        for (int i = 0; i < n && count > 0; i++) {
            bytes -= sizes[head];
            head = (head + 1) % sizes.length;
            count--;
        }
        if (count == 0 && sizes.length > 1024) {
            sizes = Arrays.copyOf(sizes, 64); // a burst passed: give its room back
            head = 0;
        }
    }

    /** Whether no more input may be read now. */
    boolean full() {
        return bytes >= maxBytes || count >= maxMessages;
    }

    int messages() {
        return count;
    }

    long bytes() {
        return bytes;
    }
}
