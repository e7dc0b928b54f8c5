package borealis.engine.pg.types;

import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;

/**
 * The words PostgreSQL's date/time input knows (datetktbl in datetime.c): month and day names,
 * AD/BC, AM/PM, the special values, field labels; and the time zone abbreviations of its
 * {@code Default} set that are in common use, with their UTC offsets. Full zone names
 * ({@code america/new_york}) are java.time's, matched without regard to case as PostgreSQL does.
 */
final class DateTimeWords {

    private DateTimeWords() {}

    enum Kind { MONTH, DOW, AD, BC, AM, PM, IGNORE, JULIAN, ISOTIME, EPOCH, INFINITY, MINUS_INFINITY, ALLBALLS, NOW, TODAY, TOMORROW, YESTERDAY, DST }

    record Word(Kind kind, int value) {}

    private static final Map<String, Word> WORDS = new HashMap<>();
    /** Fixed-offset abbreviations, seconds east of UTC; daylight ones are marked in {@link #DAYLIGHT}. */
    private static final Map<String, Integer> ABBREVIATIONS = new HashMap<>();
    private static final java.util.Set<String> DAYLIGHT = new java.util.HashSet<>();
    private static final Map<String, ZoneId> ZONES = new HashMap<>();

    static {
        String[][] months = {{"jan", "january"}, {"feb", "february"}, {"mar", "march"}, {"apr", "april"}, {"may"},
            {"jun", "june"}, {"jul", "july"}, {"aug", "august"}, {"sep", "sept", "september"}, {"oct", "october"},
            {"nov", "november"}, {"dec", "december"}};
        for (int m = 0; m < months.length; m++) {
            for (String name : months[m]) {
                WORDS.put(name, new Word(Kind.MONTH, m + 1));
            }
        }
        String[][] days = {{"sun", "sunday"}, {"mon", "monday"}, {"tue", "tues", "tuesday"}, {"wed", "wednesday", "weds"},
            {"thu", "thur", "thurs", "thursday"}, {"fri", "friday"}, {"sat", "saturday"}};
        for (int d = 0; d < days.length; d++) {
            for (String name : days[d]) {
                WORDS.put(name, new Word(Kind.DOW, d));
            }
        }
        word(Kind.AD, "ad");
        word(Kind.BC, "bc");
        word(Kind.AM, "am");
        word(Kind.PM, "pm");
        word(Kind.IGNORE, "on", "at");
        word(Kind.JULIAN, "j", "jd", "julian");
        word(Kind.ISOTIME, "t");
        word(Kind.EPOCH, "epoch");
        word(Kind.INFINITY, "infinity", "+infinity");
        word(Kind.MINUS_INFINITY, "-infinity");
        word(Kind.ALLBALLS, "allballs");
        word(Kind.NOW, "now");
        word(Kind.TODAY, "today");
        word(Kind.TOMORROW, "tomorrow");
        word(Kind.YESTERDAY, "yesterday");
        word(Kind.DST, "dst");
        abbreviation(0, false, "utc", "gmt", "ut", "z", "zulu", "wet", "greenwich");
        abbreviation(-8 * 3600, false, "pst");
        abbreviation(-7 * 3600, true, "pdt");
        abbreviation(-7 * 3600, false, "mst");
        abbreviation(-6 * 3600, true, "mdt");
        abbreviation(-6 * 3600, false, "cst");
        abbreviation(-5 * 3600, true, "cdt");
        abbreviation(-5 * 3600, false, "est");
        abbreviation(-4 * 3600, true, "edt");
        abbreviation(-4 * 3600, false, "ast");
        abbreviation(-3 * 3600, true, "adt");
        abbreviation(-9 * 3600, false, "akst");
        abbreviation(-8 * 3600, true, "akdt");
        abbreviation(-10 * 3600, false, "hst");
        abbreviation(-(3 * 3600 + 1800), false, "nst");
        abbreviation(-(2 * 3600 + 1800), true, "ndt");
        abbreviation(3600, true, "bst", "west");
        abbreviation(3600, false, "cet", "met", "mez");
        abbreviation(2 * 3600, true, "cest", "mest", "mesz");
        abbreviation(2 * 3600, false, "eet", "ist", "sast");
        abbreviation(3 * 3600, true, "eest");
        abbreviation(8 * 3600, false, "awst", "hkt", "sgt", "pht");
        abbreviation(9 * 3600, false, "jst", "kst");
        abbreviation(9 * 3600 + 1800, false, "acst");
        abbreviation(10 * 3600 + 1800, true, "acdt");
        abbreviation(10 * 3600, false, "aest");
        abbreviation(11 * 3600, true, "aedt");
        abbreviation(12 * 3600, false, "nzst");
        abbreviation(13 * 3600, true, "nzdt");
        for (String id : ZoneId.getAvailableZoneIds()) {
            ZONES.put(id.toLowerCase(java.util.Locale.ROOT), ZoneId.of(id));
        }
    }

    private static void word(Kind kind, String... names) {
        for (String name : names) {
            WORDS.put(name, new Word(kind, 0));
        }
    }

    private static void abbreviation(int seconds, boolean daylight, String... names) {
        for (String name : names) {
            ABBREVIATIONS.put(name, seconds);
            if (daylight) {
                DAYLIGHT.add(name);
            }
        }
    }

    /** The word, or null when it is none PostgreSQL knows (lower case). */
    static Word word(String name) {
        return WORDS.get(name);
    }

    /** The field labels PostgreSQL's table also holds (y2001m02d04): keywords, though not decoded here. */
    private static final java.util.Set<String> LABELS = java.util.Set.of("y", "m", "d", "h", "mm", "s");

    /** Whether ParseDateTime would take {@code name} for a word of its own table (so j2451187 is j and a number). */
    static boolean isKeyword(String name) {
        return WORDS.containsKey(name) || LABELS.contains(name);
    }

    /** Abbreviations whose offset changed over the years (PostgreSQL's Default set defines them by a zone). */
    private static final Map<String, ZoneId> DYNAMIC = Map.of("msk", ZoneId.of("Europe/Moscow"));

    /** The zone of an abbreviation whose offset depends on the date, or null. */
    static ZoneId dynamicAbbreviation(String name) {
        return DYNAMIC.get(name);
    }

    /** The UTC offset of a zone abbreviation in seconds east, or null. */
    static Integer abbreviation(String name) {
        return ABBREVIATIONS.get(name);
    }

    /** Whether the abbreviation names a daylight-saving offset (DST may not follow it). */
    static boolean daylight(String name) {
        return DAYLIGHT.contains(name);
    }

    /** A POSIX zone without daylight rules ({@code gmt+8}, {@code pst-03:00}): its offset counts hours west. */
    private static final java.util.regex.Pattern POSIX = java.util.regex.Pattern.compile("[a-z]+([+-])(\\d{1,2})(?::(\\d\\d))?");

    /** The zone of a full zone name, any case, or of a POSIX zone; null when it is neither. */
    static ZoneId zone(String name) {
        ZoneId zone = ZONES.get(name);
        java.util.regex.Matcher m = POSIX.matcher(name);
        if (zone != null || !m.matches()) {
            return zone;
        }
        int seconds = (Integer.parseInt(m.group(2)) * 60 + (m.group(3) == null ? 0 : Integer.parseInt(m.group(3)))) * 60;
        return seconds > 18 * 3600 ? null : java.time.ZoneOffset.ofTotalSeconds(m.group(1).equals("+") ? -seconds : seconds);
    }
}
