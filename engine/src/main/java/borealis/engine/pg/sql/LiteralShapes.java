package borealis.engine.pg.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Translations shared by statements that differ only in their integer literals, as the simple
 * protocol's statements do (pgbench's {@code ... WHERE aid = 56789}, ORMs that inline ids): such
 * texts rarely repeat, so the cache by text missed and each was translated again, a third of the
 * SQL threads' samples in pgbench's TPC-B.
 *
 * <p>A statement's shape is its text with every integer literal replaced by a marker of its range
 * (int4 or int8). The first statement of a shape is translated twice: as sent, and with each
 * literal replaced by a distinct sentinel of the same range. The shape gets a template only when
 * the sentinels' translation, with the literals put back, is exactly the statement's own
 * translation and everything else about the two translations is equal; a translation that looks
 * at a literal's value (a positional ORDER BY, a type's precision) fails that check, and its shape
 * is remembered as not shared.
 */
final class LiteralShapes {

    /** Literals with more digits are kept in the shape (they are not int8 values). */
    private static final int MAX_DIGITS = 18;
    private static final String INT4_SENTINEL_BASE = "1000000";
    private static final String INT8_SENTINEL_BASE = "100000000000000";

    /** A shape's translation with a hole where each literal goes; or {@link #NOT_SHARED}. */
    record Template(List<String> pieces, int[] literalOfHole, Translation translation) {
        String fill(List<String> literals) {
            StringBuilder out = new StringBuilder(pieces.get(0));
            for (int h = 0; h < literalOfHole.length; h++) {
                out.append(literals.get(literalOfHole[h])).append(pieces.get(h + 1));
            }
            return out.toString();
        }
    }

    static final Template NOT_SHARED = new Template(List.of(), new int[0], null);

    /** A statement's integer literals (as written) and its shape, or null when it has none. */
    record Shape(String key, List<String> literals, List<int[]> spans) {}

    private LiteralShapes() {}

    static Shape shape(String sql) {
        List<String> literals = null;
        List<int[]> spans = null;
        StringBuilder key = null;
        int copied = 0;
        // Literals whose value a translation may look at stay in the shape: 0 and 1, a LIMIT's or
        // OFFSET's count, and anything in an ORDER BY, GROUP BY or PARTITION BY list (positions).
        int depth = 0;
        long byListAtDepth = 0; // bit d: inside a BY list at parenthesis depth d (d < 64)
        String previous = "";
        boolean first = true;
        for (SqlLexer.Token t : SqlLexer.tokenize(sql)) {
            if (!t.isCode()) {
                continue;
            }
            String word = t.keyword();
            if (first && DDL.contains(word)) {
                return null; // type modifiers and the like; such statements rarely repeat
            }
            first = false;
            if (t.kind() == SqlLexer.Kind.LPAREN) {
                depth++;
            } else if (t.kind() == SqlLexer.Kind.RPAREN) {
                byListAtDepth &= ~bit(depth);
                depth = Math.max(0, depth - 1);
            } else if (word.equals("BY") && (previous.equals("ORDER") || previous.equals("GROUP") || previous.equals("PARTITION"))) {
                byListAtDepth |= bit(depth);
            } else if (BY_LIST_ENDS.contains(word) || t.kind() == SqlLexer.Kind.SEMICOLON) {
                byListAtDepth &= ~bit(depth);
            }
            boolean valueMatters = (byListAtDepth & bit(depth)) != 0 || previous.equals("LIMIT") || previous.equals("OFFSET")
                    || previous.equals("FETCH") || previous.equals("FIRST") || previous.equals("NEXT");
            previous = word;
            if (t.kind() != SqlLexer.Kind.NUMBER || !digitsOnly(t.text()) || valueMatters || t.text().equals("0")
                    || t.text().equals("1")) {
                continue;
            }
            if (literals == null) {
                literals = new ArrayList<>();
                spans = new ArrayList<>();
                key = new StringBuilder(sql.length());
            }
            key.append(sql, copied, t.start()).append('\0').append(int4(t.text()) ? '4' : '8');
            copied = t.end();
            literals.add(t.text());
            spans.add(new int[] {t.start(), t.end()});
        }
        if (literals == null) {
            return null;
        }
        key.append(sql, copied, sql.length());
        return new Shape(key.toString(), literals, spans);
    }

    /**
     * The shape's template, made from this statement when the shape is new. {@code translate}
     * translates a text; its errors are the statement's own (a failure on the sentinels only marks
     * the shape not shared).
     */
    static Template template(Shape shape, String sql, Translation own, Function<String, Translation> translate) {
        if (!own.cacheable()) {
            return NOT_SHARED;
        }
        List<String> sentinels = new ArrayList<>();
        StringBuilder withSentinels = new StringBuilder(sql.length() + 8 * shape.literals().size());
        int copied = 0;
        for (int i = 0; i < shape.literals().size(); i++) {
            int[] span = shape.spans().get(i);
            String sentinel = sentinel(shape.literals().get(i), i);
            sentinels.add(sentinel);
            withSentinels.append(sql, copied, span[0]).append(sentinel);
            copied = span[1];
        }
        withSentinels.append(sql, copied, sql.length());
        Translation other;
        try {
            other = translate.apply(withSentinels.toString());
        } catch (RuntimeException e) {
            return NOT_SHARED;
        }
        if (!other.cacheable() || other.parameters() != own.parameters() || !java.util.Objects.equals(other.emptyColumns(), own.emptyColumns())
                || other.changesSchema() != own.changesSchema() || other.readsCatalog() != own.readsCatalog()
                || other.upsert() != own.upsert() || !java.util.Objects.equals(other.conflictTarget(), own.conflictTarget())) {
            return NOT_SHARED;
        }
        Template template = split(other.engineSql(), sentinels, own);
        return template != null && template.fill(shape.literals()).equals(own.engineSql()) ? template : NOT_SHARED;
    }

    /** The statement's translation from its shape's template. */
    static Translation fill(Template template, Shape shape) {
        Translation t = template.translation();
        return new Translation(template.fill(shape.literals()), t.parameters(), t.emptyColumns(), t.changesSchema(), t.readsCatalog(),
                t.cacheable(), t.upsert(), t.conflictTarget());
    }

    /** Splits the sentinels' translation at each sentinel; null unless each occurs exactly once as a whole number. */
    private static Template split(String engineSql, List<String> sentinels, Translation own) {
        List<String> pieces = new ArrayList<>();
        List<Integer> holes = new ArrayList<>();
        int copied = 0;
        int i = 0;
        int n = engineSql.length();
        while (i < n) {
            char c = engineSql.charAt(i);
            if (c >= '0' && c <= '9' && (i == 0 || !wordChar(engineSql.charAt(i - 1)))) {
                int end = i;
                while (end < n && wordChar(engineSql.charAt(end))) {
                    end++;
                }
                int which = sentinels.indexOf(engineSql.substring(i, end));
                if (which >= 0) {
                    if (holes.contains(which)) {
                        return null;
                    }
                    pieces.add(engineSql.substring(copied, i));
                    holes.add(which);
                    copied = end;
                }
                i = end;
                continue;
            }
            i++;
        }
        if (holes.size() != sentinels.size()) {
            return null;
        }
        pieces.add(engineSql.substring(copied));
        return new Template(pieces, holes.stream().mapToInt(Integer::intValue).toArray(), own);
    }

    /** A number unlike any literal of the statement, of the literal's range, with the same number of characters or more. */
    private static String sentinel(String literal, int index) {
        String base = int4(literal) ? INT4_SENTINEL_BASE : INT8_SENTINEL_BASE;
        String suffix = Integer.toString(1000 + index);
        return base.substring(0, base.length() - suffix.length() + 1) + suffix;
    }

    private static final java.util.Set<String> DDL = java.util.Set.of("CREATE", "ALTER", "DROP", "COMMENT", "GRANT", "REVOKE");
    private static final java.util.Set<String> BY_LIST_ENDS = java.util.Set.of("LIMIT", "OFFSET", "FETCH", "HAVING", "WINDOW",
            "FOR", "UNION", "INTERSECT", "EXCEPT", "ROWS", "RANGE", "GROUPS", "SELECT", "FROM", "WHERE", "RETURNING", "ON", "SET",
            "VALUES");

    private static long bit(int depth) {
        return depth < 64 ? 1L << depth : 0;
    }

    private static boolean wordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '$';
    }

    private static boolean digitsOnly(String text) {
        if (text.isEmpty() || text.length() > MAX_DIGITS) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean int4(String digits) {
        return digits.length() < 10 || (digits.length() == 10 && digits.compareTo("2147483647") <= 0);
    }
}
