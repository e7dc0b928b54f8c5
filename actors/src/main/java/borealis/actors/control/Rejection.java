package borealis.actors.control;

import org.apache.pekko.pattern.StatusReply;

/**
 * Why an entity refused a command, carried in a {@link StatusReply} error across nodes. A status
 * reply's error travels as its message only, so the kind rides in front of it ({@code "conflict: ..."})
 * and {@link #toApiException} turns it back into the HTTP status the admin API answers with.
 */
public enum Rejection {
    INVALID(400), NOT_FOUND(404), CONFLICT(409);

    public final int status;

    Rejection(int status) {
        this.status = status;
    }

    private String prefix() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ": ";
    }

    public <T> StatusReply<T> reply(String message) {
        return StatusReply.error(prefix() + message);
    }

    /** The API error for a rejection message; anything unprefixed is the service failing (503). */
    public static ApiException toApiException(Throwable error) {
        String message = String.valueOf(error.getMessage());
        for (Rejection r : values()) {
            if (message.startsWith(r.prefix())) {
                return new ApiException(r.status, message.substring(r.prefix().length()));
            }
        }
        return new ApiException(503, "the control plane did not answer: " + message);
    }
}
