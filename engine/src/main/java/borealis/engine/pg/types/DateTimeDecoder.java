package borealis.engine.pg.types;

import borealis.engine.pg.types.DateTimeFields.Field;
import borealis.engine.pg.types.DateTimeFields.Type;
import borealis.engine.pg.types.DateTimeWords.Word;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.JulianFields;
import java.util.List;

/**
 * PostgreSQL's date, time and timestamp input (DecodeDateTime, DecodeTimeOnly and ValidateDate in
 * datetime.c), field by field: each field's meaning follows from its form and from the fields read
 * before it (numbers: {@link DateTimeFieldReader}), and an all-numeric date's short fields from the
 * DateStyle order. One decoder reads one text.
 */
final class DateTimeDecoder extends DateTimeFieldReader {

    enum Special { EPOCH, INFINITY, MINUS_INFINITY }

    /**
     * What the text holds: a special value, or the date as written (a date input ignores the
     * time), the local date and time, and, when it named one, the zone's offset in seconds east of UTC.
     * {@code usedOrder}: the DateStyle order decided a field.
     */
    record Decoded(Special special, LocalDate date, LocalDateTime local, Integer offset, boolean usedOrder) {}

    /** A time of day is read (DecodeTimeOnly): a date may be given and is ignored, numbers are times. */
    private final boolean timeOnly;
    /** The transaction's time in the session's zone, for now, today, tomorrow and yesterday; null: they are refused as unsupported. */
    private final java.time.ZonedDateTime clock;

    private DateTimeDecoder(DateOrder order, boolean timeOnly, java.time.ZonedDateTime clock) {
        super(order);
        this.timeOnly = timeOnly;
        this.clock = clock;
    }

    static Decoded decode(String text, DateOrder order) throws DecodeException {
        return decode(text, order, false);
    }

    /** {@code timeOnly}: for the time type, whose result is {@link Decoded#local} on 2000-01-01 (24:00:00 the next day). */
    static Decoded decode(String text, DateOrder order, boolean timeOnly) throws DecodeException {
        return decode(text, order, timeOnly, null);
    }

    /** {@code clock}: what now, today, tomorrow and yesterday read (null: they fail as {@link Failure#UNSUPPORTED}). */
    static Decoded decode(String text, DateOrder order, boolean timeOnly, java.time.ZonedDateTime clock) throws DecodeException {
        List<Field> fields = DateTimeFields.split(text);
        if (fields == null || fields.isEmpty()) {
            throw new DecodeException(Failure.BAD_FORMAT, null);
        }
        return new DateTimeDecoder(order, timeOnly, clock).dateTime(fields);
    }

    private Decoded dateTime(List<Field> fields) throws DecodeException {
        int fmask = 0;
        int tmask;
        boolean haveTextMonth = false, julian = false, bc = false;
        int meridian = 0; // 0: 24 hours, 1: AM, 2: PM
        DateTimeWords.Kind ptype = null; // the label before this field: julian or T
        Integer tz = null;
        ZoneId namedZone = null;
        ZoneId abbreviationZone = null;
        Special special = null;
        boolean relativeDay = false;
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            String s = f.text();
            tmask = 0;
            switch (f.type()) {
                case DATE -> {
                    if (ptype != null || (fmask & (MONTH | DAY)) == (MONTH | DAY)) {
                        // after a whole date: a zone name (america/new_york) or a run-together time with an offset
                        if (DateTimeFields.digit(s.charAt(0)) || ptype != null) {
                            if (ptype != null && ptype != DateTimeWords.Kind.ISOTIME) {
                                throw bad();
                            }
                            ptype = null;
                            int dash = s.indexOf('-');
                            if ((fmask & TIME_M) == TIME_M || dash < 0) {
                                throw bad();
                            }
                            tz = timezone(s.substring(dash));
                            tmask = numberField(s.substring(0, dash), fmask) | TZ;
                        } else {
                            namedZone = DateTimeWords.zone(s);
                            if (namedZone == null) {
                                throw new DecodeException(Failure.ZONE_UNKNOWN, s);
                            }
                            tmask = TZ;
                        }
                    } else {
                        tmask = date(s, fmask);
                    }
                }
                case TIME -> {
                    if (ptype != null) {
                        if (ptype != DateTimeWords.Kind.ISOTIME) {
                            throw bad();
                        }
                        ptype = null;
                    }
                    tmask = time(s);
                    if (timeOverflows()) {
                        throw overflow();
                    }
                }
                case TZ -> {
                    tz = timezone(s);
                    tmask = TZ;
                }
                case NUMBER -> {
                    if (ptype != null) {
                        tmask = labelled(ptype, s, fmask);
                        julian |= ptype == DateTimeWords.Kind.JULIAN;
                        ptype = null;
                    } else if (timeOnly) {
                        int dot = s.indexOf('.');
                        if (dot >= 0 && dot <= 2) {
                            throw bad();
                        }
                        tmask = dot >= 0 || s.length() > 4 ? numberField(s, fmask | DATE_M) : number(s, false, fmask | DATE_M);
                    } else {
                        int dot = s.indexOf('.');
                        int flen = s.length();
                        if (dot >= 0 && (fmask & DATE_M) == 0) {
                            tmask = date(s, fmask); // 1999.008
                        } else if (dot > 2) {
                            tmask = numberField(s, fmask); // 040506.789
                        } else if (flen >= 6 && ((fmask & DATE_M) == 0 || (fmask & TIME_M) == 0)) {
                            tmask = numberField(s, fmask); // 19990108, 040506
                        } else {
                            tmask = number(s, haveTextMonth, fmask);
                        }
                    }
                }
                case STRING, SPECIAL -> {
                    ZoneId dynamic = DateTimeWords.dynamicAbbreviation(s);
                    if (dynamic != null) {
                        abbreviationZone = dynamic; // its offset is the one its zone had then: known with the date
                        tmask = TZ;
                        break;
                    }
                    Integer abbreviation = DateTimeWords.abbreviation(s);
                    if (abbreviation != null) {
                        tz = abbreviation;
                        tmask = TZ;
                        break;
                    }
                    Word w = DateTimeWords.word(s);
                    if (w == null) {
                        namedZone = DateTimeWords.zone(s); // an all-letter zone name (utc, gb)
                        if (namedZone == null) {
                            throw bad();
                        }
                        tmask = TZ;
                        break;
                    }
                    switch (w.kind()) {
                        case IGNORE -> {
                            continue;
                        }
                        case MONTH -> {
                            tmask = MONTH;
                            if ((fmask & MONTH) != 0 && !haveTextMonth && (fmask & DAY) == 0 && month >= 1 && month <= 31) {
                                day = month; // 8 january: the number read as a month was the day
                                tmask = DAY;
                            }
                            haveTextMonth = true;
                            month = w.value();
                        }
                        case DOW -> tmask = DOW;
                        case AD, BC -> {
                            tmask = ADBC;
                            bc = w.kind() == DateTimeWords.Kind.BC;
                        }
                        case AM, PM -> {
                            tmask = AMPM;
                            meridian = w.kind() == DateTimeWords.Kind.AM ? 1 : 2;
                        }
                        case DST -> {
                            tmask = DTZMOD;
                            if (tz == null) {
                                throw bad();
                            }
                            tz += 3600;
                        }
                        case JULIAN -> ptype = w.kind();
                        case ISOTIME -> {
                            // T before the time: a whole date before it and a time after it
                            if ((fmask & DATE_M) != DATE_M && !timeOnly || i + 1 >= fields.size()
                                    || !(fields.get(i + 1).type() == Type.NUMBER || fields.get(i + 1).type() == Type.TIME
                                    || fields.get(i + 1).type() == Type.DATE)) {
                                throw bad();
                            }
                            ptype = w.kind();
                        }
                        case ALLBALLS -> {
                            tmask = TIME_M | TZ;
                            hour = minute = second = micros = 0;
                            tz = 0;
                        }
                        case EPOCH, INFINITY, MINUS_INFINITY -> {
                            tmask = DATE_M | TIME_M | TZ;
                            special = switch (w.kind()) {
                                case EPOCH -> Special.EPOCH;
                                case INFINITY -> Special.INFINITY;
                                default -> Special.MINUS_INFINITY;
                            };
                        }
                        // read from the clock when the statement runs: without one, the caller must arrange that
                        case NOW -> {
                            if (clock == null) {
                                throw new DecodeException(Failure.UNSUPPORTED, s);
                            }
                            tmask = DATE_M | TIME_M | TZ;
                            year = clock.getYear();
                            month = clock.getMonthValue();
                            day = clock.getDayOfMonth();
                            hour = clock.getHour();
                            minute = clock.getMinute();
                            second = clock.getSecond();
                            micros = clock.getNano() / 1000;
                            tz = clock.getOffset().getTotalSeconds();
                        }
                        case TODAY, TOMORROW, YESTERDAY -> {
                            if (clock == null) {
                                throw new DecodeException(Failure.UNSUPPORTED, s);
                            }
                            // the date only: a time of day and a zone may follow ('tomorrow 10:00 EST')
                            tmask = DATE_M;
                            LocalDate d = clock.toLocalDate().plusDays(w.kind() == DateTimeWords.Kind.TODAY ? 0
                                    : w.kind() == DateTimeWords.Kind.TOMORROW ? 1 : -1);
                            year = d.getYear();
                            month = d.getMonthValue();
                            day = d.getDayOfMonth();
                            relativeDay = true;
                        }
                        default -> throw bad();
                    }
                }
                default -> throw bad();
            }
            if ((tmask & fmask) != 0) {
                throw bad();
            }
            fmask |= tmask;
        }
        if (ptype != null) {
            throw bad();
        }
        if (special != null) {
            return new Decoded(special, null, null, null, usedOrder);
        }
        validateDate(fmask, julian, bc);
        if (meridian != 0 && hour > 12) {
            throw overflow();
        }
        if (meridian == 1 && hour == 12) {
            hour = 0;
        } else if (meridian == 2 && hour != 12) {
            hour += 12;
        }
        if (timeOnly) {
            if ((fmask & TIME_M) != TIME_M) {
                throw bad();
            }
            year = 2000;
            month = 1;
            day = 1;
        } else if ((fmask & DATE_M) != DATE_M) {
            throw bad(); // a time alone is no date or timestamp
        }
        LocalDate date = LocalDate.of(year, month, day);
        // 24:00:00 and a leap second roll over into the next day or minute, as PostgreSQL's timestamps do
        LocalDateTime local = date.atStartOfDay()
                .plusNanos(((((long) hour * 60 + minute) * 60 + second) * 1_000_000L + micros) * 1000L);
        if (abbreviationZone != null && !timeOnly) {
            // PostgreSQL's DetermineTimeZoneAbbrevOffset: the zone's standard offset at the instant its rules give the local time
            java.time.Instant at = local.atZone(abbreviationZone).withLaterOffsetAtOverlap().toInstant();
            tz = abbreviationZone.getRules().getStandardOffset(at).getTotalSeconds();
        }
        if (relativeDay && tz == null && !timeOnly) {
            tz = clock.getZone().getRules().getOffset(local).getTotalSeconds(); // midnight where the session is
        }
        if (namedZone != null && !timeOnly) {
            if ((fmask & DTZMOD) != 0) {
                throw bad();
            }
            // PostgreSQL's choice where a zone's clock jumps: the offset before a gap, the later one in an overlap
            java.time.Instant at = local.atZone(namedZone).withLaterOffsetAtOverlap().toInstant();
            tz = (int) (local.toEpochSecond(java.time.ZoneOffset.UTC) - at.getEpochSecond());
        }
        return new Decoded(null, date, local, tz, usedOrder);
    }

    /** A number after a label: j2451187 (a Julian day), t040506 (a time). */
    private int labelled(DateTimeWords.Kind label, String s, int fmask) throws DecodeException {
        int dot = s.indexOf('.');
        String whole = dot < 0 ? s : s.substring(0, dot);
        if (label == DateTimeWords.Kind.JULIAN) {
            long jd = parseInt(whole);
            LocalDate d;
            try {
                d = LocalDate.MIN.with(JulianFields.JULIAN_DAY, jd);
            } catch (java.time.DateTimeException e) {
                throw overflow();
            }
            year = d.getYear();
            month = d.getMonthValue();
            day = d.getDayOfMonth();
            if (dot >= 0) {
                // a fraction of a day: the time of day
                long time = Math.round(Double.parseDouble("0" + s.substring(dot)) * USECS_PER_DAY);
                hour = (int) (time / 3_600_000_000L);
                minute = (int) (time / 60_000_000L % 60);
                second = (int) (time / 1_000_000L % 60);
                micros = (int) (time % 1_000_000L);
                return DATE_M | TIME_M;
            }
            return DATE_M;
        }
        int tmask = numberField(s, fmask | DATE_M);
        if (tmask != TIME_M) {
            throw bad();
        }
        return tmask;
    }

    /** The year's century and era, the day of the year, then a range check of month and day (ValidateDate). */
    private void validateDate(int fmask, boolean julian, boolean bc) throws DecodeException {
        if ((fmask & YEAR) != 0) {
            if (julian) {
                // the year is the calendar's already
            } else if (bc) {
                if (year <= 0) {
                    throw overflow();
                }
                year = 1 - year; // 1 BC is year 0
            } else if (is2digits) {
                if (year < 70) {
                    year += 2000;
                } else if (year < 100) {
                    year += 1900;
                }
            } else if (year <= 0) {
                throw overflow(); // there is no year 0 in AD/BC notation
            }
        }
        if ((fmask & DOY) != 0) {
            LocalDate d = LocalDate.of(year, 1, 1).plusDays(yday - 1);
            year = d.getYear();
            month = d.getMonthValue();
            day = d.getDayOfMonth();
        }
        if ((fmask & MONTH) != 0 && (month < 1 || month > 12)) {
            throw new DecodeException(Failure.MD_FIELD_OVERFLOW, null);
        }
        if ((fmask & DAY) != 0 && (day < 1 || day > 31)) {
            throw new DecodeException(Failure.MD_FIELD_OVERFLOW, null);
        }
        if ((fmask & DATE_M) == DATE_M && day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            throw overflow();
        }
    }
}
