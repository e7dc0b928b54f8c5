package borealis.engine.pg.catalog;

import borealis.engine.pg.types.PgIntervals;
import borealis.engine.pg.types.SessionTimeZone;
import java.math.BigInteger;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.h2.util.IntervalUtils;
import org.h2.value.Value;
import org.h2.value.ValueInterval;

/**
 * {@code x AT TIME ZONE zone} as PostgreSQL computes it, which H2's operator of that name does not:
 * a timestamp is read as wall-clock time in the zone and becomes a timestamptz; a timestamptz
 * becomes the wall-clock time it has in the zone (a timestamp). The translator picks the function by
 * the operand's type. An infinity stays itself.
 */
public final class TimeZoneFunctions {

    private TimeZoneFunctions() {}

    /** timestamp AT TIME ZONE zone: the instant whose wall-clock time in the zone is {@code ts}. */
    public static OffsetDateTime timezone_of_timestamp(Value zone, LocalDateTime ts) throws SQLException {
        if (ts == null || zone == null || zone == org.h2.value.ValueNull.INSTANCE) {
            return null;
        }
        if (infinite(ts)) {
            return ts.atOffset(ZoneOffset.UTC);
        }
        // PostgreSQL's DetermineTimeZoneOffset: in a fall-back overlap the later reading, in a
        // spring-forward gap the offset from before it (java.time moves the time forward by the gap: the same instant)
        ZoneId id = zone(zone);
        OffsetDateTime at = ZonedDateTime.ofLocal(ts, id, null).withLaterOffsetAtOverlap().toOffsetDateTime();
        if (SessionTimeZone.isDynamicAbbreviation(zone.getString())) {
            // an abbreviation (MSK) means the offset it had at that instant: a wall-clock time in
            // a spring-forward gap takes the new offset (PostgreSQL's DetermineTimeZoneAbbrevOffset)
            return ts.atOffset(id.getRules().getOffset(at.toInstant()));
        }
        return at;
    }

    /** timestamptz AT TIME ZONE zone: the wall-clock time the instant has in the zone. */
    public static LocalDateTime timezone_of_timestamptz(Value zone, OffsetDateTime ts) throws SQLException {
        if (ts == null || zone == null || zone == org.h2.value.ValueNull.INSTANCE) {
            return null;
        }
        if (infinite(ts.toLocalDateTime())) {
            return ts.toLocalDateTime();
        }
        return ts.atZoneSameInstant(zone(zone)).toLocalDateTime();
    }

    private static boolean infinite(LocalDateTime ts) {
        return Math.abs(ts.getYear()) == java.time.Year.MAX_VALUE;
    }

    /** The zone a text names, or the offset (hours east) an interval gives. */
    private static ZoneId zone(Value zone) throws SQLException {
        if (zone instanceof ValueInterval interval) {
            if (interval.getQualifier().isYearMonth()) {
                long months = IntervalUtils.intervalToAbsolute(interval).longValueExact();
                throw new SQLException("interval time zone \"" + PgIntervals.text(months, 0, 0) + "\" must not include months or days", "22023");
            }
            BigInteger nanos = IntervalUtils.intervalToAbsolute(interval);
            long seconds = nanos.divide(BigInteger.valueOf(1_000_000_000L)).longValueExact();
            if (Math.abs(seconds) >= 24 * 3600) {
                String shown = PgIntervals.text(0, seconds / 86400, (seconds % 86400) * 1_000_000L);
                throw new SQLException("interval time zone \"" + shown + "\" must not include months or days", "22023");
            }
            return ZoneOffset.ofTotalSeconds((int) seconds);
        }
        String name = zone.getString();
        ZoneId id = SessionTimeZone.atTimeZone(name);
        if (id == null) {
            throw new SQLException("time zone \"" + name + "\" not recognized", "22023");
        }
        return id;
    }
}
