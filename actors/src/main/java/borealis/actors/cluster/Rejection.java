package borealis.actors.cluster;

import org.apache.pekko.pattern.StatusReply;

/**
 * Why an entity refused a command, carried in a {@link StatusReply} error across nodes. A status
 * reply's error travels as its message only, so the kind rides in front of it ({@code "conflict: ..."})
 * and the admin API turns it back into an HTTP status ({@code ApiException.of}).
 */
public enum Rejection {
    INVALID(400), NOT_FOUND(404), CONFLICT(409);

    public final int status;

    Rejection(int status) {
        this.status = status;
    }

    /** What a reply's error message starts with for this kind. */
    public String prefix() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ": ";
    }

    public <T> StatusReply<T> reply(String message) {
        return StatusReply.error(prefix() + message);
    }
}
