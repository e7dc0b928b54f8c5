package borealis.engine.pg.sql;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import java.util.Locale;
import java.util.Set;

/**
 * EXPLAIN's options as PostgreSQL takes them ({@code EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ...},
 * {@code EXPLAIN ANALYZE VERBOSE ...}), reduced to what H2's EXPLAIN has: ANALYZE or not. The plan
 * is H2's text either way; options that only shape PostgreSQL's text (VERBOSE, COSTS, BUFFERS,
 * SETTINGS, SUMMARY, TIMING, WAL) are checked as PostgreSQL checks them and dropped, so a tool or
 * a developer's habit does not meet a syntax error. FORMAT other than TEXT is refused (0A000): a
 * tool that parses JSON or XML would get text.
 */
final class ExplainOptions {

    private static final Set<String> BOOLEAN_OPTIONS = Set.of("ANALYZE", "ANALYSE", "VERBOSE", "COSTS", "SETTINGS", "BUFFERS", "WAL",
            "TIMING", "SUMMARY");

    private ExplainOptions() {}

    static void apply(TokenList t) {
        if (!t.is(0, "EXPLAIN") || t.size() < 2) {
            return;
        }
        if (t.get(1).isOpen()) {
            int close = t.closing(1);
            if (close < 0) {
                return;
            }
            boolean analyze = options(t, 2, close);
            t.replace(1, close + 1, analyze ? "ANALYZE" : "");
            return;
        }
        int i = 1;
        if (t.is(i, "ANALYZE") || t.is(i, "ANALYSE")) {
            t.replace(i, i + 1, "ANALYZE");
            i++;
        }
        if (t.is(i, "VERBOSE")) {
            t.replace(i, i + 1, "");
        }
    }

    /** Checks the options between {@code from} and {@code to} (exclusive); whether ANALYZE is on. */
    private static boolean options(TokenList t, int from, int to) {
        java.util.List<Integer> starts = t.splitCommas(from, to);
        boolean analyze = false;
        boolean timing = false;
        boolean wal = false;
        for (int a = 0; a + 1 < starts.size(); a++) {
            int s = starts.get(a);
            int e = starts.get(a + 1) - 1;
            Tok name = t.get(s);
            if (s >= e || !name.isWord()) {
                throw new PgException(PgError.error("42601", "syntax error at or near \"" + (s < e ? name.text : ")") + "\""));
            }
            String option = name.text.toUpperCase(Locale.ROOT);
            String value = s + 1 < e ? t.text(s + 1, e).trim() : null;
            if (option.equals("FORMAT")) {
                String format = value == null ? "" : value.toUpperCase(Locale.ROOT);
                if (!Set.of("TEXT", "JSON", "XML", "YAML").contains(format)) {
                    throw new PgException(PgError.error("22023", "unrecognized value for EXPLAIN option \"format\": \""
                            + (value == null ? "" : value) + "\""));
                }
                if (!format.equals("TEXT")) {
                    throw new PgException(PgError.error("0A000", "EXPLAIN (FORMAT " + format + ") is not supported by Borealis: "
                            + "its plans are the engine's, in text"));
                }
                continue;
            }
            if (!BOOLEAN_OPTIONS.contains(option)) {
                throw new PgException(PgError.error("42601", "unrecognized EXPLAIN option \"" + name.text.toLowerCase(Locale.ROOT) + "\""));
            }
            boolean on = value == null || bool(value, option);
            switch (option) {
                case "ANALYZE", "ANALYSE" -> analyze = on;
                case "TIMING" -> timing = on;
                case "WAL" -> wal = on;
                default -> { }
            }
        }
        if (timing && !analyze) {
            throw new PgException(PgError.error("22023", "EXPLAIN option TIMING requires ANALYZE"));
        }
        if (wal && !analyze) {
            throw new PgException(PgError.error("22023", "EXPLAIN option WAL requires ANALYZE"));
        }
        return analyze;
    }

    /** A Boolean option's value as PostgreSQL's defGetBoolean reads it. */
    private static boolean bool(String value, String option) {
        String v = value.toLowerCase(Locale.ROOT);
        if (v.startsWith("'") && v.endsWith("'") && v.length() >= 2) {
            v = v.substring(1, v.length() - 1);
        }
        return switch (v) {
            case "true", "on", "1" -> true;
            case "false", "off", "0" -> false;
            default -> throw new PgException(PgError.error("42601", option.toLowerCase(Locale.ROOT) + " requires a Boolean value"));
        };
    }
}
