package borealis.engine.pg.sql;

/**
 * {@code a = b} and {@code a <> b} between arrays compare NULL elements as equal in PostgreSQL
 * ({@code '{1,NULL}'::int[] = '{1,NULL}'::int[]} is true); in H2 a NULL element makes the
 * comparison NULL, so a client that checks an array it wrote against its text form gets no row.
 * Where the text shows an operand is an array (a cast to {@code t[]} or an {@code ARRAY[...]}
 * constructor) the comparison becomes H2's null-safe {@code IS [NOT] DISTINCT FROM}, still NULL
 * when a whole operand is NULL.
 */
final class ArrayComparisons {

    private final TokenList t;

    ArrayComparisons(TokenList t) {
        this.t = t;
    }

    void rewrite() {
        for (int i = 1; i + 1 < t.size(); i++) {
            Tok op = t.get(i);
            boolean eq = op.isOp("=");
            if (!eq && !op.isOp("<>") && !op.isOp("!=")) {
                continue;
            }
            int ls = t.primaryStart(i);
            int re = operandEnd(i + 1);
            if (ls < 0 || re <= i + 1 || assignment(ls) || !(isArray(ls, i) || isArray(i + 1, re))) {
                continue;
            }
            String l = "(" + t.text(ls, i) + ")";
            String r = "(" + t.text(i + 1, re) + ")";
            t.replace(ls, re, "(CASE WHEN " + l + " IS NULL OR " + r + " IS NULL THEN NULL ELSE " + l
                    + (eq ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM ") + r + " END)");
            i = ls;
        }
    }

    /** The end of the operand starting at {@code start}, with the casts that follow it. */
    private int operandEnd(int start) {
        if (t.get(start) == null) {
            return start;
        }
        int end = t.primaryEnd(start);
        while (t.get(end) != null && t.get(end).isOp("::")) {
            int typeEnd = arrayTypeEnd(end + 1);
            if (typeEnd < 0) {
                return end; // a cast to a scalar type: not an array operand (and not extended)
            }
            end = typeEnd;
        }
        return end;
    }

    /** The end of {@code name[.name] [words] [(n)] []...} when it names an array type, else -1. */
    private int arrayTypeEnd(int j) {
        int k = j;
        while (t.get(k) != null && (t.get(k).isName() || t.get(k).isDot())) {
            k++;
        }
        if (t.get(k) != null && t.get(k).isOpen()) {
            k = t.closing(k) + 1;
        }
        if (k == j || !(t.get(k) != null && t.get(k).isOp("[") && t.get(k + 1) != null && t.get(k + 1).isOp("]"))) {
            return -1;
        }
        while (t.get(k) != null && t.get(k).isOp("[") && t.get(k + 1) != null && t.get(k + 1).isOp("]")) {
            k += 2;
        }
        return k;
    }

    /** An ARRAY[...] constructor, or an operand whose last cast is to an array type. */
    private boolean isArray(int from, int to) {
        if (t.is(from, "ARRAY") && t.get(from + 1) != null && t.get(from + 1).isOp("[") && t.closingBracket(from + 1) == to - 1) {
            return true;
        }
        for (int k = to - 1; k > from; k--) {
            if (t.get(k).isOp("::")) {
                return arrayTypeEnd(k + 1) == to;
            }
        }
        return false;
    }

    /** Whether the {@code =} after {@code start} assigns a column (UPDATE ... SET, ON CONFLICT DO UPDATE SET). */
    private boolean assignment(int start) {
        Tok before = t.get(start - 1);
        if (before == null || !(before.is("SET") || before.isComma())) {
            return false;
        }
        int k = t.enclosingKeyword(start, "SET", "WHERE", "SELECT", "ON", "AND");
        return k >= 0 && t.is(k, "SET");
    }
}
