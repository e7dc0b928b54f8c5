package borealis.actors.control;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** The {@code from}/{@code to} of a report: ISO-8601 instants, by default the last 24 hours, at most 366 days. */
final class TimeRange {

    static final Duration DEFAULT = Duration.ofHours(24);
    static final Duration MAX = Duration.ofDays(366);

    private TimeRange() {}

    /** {from, to}; throws IllegalArgumentException with a message for the API. */
    static Instant[] parse(String from, String to) {
        Instant end = to == null ? Instant.now() : instant("to", to);
        Instant start = from == null ? end.minus(DEFAULT) : instant("from", from);
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("from (" + start + ") must be before to (" + end + ")");
        }
        if (Duration.between(start, end).compareTo(MAX) > 0) {
            throw new IllegalArgumentException("the time range may span at most " + MAX.toDays() + " days");
        }
        return new Instant[] {start, end};
    }

    private static Instant instant(String name, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an ISO-8601 instant such as 2025-01-31T00:00:00Z, got \"" + value + "\"");
        }
    }
}
