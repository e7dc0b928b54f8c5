package borealis.engine.pg.sql;

import java.util.Locale;

/**
 * {@code date - date} is an integer number of days in PostgreSQL ({@code f1 - date '2000-01-01'}
 * is -15607); H2 gives an interval ("-15607 days"). Where both operands are dates by what the
 * statement says (a typed literal or cast, current_date, a date column of a table it names) the
 * difference becomes {@code CAST(DATEDIFF(DAY, b, a) AS INTEGER)}.
 */
final class DateDifferences {

    private final TokenList t;
    private final ComparedLiterals columns;

    DateDifferences(TokenList t, ComparedLiterals columns) {
        this.t = t;
        this.columns = columns;
    }

    void rewrite() {
        for (int i = t.size() - 2; i >= 1; i--) {
            if (!t.get(i).isOp("-") || !isOperandEnd(t.get(i - 1))) {
                continue;
            }
            int start = t.primaryStart(i);
            int end = t.get(i + 1).isWord() && t.get(i + 2) != null && t.get(i + 2).isString() ? i + 3 // date '...'
                    : castsAfter(t.primaryEnd(i + 1));
            if (start >= i || end <= i + 1 || !isDate(start, i) || !isDate(i + 1, end)) {
                continue;
            }
            t.replace(start, end, "CAST(DATEDIFF(DAY, " + t.text(i + 1, end) + ", " + t.text(start, i) + ") AS INTEGER)");
            i = start;
        }
    }

    /** A binary minus follows an operand: a name, a literal, a closing parenthesis (not an operator or a keyword). */
    private static boolean isOperandEnd(Tok k) {
        return k.isString() || k.isClose() || k.is("CURRENT_DATE") || k.isName() && !Keywords.isReserved(k.name()) || k.kind == SqlLexer.Kind.NUMBER;
    }

    private int castsAfter(int end) {
        int i = end;
        while (t.get(i) != null && t.get(i).isOp("::") && t.get(i + 1) != null && t.get(i + 1).isName()) {
            i += 2;
        }
        return i;
    }

    /** Whether [start, end) is a date by what it says. */
    private boolean isDate(int start, int end) {
        Tok first = t.get(start);
        if (end - start >= 3 && t.get(end - 2).isOp("::")) {
            return t.get(end - 1).text.equalsIgnoreCase("date");
        }
        if (end - start == 2 && first.is("DATE") && t.get(start + 1).isString()) {
            return true;
        }
        if (end - start == 1 && first.is("CURRENT_DATE")) {
            return true;
        }
        if (first.is("CAST") && t.get(start + 1) != null && t.get(start + 1).isOpen() && t.closing(start + 1) == end - 1) {
            return t.is(end - 2, "DATE") && t.is(end - 3, "AS");
        }
        if (columns != null && first.isName() && !Keywords.isReserved(first.name())) {
            boolean qualified = end - start == 3 && t.get(start + 1).isDot();
            if (end - start == 1 || qualified) {
                return columns.columnKind(qualified ? first.name() : null, t.get(end - 1).name().toLowerCase(Locale.ROOT))
                        == AssignedLiterals.Kind.DATE;
            }
        }
        return false;
    }
}
