package borealis.engine.pg.sql;

/**
 * Array syntax H2 does not read. A slice {@code a[lo:hi]} (either bound may be left out) becomes
 * H2's ARRAY_SLICE with PostgreSQL's clamping: bounds past the array's ends are cut to them, so a
 * slice outside the array is empty rather than an error, and a NULL bound gives NULL. On a
 * multidimensional array one slice cuts the first dimension, as in PostgreSQL; slices of several
 * dimensions at once are left to H2 (a syntax error). A nested array constructor
 * {@code ARRAY[[1,2],[3,4]]} gets H2's ARRAY keyword on each inner bracket.
 */
final class ArraySlices {

    private static final String CAT = CatalogNames.SCHEMA;

    private ArraySlices() {}

    static void apply(TokenList t) {
        for (int i = 1; i < t.size(); i++) {
            Tok k = t.get(i);
            if (!k.isOp("[")) {
                continue;
            }
            Tok before = t.get(i - 1);
            if (before.isOp("[") || before.isComma() && insideArrayConstructor(t, i)) {
                t.insert(i, "ARRAY");
                i++;
                continue;
            }
            if (!(before.isName() && !before.is("ARRAY") || before.isClose() || before.isOp("]"))) {
                continue;
            }
            int close = t.closingBracket(i);
            int colon = colon(t, i + 1, close);
            if (colon < 0 || before.isOp("]") || t.get(close + 1) != null && t.get(close + 1).isOp("[")) {
                continue;
            }
            if (assignmentTarget(t, i, close)) {
                continue; // a[1:2] = ... in SET, INSERT INTO t (a[1:2]): an assignment to a slice, left to H2 (which refuses it)
            }
            int start = t.primaryStart(i);
            String array = t.text(start, i);
            int last = i - 1;
            while (last > start && t.get(last).isClose()) {
                last--;
            }
            if (t.is(last, "JSONB") && t.get(last - 1).isOp("::")) { // ('[1, 2]'::jsonb)[1:2]
                throw new borealis.engine.pg.PgException(borealis.engine.pg.PgError.error("42804", "jsonb subscript does not support slices"));
            }
            String card = "CARDINALITY(" + array + ")";
            String low = colon == i + 1 ? "1" : t.text(i + 1, colon);
            String high = colon + 1 == close ? card : t.text(colon + 1, close);
            String slice = "ARRAY_SLICE(" + array + ", " + CAT + ".slice_low(" + low + ", " + card + "), " + CAT + ".slice_high(" + high
                    + ", " + card + "))";
            t.replace(start, close + 1, slice);
            i = start;
        }
    }

    private static boolean assignmentTarget(TokenList t, int open, int close) {
        if (t.get(close + 1) != null && t.get(close + 1).isOp("=")) {
            int clause = t.enclosingKeyword(open, "SET", "WHERE", "FROM", "RETURNING", "SELECT", "ON", "HAVING");
            if (clause >= 0 && t.is(clause, "SET")) {
                return true;
            }
        }
        int j = t.is(0, "INSERT") ? t.enclosingOpen(open) : -1;
        return j >= 2 && t.get(j - 1).isName() && (t.is(j - 2, "INTO") || t.get(j - 2).isDot());
    }

    /** Whether the '[' at {@code open} stands directly inside an ARRAY[...] constructor. */
    private static boolean insideArrayConstructor(TokenList t, int open) {
        int depth = 0;
        for (int j = open - 1; j >= 0; j--) {
            Tok k = t.get(j);
            if (k.isOp("]") || k.isClose()) {
                depth++;
            } else if (k.isOp("[") || k.isOpen()) {
                if (depth == 0) {
                    return k.isOp("[") && (t.is(j - 1, "ARRAY") || insideArrayConstructor(t, j));
                }
                depth--;
            }
        }
        return false;
    }

    /** The depth-0 ':' between the brackets, or -1. */
    private static int colon(TokenList t, int from, int to) {
        int depth = 0;
        for (int i = from; i < to; i++) {
            Tok k = t.get(i);
            if (k.isOpen() || k.isOp("[")) {
                depth++;
            } else if (k.isClose() || k.isOp("]")) {
                depth--;
            } else if (depth == 0 && k.isOp(":")) {
                return i;
            }
        }
        return -1;
    }
}
