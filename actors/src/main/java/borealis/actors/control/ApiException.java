package borealis.actors.control;

import borealis.actors.cluster.Rejection;

/** A request the control plane refuses, with the HTTP status it maps to and a message saying what is allowed. */
public final class ApiException extends RuntimeException {
    public final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, message);
    }

    /** The API error for an entity's refusal ({@link Rejection}); anything unprefixed is the service failing (503). */
    public static ApiException of(Throwable error) {
        String message = String.valueOf(error.getMessage());
        for (Rejection r : Rejection.values()) {
            if (message.startsWith(r.prefix())) {
                return new ApiException(r.status, message.substring(r.prefix().length()));
            }
        }
        return new ApiException(503, "the control plane did not answer: " + message);
    }
}
