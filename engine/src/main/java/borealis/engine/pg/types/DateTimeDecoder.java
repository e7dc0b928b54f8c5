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
 * PostgreSQL's date and timestamp input (DecodeDateTime, DecodeDate, DecodeNumber,
 * DecodeNumberField, DecodeTime, DecodeTimezone and ValidateDate in datetime.c), field by field:
 * each field's meaning follows from its form and from the fields read before it, and an
 * all-numeric date's short fields from the DateStyle order. One decoder reads one text.
 */
final class DateTimeDecoder {

    /** How the text failed, as PostgreSQL's DTERR codes. */
    enum Failure { BAD_FORMAT, FIELD_OVERFLOW, MD_FIELD_OVERFLOW, TZDISP_OVERFLOW, ZONE_UNKNOWN, UNSUPPORTED }

    /** Why a text cannot be read; no stack trace, as every non-date literal of an INSERT may be tried. */
    static final class DecodeException extends Exception {
        final Failure failure;
        final String detail;

        DecodeException(Failure failure, String detail) {
            super(failure.name(), null, false, false);
            this.failure = failure;
            this.detail = detail;
        }
    }

    enum Special { EPOCH, INFINITY, MINUS_INFINITY }

    /**
     * What the text holds: a special value, or the date as written (a date input ignores the
     * time), the local date and time, and, when it named one, the zone's offset in seconds east of UTC.
     * {@code usedOrder}: the DateStyle order decided a field.
     */
    record Decoded(Special special, LocalDate date, LocalDateTime local, Integer offset, boolean usedOrder) {}

    private static final int YEAR = 1, MONTH = 2, DAY = 4, DOY = 8, HOUR = 16, MINUTE = 32, SECOND = 64, TZ = 128,
            DTZMOD = 256, DOW = 512, AMPM = 1024, ADBC = 2048, RESERVED = 4096;
    private static final int DATE_M = YEAR | MONTH | DAY;
    private static final int TIME_M = HOUR | MINUTE | SECOND;
    private static final long USECS_PER_DAY = 86_400_000_000L;

    private final DateOrder order;
    /** A time of day is read (DecodeTimeOnly): a date may be given and is ignored, numbers are times. */
    private final boolean timeOnly;
    private int year, month, day, yday, hour, minute, second, micros;
    private boolean is2digits, usedOrder;

    private DateTimeDecoder(DateOrder order, boolean timeOnly) {
        this.order = order;
        this.timeOnly = timeOnly;
    }

    static Decoded decode(String text, DateOrder order) throws DecodeException {
        return decode(text, order, false);
    }

    /** {@code timeOnly}: for the time type, whose result is {@link Decoded#local} on 2000-01-01 (24:00:00 the next day). */
    static Decoded decode(String text, DateOrder order, boolean timeOnly) throws DecodeException {
        List<Field> fields = DateTimeFields.split(text);
        if (fields == null || fields.isEmpty()) {
            throw new DecodeException(Failure.BAD_FORMAT, null);
        }
        return new DateTimeDecoder(order, timeOnly).dateTime(fields);
    }

    private Decoded dateTime(List<Field> fields) throws DecodeException {
        int fmask = 0;
        int tmask;
        boolean haveTextMonth = false, julian = false, bc = false;
        int meridian = 0; // 0: 24 hours, 1: AM, 2: PM
        DateTimeWords.Kind ptype = null; // the label before this field: julian or T
        Integer tz = null;
        ZoneId namedZone = null;
        Special special = null;
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
                        // read when the statement is, from the clock and the session's zone: not here
                        case NOW, TODAY, TOMORROW, YESTERDAY -> throw new DecodeException(Failure.UNSUPPORTED, s);
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

    /** A date field with its own separators (DecodeDate): 1999-01-08, jan-08-99, 08/jan/1999, 1999.008. */
    private int date(String s, int fmask) throws DecodeException {
        java.util.List<String> parts = new java.util.ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            while (i < s.length() && !Character.isLetterOrDigit(s.charAt(i))) {
                i++;
            }
            if (i >= s.length()) {
                throw bad(); // a separator at the end
            }
            int start = i;
            if (DateTimeFields.digit(s.charAt(i))) {
                while (i < s.length() && DateTimeFields.digit(s.charAt(i))) {
                    i++;
                }
            } else {
                while (i < s.length() && Character.isLetter(s.charAt(i))) {
                    i++;
                }
            }
            if (i == start) {
                throw bad();
            }
            parts.add(s.substring(start, i));
            if (i < s.length()) {
                i++; // one separator (or a stray character) is dropped
            }
        }
        int tmask = 0;
        boolean haveTextMonth = false;
        for (int k = 0; k < parts.size(); k++) { // a month name first: it decides the numbers' order
            String p = parts.get(k);
            if (!Character.isLetter(p.charAt(0))) {
                continue;
            }
            Word w = DateTimeWords.word(p);
            if (w != null && w.kind() == DateTimeWords.Kind.IGNORE) {
                parts.set(k, null);
                continue;
            }
            if (w == null || w.kind() != DateTimeWords.Kind.MONTH || (fmask & MONTH) != 0) {
                throw bad();
            }
            month = w.value();
            haveTextMonth = true;
            fmask |= MONTH;
            tmask |= MONTH;
            parts.set(k, null);
        }
        for (String p : parts) {
            if (p == null) {
                continue;
            }
            int dmask = number(p, haveTextMonth, fmask);
            if ((fmask & dmask) != 0) {
                throw bad();
            }
            fmask |= dmask;
            tmask |= dmask;
        }
        if ((fmask & DATE_M) != DATE_M) {
            throw bad();
        }
        return tmask;
    }

    /** One number whose meaning the fields before it decide (DecodeNumber). */
    private int number(String s, boolean haveTextMonth, int fmask) throws DecodeException {
        int flen = s.length();
        int dot = s.indexOf('.');
        String digits = dot < 0 ? s : s.substring(0, dot);
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw bad();
        }
        int val = parseInt(digits);
        if (dot >= 0) {
            if (dot > 2) {
                return numberField(s, fmask | DATE_M); // a run-together time with a fraction
            }
            micros = fraction(s.substring(dot));
        }
        if (flen == 3 && (fmask & DATE_M) == YEAR && val >= 1 && val <= 366) {
            yday = val; // 1999.008: the day of the year
            return DOY | MONTH | DAY;
        }
        int tmask;
        switch (fmask & DATE_M) {
            case 0 -> {
                // either y-m-d with a year of three digits or more, or the DateStyle order
                if (flen < 3) {
                    usedOrder = true;
                }
                if (flen >= 3 || order == DateOrder.YMD) {
                    tmask = YEAR;
                    year = val;
                } else if (order == DateOrder.DMY) {
                    tmask = DAY;
                    day = val;
                } else {
                    tmask = MONTH;
                    month = val;
                }
            }
            case YEAR -> {
                tmask = MONTH;
                month = val;
            }
            case MONTH -> {
                if (haveTextMonth) {
                    // mon-dd-yyyy, dd-mon-yyyy, yyyy-mon-dd; yy-mon-dd only under YMD
                    if (flen < 3) {
                        usedOrder = true;
                    }
                    if (flen >= 3 || order == DateOrder.YMD) {
                        tmask = YEAR;
                        year = val;
                    } else {
                        tmask = DAY;
                        day = val;
                    }
                } else {
                    tmask = DAY; // mm-dd-yy
                    day = val;
                }
            }
            case YEAR | MONTH -> {
                tmask = DAY;
                if (haveTextMonth && flen >= 3 && is2digits) {
                    day = year; // dd-mon-yyyy even under YMD: the first number was the day
                    year = val;
                    is2digits = false;
                    return tmask;
                }
                day = val;
            }
            case DAY -> {
                tmask = MONTH; // dd-mm-yy
                month = val;
            }
            case MONTH | DAY -> {
                tmask = YEAR;
                year = val;
            }
            case DATE_M -> {
                return numberField(s, fmask); // the date is whole: a time
            }
            default -> throw bad();
        }
        if (tmask == YEAR) {
            is2digits = flen <= 2;
        }
        return tmask;
    }

    /** Digits run together (DecodeNumberField): yyyymmdd or yymmdd, hhmmss or hhmm, with a fraction of a second. */
    private int numberField(String s, int fmask) throws DecodeException {
        int dot = s.indexOf('.');
        if (dot >= 0) {
            micros = fraction(s.substring(dot));
            s = s.substring(0, dot);
        } else if ((fmask & DATE_M) != DATE_M && s.length() >= 6) {
            int len = s.length();
            day = parseInt(s.substring(len - 2));
            month = parseInt(s.substring(len - 4, len - 2));
            year = parseInt(s.substring(0, len - 4));
            if (len - 4 == 2) {
                is2digits = true;
            }
            return DATE_M;
        }
        if ((fmask & TIME_M) != TIME_M) {
            if (s.length() == 6) {
                hour = parseInt(s.substring(0, 2));
                minute = parseInt(s.substring(2, 4));
                second = parseInt(s.substring(4));
                return TIME_M;
            } else if (s.length() == 4) {
                hour = parseInt(s.substring(0, 2));
                minute = parseInt(s.substring(2, 4));
                second = 0;
                return TIME_M;
            }
        }
        throw bad();
    }

    /** hh:mm, hh:mm:ss, hh:mm:ss.fff, mm:ss.fff (DecodeTime). */
    private int time(String s) throws DecodeException {
        String[] parts = s.split(":", -1);
        micros = 0;
        if (parts.length == 2) {
            hour = parseInt(parts[0]);
            int dot = parts[1].indexOf('.');
            if (dot < 0) {
                minute = parseInt(parts[1]);
                second = 0;
            } else {
                second = parseInt(parts[1].substring(0, dot)); // mm:ss.fff
                micros = fraction(parts[1].substring(dot));
                minute = hour;
                hour = 0;
            }
        } else if (parts.length == 3) {
            hour = parseInt(parts[0]);
            minute = parseInt(parts[1]);
            int dot = parts[2].indexOf('.');
            second = parseInt(dot < 0 ? parts[2] : parts[2].substring(0, dot));
            if (dot >= 0) {
                micros = fraction(parts[2].substring(dot));
            }
        } else {
            throw bad();
        }
        if (minute > 59 || second > 60 || micros > 1_000_000) {
            throw overflow();
        }
        return TIME_M;
    }

    /** hh:mm and seconds are allowed up to 24:00:00 and a leap second, not past the day's end. */
    private boolean timeOverflows() {
        return hour > 24 || minute > 59 || second > 60 || micros > 1_000_000
                || (((long) hour * 60 + minute) * 60 + second) * 1_000_000L + micros > USECS_PER_DAY;
    }

    /** An offset (DecodeTimezone): +hh, -hhmm, +hh:mm, +hh:mm:ss; in seconds east of UTC. */
    private static int timezone(String s) throws DecodeException {
        if (s.charAt(0) != '+' && s.charAt(0) != '-') {
            throw bad();
        }
        String body = s.substring(1);
        int end = 0;
        while (end < body.length() && DateTimeFields.digit(body.charAt(end))) {
            end++;
        }
        if (end == 0) {
            throw bad();
        }
        int hr = parseInt(body.substring(0, end));
        int min = 0, sec = 0;
        String rest = body.substring(end);
        if (rest.startsWith(":")) {
            String[] p = rest.substring(1).split(":", -1);
            if (p.length > 2 || p[0].isEmpty() || (p.length == 2 && p[1].isEmpty())) {
                throw bad();
            }
            min = parseInt(p[0]);
            sec = p.length == 2 ? parseInt(p[1]) : 0;
        } else if (rest.isEmpty() && s.length() > 3) {
            min = hr % 100; // -0800
            hr = hr / 100;
        } else if (!rest.isEmpty()) {
            throw bad();
        }
        if (hr > 15 || min >= 60 || sec >= 60) {
            throw new DecodeException(Failure.TZDISP_OVERFLOW, null);
        }
        int tz = (hr * 60 + min) * 60 + sec;
        return s.charAt(0) == '-' ? -tz : tz;
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

    /** .fff as microseconds, rounded as PostgreSQL's rint. */
    private static int fraction(String s) throws DecodeException {
        if (s.length() < 2 || !s.substring(1).chars().allMatch(c -> c >= '0' && c <= '9')) {
            if (s.equals(".")) {
                return 0;
            }
            throw bad();
        }
        return (int) Math.rint(Double.parseDouble("0" + s) * 1_000_000);
    }

    private static int parseInt(String s) throws DecodeException {
        if (s.isEmpty() || s.length() > 9 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw s.length() > 9 ? overflow() : bad();
        }
        return Integer.parseInt(s);
    }

    private static DecodeException bad() {
        return new DecodeException(Failure.BAD_FORMAT, null);
    }

    private static DecodeException overflow() {
        return new DecodeException(Failure.FIELD_OVERFLOW, null);
    }
}
