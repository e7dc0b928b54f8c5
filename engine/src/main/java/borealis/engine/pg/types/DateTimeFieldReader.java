package borealis.engine.pg.types;

import borealis.engine.pg.types.DateTimeWords.Word;

/**
 * The fields of a date/time input that are numbers, and the parts they set (DecodeDate,
 * DecodeNumber, DecodeNumberField, DecodeTime and DecodeTimezone in PostgreSQL's datetime.c): which
 * part a number is follows from its length, the parts read before it and the DateStyle order.
 * {@link DateTimeDecoder} reads the text field by field with them.
 */
abstract class DateTimeFieldReader {

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

    /** The parts a field sets, as bits: two fields may not set the same part (PostgreSQL's DTK_M masks). */
    static final int YEAR = 1, MONTH = 2, DAY = 4, DOY = 8, HOUR = 16, MINUTE = 32, SECOND = 64, TZ = 128,
            DTZMOD = 256, DOW = 512, AMPM = 1024, ADBC = 2048;
    static final int DATE_M = YEAR | MONTH | DAY;
    static final int TIME_M = HOUR | MINUTE | SECOND;
    static final long USECS_PER_DAY = 86_400_000_000L;

    final DateOrder order;
    /** The parts read so far (yday: a day of the year, 1999.008). */
    int year, month, day, yday, hour, minute, second, micros;
    /** The year was written with one or two digits (99: 1999); the DateStyle order decided a field. */
    boolean is2digits, usedOrder;

    DateTimeFieldReader(DateOrder order) {
        this.order = order;
    }

    /** A date field with its own separators (DecodeDate): 1999-01-08, jan-08-99, 08/jan/1999, 1999.008. */
    int date(String s, int fmask) throws DecodeException {
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
    int number(String s, boolean haveTextMonth, int fmask) throws DecodeException {
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
    int numberField(String s, int fmask) throws DecodeException {
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
    int time(String s) throws DecodeException {
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
    boolean timeOverflows() {
        return hour > 24 || minute > 59 || second > 60 || micros > 1_000_000
                || (((long) hour * 60 + minute) * 60 + second) * 1_000_000L + micros > USECS_PER_DAY;
    }

    /** An offset (DecodeTimezone): +hh, -hhmm, +hh:mm, +hh:mm:ss; in seconds east of UTC. */
    static int timezone(String s) throws DecodeException {
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

    /** .fff as microseconds, rounded as PostgreSQL's rint. */
    static int fraction(String s) throws DecodeException {
        if (s.length() < 2 || !s.substring(1).chars().allMatch(c -> c >= '0' && c <= '9')) {
            if (s.equals(".")) {
                return 0;
            }
            throw bad();
        }
        return (int) Math.rint(Double.parseDouble("0" + s) * 1_000_000);
    }

    static int parseInt(String s) throws DecodeException {
        if (s.isEmpty() || s.length() > 9 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw s.length() > 9 ? overflow() : bad();
        }
        return Integer.parseInt(s);
    }

    static DecodeException bad() {
        return new DecodeException(Failure.BAD_FORMAT, null);
    }

    static DecodeException overflow() {
        return new DecodeException(Failure.FIELD_OVERFLOW, null);
    }
}
