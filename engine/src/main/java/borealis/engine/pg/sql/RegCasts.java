package borealis.engine.pg.sql;

import borealis.engine.pg.types.PgType;
import java.util.Locale;
import java.util.Set;

/**
 * Casts to the object-identifier types regclass, regtype, regnamespace, regproc and regrole, in
 * both spellings ({@code x::regclass} and {@code CAST(x AS regclass)}), on any operand.
 *
 * <p>As in PostgreSQL a value of these types is an OID: it compares with oid columns, casts to
 * oid and sorts by OID. Its input is text (a name, or digits taken as the OID itself) or an OID,
 * so every operand goes through the type's input function ({@code regclass_oid}) as text: an oid
 * column's digits come back as that OID, a name is looked up and an unknown one is an error. Its
 * output is the object's name, which H2 cannot attach to an integer: the name is produced where
 * PostgreSQL would print it, that is where the value is cast to a character type, concatenated
 * with {@code ||}, or is a whole item of a select list or RETURNING list. (PostgreSQL compares a
 * reg* value with oid's operators: {@code x::regclass = 'name'} reads 'name' as an oid and fails.)
 */
final class RegCasts {

    private static final String CAT = CatalogNames.SCHEMA;
    /** The reg* types with an input and an output function in the catalog schema. */
    private static final Set<String> SUPPORTED = Set.of("regclass", "regtype", "regnamespace", "regproc", "regprocedure", "regrole");
    private static final Set<String> TEXT_TYPES = Set.of("text", "varchar", "name", "bpchar", "char", "character");
    private static final Set<String> LIST_ENDS = Set.of("FROM", "INTO", "WHERE", "GROUP", "HAVING", "WINDOW", "ORDER", "LIMIT",
            "OFFSET", "FETCH", "FOR", "UNION", "INTERSECT", "EXCEPT", "ON", "RETURNING");
    private static final Set<String> CLAUSES = Set.of("FROM", "WHERE", "GROUP", "HAVING", "WINDOW", "ORDER", "LIMIT", "OFFSET",
            "ON", "SET", "VALUES", "USING");
    /** Words before "(SELECT" that make the subquery a value inside an expression, not rows to print. */
    private static final Set<String> SCALAR_CONTEXT = Set.of("IN", "ANY", "ALL", "SOME", "EXISTS", "ARRAY", "WHEN", "THEN", "ELSE",
            "AND", "OR", "NOT", "SELECT", "WHERE", "HAVING", "ON", "BY", "SET");

    private final TokenList t;
    boolean rewrote;

    RegCasts(TokenList t) {
        this.t = t;
    }

    void rewrite() {
        for (int i = 0; i < t.size(); i++) {
            Tok k = t.get(i);
            if (k.is("CAST") && t.get(i + 1) != null && t.get(i + 1).isOpen()) {
                i = castCall(i);
            } else if (k.isOp("::") && i > 0) {
                i = castOperator(i);
            }
        }
    }

    /** CAST(x AS regT): returns where scanning goes on (the operand is scanned again, for casts inside it). */
    private int castCall(int i) {
        int close = t.closing(i + 1);
        if (close >= t.size()) {
            return i;
        }
        int typeAt = close - 1;
        if (typeAt >= 2 && t.get(typeAt - 1).isDot() && t.get(typeAt - 2).is("pg_catalog")) {
            typeAt -= 2;
        }
        String type = regType(t.get(close - 1));
        if (type == null || !t.is(typeAt - 1, "AS") || typeAt - 1 <= i + 2 || t.find(i + 2, typeAt - 1, "AS") >= 0) {
            return i;
        }
        String operand = t.text(i + 2, typeAt - 1);
        boolean literal = typeAt - 1 == i + 3 && isLiteralOrParam(t.get(i + 2));
        replaceWithInput(i, close + 1, type, operand, literal);
        return i;
    }

    /** x::regT, with x the primary expression before "::". */
    private int castOperator(int i) {
        int typeAt = i + 1;
        int typeEnd = i + 2;
        if (t.is(typeAt, "pg_catalog") && t.get(typeAt + 1) != null && t.get(typeAt + 1).isDot()) {
            typeAt += 2;
            typeEnd += 2;
        }
        String type = regType(t.get(typeAt));
        if (type == null || t.get(typeEnd) != null && t.get(typeEnd).isOp("[")) {
            return i;
        }
        int start = t.primaryStart(i);
        boolean literal = start == i - 1 && isLiteralOrParam(t.get(start));
        replaceWithInput(start, typeEnd, type, t.text(start, i), literal);
        return start;
    }

    private void replaceWithInput(int from, int to, String type, String operand, boolean literal) {
        String fn = CAT + "." + type;
        String input = fn + "_oid(" + (literal ? operand : "CAST(" + operand + " AS VARCHAR)") + ")";
        int size = t.size();
        t.replace(from, to, input);
        rewrote = true;
        int end = to + t.size() - size;
        output(from, end, fn);
    }

    /** Where the OID-valued expression [s, e) is printed or read as text, it becomes the object's name. */
    private void output(int s, int e, String fn) {
        Tok next = t.get(e);
        if (next != null && next.isOp("::")) {
            int typeAt = e + 1;
            if (t.is(typeAt, "pg_catalog") && t.get(typeAt + 1) != null && t.get(typeAt + 1).isDot()) {
                typeAt += 2;
            }
            Tok type = t.get(typeAt);
            boolean bare = t.get(typeAt + 1) == null || !(t.get(typeAt + 1).isOpen() || t.get(typeAt + 1).isOp("["));
            if (type != null && type.isName() && TEXT_TYPES.contains(type.name()) && bare) {
                String name = fn + "_name(" + t.text(s, e) + ")";
                // described as the type cast to: text and name are marked (PgType.TEXT_LENGTH, NAME_LENGTH), the others varchar
                String marker = type.name().equals("text") ? PgType.TEXT_COLUMN : type.name().equals("name") ? PgType.NAME_COLUMN : null;
                t.replace(s, typeAt + 1, marker == null ? name : "CAST(" + name + " AS " + marker + ")");
            }
            return;
        }
        Tok before = t.get(s - 1);
        boolean inTextCast = before != null && before.isOpen() && t.is(s - 2, "CAST") && t.is(e, "AS") && textTypeAfter(e + 1);
        boolean concatenated = next != null && next.isOp("||") || before != null && before.isOp("||");
        if (inTextCast || concatenated || isListItem(s, e)) {
            t.replace(s, e, fn + "_name(" + t.text(s, e) + ")");
        }
    }

    private boolean textTypeAfter(int at) {
        if (t.is(at, "pg_catalog") && t.get(at + 1) != null && t.get(at + 1).isDot()) {
            at += 2;
        }
        Tok type = t.get(at);
        return type != null && type.isName() && TEXT_TYPES.contains(type.name());
    }

    /** Whether [s, e) is a whole item of a select list (of a query whose rows are printed) or a RETURNING list. */
    private boolean isListItem(int s, int e) {
        Tok after = t.get(e);
        if (after != null) {
            if (after.is("AS")) {
                // an alias
            } else if (after.isComma() || after.isClose() || after.kind == SqlLexer.Kind.SEMICOLON) {
                // the item ends
            } else if (after.isWord() && LIST_ENDS.contains(after.text.toUpperCase(Locale.ROOT))) {
                // the list ends
            } else if (!(after.isName() && !Keywords.isReserved(after.text.toLowerCase(Locale.ROOT)))) {
                return false;
            }
        }
        int depth = 0;
        boolean first = true;
        for (int j = s - 1; j >= 0; j--) {
            Tok k = t.get(j);
            if (k.isClose()) {
                depth++;
            } else if (k.isOpen()) {
                if (depth == 0) {
                    return false;
                }
                depth--;
            } else if (depth == 0) {
                if (k.is("SELECT") || k.is("RETURNING")) {
                    return !k.is("SELECT") || printed(j);
                }
                if (first && !(k.isComma() || k.is("DISTINCT") || k.is("ALL"))) {
                    return false;
                }
                if (k.isWord() && CLAUSES.contains(k.text.toUpperCase(Locale.ROOT))) {
                    return false;
                }
            }
            first = false;
        }
        return false;
    }

    /** Whether the SELECT at {@code select} prints its rows: not a subquery inside an expression. */
    private boolean printed(int select) {
        Tok open = t.get(select - 1);
        if (open == null || !open.isOpen()) {
            return true;
        }
        Tok before = t.get(select - 2);
        if (before == null) {
            return true;
        }
        if (before.kind == SqlLexer.Kind.OPERATOR || before.isOpen()) {
            return false;
        }
        return !(before.isWord() && SCALAR_CONTEXT.contains(before.text.toUpperCase(Locale.ROOT)));
    }

    private static boolean isLiteralOrParam(Tok k) {
        return k.isString() || k.kind == SqlLexer.Kind.PARAM;
    }

    /** The reg* type a type token names, as the catalog functions are named; null for other types. */
    private static String regType(Tok k) {
        if (k == null || !k.isName()) {
            return null;
        }
        String n = k.name();
        if (!SUPPORTED.contains(n)) {
            return null;
        }
        return n.equals("regprocedure") ? "regproc" : n;
    }
}
