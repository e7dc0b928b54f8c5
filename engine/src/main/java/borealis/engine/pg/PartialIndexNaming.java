package borealis.engine.pg;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How Borealis keeps a partial index in H2, which has none: a UNIQUE one is a unique index on
 * hidden (INVISIBLE, generated) columns {@code CASE WHEN predicate THEN col END}, named
 * {@code col_borealis_partial<n>} (a NULL where the predicate fails, and NULLs never collide); a
 * plain one is an index of every row (the same query results). Either keeps its PostgreSQL
 * definition (columns and predicate) in the index's comment, for pg_indexes and pg_index. The
 * names and the comment are shared by the translation, the catalog and the error mapping.
 */
public final class PartialIndexNaming {

    private PartialIndexNaming() {}

    private static final String SUFFIX = "_borealis_partial";
    private static final Pattern HIDDEN = Pattern.compile("^(.*)" + SUFFIX + "\\d+$", Pattern.DOTALL);
    /** Starts the comment of a partial index; the PostgreSQL definition's tail follows ({@code (email) WHERE (...)}). */
    public static final String COMMENT_MARK = "borealis partial index: ";

    /** The n-th hidden column's name for the column {@code column}. */
    public static String hidden(String column, int n) {
        return column + SUFFIX + n;
    }

    /** The column a hidden column stands for, or null when {@code name} is not a hidden column's. */
    public static String base(String name) {
        Matcher m = HIDDEN.matcher(name);
        return m.matches() ? m.group(1) : null;
    }

    /** The definition's tail kept in an index comment, or null when the comment is not a partial index's. */
    public static String definition(String comment) {
        return comment != null && comment.startsWith(COMMENT_MARK) ? comment.substring(COMMENT_MARK.length()) : null;
    }

    /** The predicate of a definition's tail ({@code deleted_at IS NULL}), or null. */
    public static String predicate(String definition) {
        int where = definition == null ? -1 : definition.indexOf(") WHERE (");
        return where < 0 ? null : definition.substring(where + ") WHERE (".length(), definition.length() - 1); // sql-built: display text
    }
}
