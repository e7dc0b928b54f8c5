package borealis.engine.pg.sql;

/**
 * Rewrites inside expressions, anywhere in a statement: parameters, string literals, casts and
 * typed literals ({@link Casts}), type names ({@link TypeWords}), operators H2 lacks, catalog
 * relations and functions ({@link CatalogReferences}). Each rule works on tokens and the structure
 * they imply (parentheses, primary expressions), never on raw text.
 */
final class ExpressionRewriter {

    private static final String CAT = CatalogNames.SCHEMA;

    private final TokenList t;
    private final boolean ddl;
    private final DateTimeLiterals dates;
    boolean readsCatalog;

    ExpressionRewriter(TokenList t, boolean ddl, DateTimeLiterals dates) {
        this.t = t;
        this.ddl = ddl;
        this.dates = dates;
    }

    /** Runs every expression rule; returns the highest parameter number. */
    int rewrite() {
        int params = parametersAndLiterals();
        operatorsAndCollations();
        SequenceCalls.rewrite(t);
        Casts casts = new Casts(t, dates);
        casts.typedLiterals();
        new ArrayComparisons(t).rewrite();
        RegCasts reg = new RegCasts(t);
        reg.rewrite();
        readsCatalog |= reg.rewrote;
        casts.castOperators();
        casts.castArrayLiterals();
        TypeWords types = new TypeWords(t, ddl);
        types.arrayTypeSuffixes();
        types.typeWords();
        CatalogReferences catalog = new CatalogReferences(t);
        catalog.catalogAndFunctions();
        catalog.sqlValueFunctions();
        jsonOperators();
        powerOperator();
        rootOperators();
        bitwiseOperators();
        catalog.vectorSubscripts();
        readsCatalog |= catalog.readsCatalog;
        new OverlayCalls(t).rewrite();
        new ArrayCalls(t).rewrite();
        new FunctionResultTypes(t).rewrite();
        new JsonbOperators(t).rewrite();
        new JsonbComparisons(t).rewrite();
        return params;
    }

    private int parametersAndLiterals() {
        int max = 0;
        for (int i = 0; i < t.size(); i++) {
            Tok k = t.get(i);
            if (k.kind == SqlLexer.Kind.PARAM) {
                int n = Integer.parseInt(k.text.substring(1));
                max = Math.max(max, n);
                k.text = "?" + n;
            } else if (k.isString() && !k.text.startsWith("'")) {
                // E'...' and $$...$$: H2 wants a standard string
                k.text = StringLiterals.quote(k.stringValue());
            } else if (k.isString() && i > 0 && t.get(i - 1).isString() && !k.spaceBefore) {
                // adjacent literals never occur without whitespace; nothing to do
                continue;
            }
        }
        if (!ddl) {
            decimalLiterals();
        }
        // 'a' 'b' separated by a newline are one literal in SQL; H2 does not accept that form
        for (int i = 1; i < t.size(); i++) {
            if (t.get(i).isString() && t.get(i - 1).isString() && t.get(i).text.startsWith("'") && t.get(i - 1).text.startsWith("'")) {
                String joined = t.get(i - 1).stringValue() + t.get(i).stringValue();
                t.get(i - 1).text = StringLiterals.quote(joined);
                t.remove(i, i + 1);
                i--;
            }
        }
        return max;
    }

    /**
     * A literal with a decimal point is an unconstrained numeric in PostgreSQL: each value keeps its
     * own scale where it meets others ({@code SELECT 1.1 UNION SELECT 2} is 1.1 and 2; CASE, VALUES
     * and arrays alike). H2 types it NUMERIC(2,1) and pads the other values to that scale (2.0).
     */
    private void decimalLiterals() {
        for (int i = 0; i < t.size(); i++) {
            Tok k = t.get(i);
            if (k.kind == SqlLexer.Kind.NUMBER && k.text.indexOf('.') >= 0 && k.text.indexOf('e') < 0 && k.text.indexOf('E') < 0
                    && !(i > 0 && (t.get(i - 1).isOp("::") || t.is(i - 1, "LIMIT") || t.is(i - 1, "OFFSET")))) {
                k.text = "CAST(" + k.text + " AS " + borealis.engine.pg.types.PgNumerics.UNCONSTRAINED + ")";
            }
        }
    }

    /** OPERATOR(pg_catalog.~) becomes ~; COLLATE clauses are dropped (H2 compares by its own collation). */
    private void operatorsAndCollations() {
        for (int i = 0; i < t.size(); i++) {
            Tok k = t.get(i);
            if (k.is("OPERATOR") && t.get(i + 1) != null && t.get(i + 1).isOpen()) {
                int close = t.closing(i + 1);
                if (close < t.size()) {
                    Tok op = t.get(close - 1);
                    t.replace(i, close + 1, java.util.List.of(Tok.op(op.text)));
                }
            } else if (k.is("COLLATE") && t.get(i + 1) != null && t.get(i + 1).isName()) {
                int end = i + 2;
                while (t.get(end) != null && t.get(end).isDot() && t.get(end + 1) != null && t.get(end + 1).isName()) {
                    end += 2;
                }
                t.remove(i, end);
                i--;
            }
        }
    }

    /** The end of the casts ({@code ::type}, {@code ::int[]}, {@code ::numeric(10,2)}) that follow a primary ending at {@code end}. */
    private int castsAfter(int end) {
        int i = end;
        while (t.get(i) != null && t.get(i).isOp("::") && t.get(i + 1) != null && t.get(i + 1).isName()) {
            i += 2;
            while (t.get(i) != null && t.get(i).isDot() && t.get(i + 1) != null && t.get(i + 1).isName()) {
                i += 2;
            }
            if (t.get(i) != null && t.get(i).isOpen()) {
                i = t.closing(i) + 1;
            }
            while (t.get(i) != null && (t.get(i).isOp("[") && t.get(i + 1) != null && t.get(i + 1).isOp("]") || t.is(i, "ARRAY"))) {
                i += t.is(i, "ARRAY") ? 1 : 2;
            }
        }
        return i;
    }

    /** a->'k', a->>'k', a#>'{x,y}', a#>>'{x,y}', and containment a @> b, a <@ b (jsonb and arrays) become function calls. */
    private void jsonOperators() {
        for (int i = 1; i < t.size(); i++) {
            Tok k = t.get(i);
            if (k.kind != SqlLexer.Kind.OPERATOR) {
                continue;
            }
            String fn = switch (k.text) {
                case "->" -> "json_get";
                case "->>" -> "json_get_text";
                case "#>" -> "json_path";
                case "#>>" -> "json_path_text";
                case "@>" -> "jsonb_contains";
                case "<@" -> "jsonb_contained";
                case "?" -> "jsonb_exists";
                case "?|" -> "jsonb_exists_any";
                case "?&" -> "jsonb_exists_all";
                case "@?" -> "jsonb_path_exists_opr";
                case "@@" -> "jsonb_path_match_opr";
                case "&&" -> "array_overlap";
                case "#-" -> "jsonb_delete_path";
                default -> null;
            };
            if (fn == null || i + 1 >= t.size()) {
                continue;
            }
            if (k.text.equals("?") && t.get(i + 1).kind == SqlLexer.Kind.NUMBER && !t.get(i + 1).spaceBefore) {
                continue; // ?1: a parameter as the engine writes it, not the jsonb operator
            }
            int start = t.primaryStart(i);
            int end = castsAfter(t.primaryEnd(i + 1)); // :: binds tighter than any operator: x @> '{1}'::int[]
            String left = t.text(start, i);
            String right = t.text(i + 1, end);
            // json_get and json_path return JSON text: read as JSON (FORMAT JSON, in parentheses, which
            // H2 also takes as an argument) so that (doc -> 'kind') = '"one"'::jsonb compares JSON values.
            String call = CAT + "." + fn + "(" + left + ", " + right + ")";
            if (fn.equals("json_get") || fn.equals("json_path")) {
                // typed as its operand (jsonb -> gives jsonb, json -> json): COALESCE takes the
                // wider of the two types, and NULLIF(x, x) is a NULL of x's type (json's length is jsonb's + 1)
                call = "COALESCE(CAST((" + call + " FORMAT JSON) AS " + Casts.JSONB_H2 + "), NULLIF(" + left + ", " + left + "))";
            }
            t.replace(start, end, call);
            i = start;
        }
    }

    /** |/ x and ||/ x are SQRT(x) and CBRT(x): PostgreSQL's prefix root operators. */
    private void rootOperators() {
        for (int i = 0; i + 1 < t.size(); i++) {
            Tok k = t.get(i);
            String fn = k.isOp("|/") ? "SQRT" : k.isOp("||/") ? "CBRT" : null;
            if (fn == null) {
                continue;
            }
            int end = t.primaryEnd(i + 1);
            t.replace(i, end, fn + "(" + t.text(i + 1, end) + ")");
        }
    }

    /**
     * a & b, a | b, a # b are BITAND, BITOR, BITXOR, and a << b, a >> b LSHIFT, RSHIFT (an
     * arithmetic shift, in the left operand's type, as PostgreSQL's integer shifts); H2 has no such
     * operators. A sign before the left operand is its own (-1::int4 << 31 is (-1) << 31).
     */
    private void bitwiseOperators() {
        for (int i = 1; i + 1 < t.size(); i++) {
            Tok k = t.get(i);
            String fn = k.isOp("&") ? "BITAND" : k.isOp("|") ? "BITOR" : k.isOp("#") ? "BITXOR" : k.isOp("<<") ? "LSHIFT"
                    : k.isOp(">>") ? "RSHIFT" : null;
            if (fn == null) {
                continue;
            }
            int start = t.primaryStart(i);
            if (start > 0 && (t.get(start - 1).isOp("-") || t.get(start - 1).isOp("+"))
                    && (start == 1 || t.get(start - 2).isOpen() || t.get(start - 2).isComma() || t.get(start - 2).is("SELECT")
                    || t.get(start - 2).kind == SqlLexer.Kind.OPERATOR)) {
                start--;
            }
            int end = t.primaryEnd(i + 1);
            t.replace(start, end, fn + "(" + t.text(start, i) + ", " + t.text(i + 1, end) + ")");
            i = start;
        }
    }

    /** a ^ b is POWER(a, b) (H2 has no ^ operator). */
    private void powerOperator() {
        for (int i = 1; i + 1 < t.size(); i++) {
            if (t.get(i).isOp("^")) {
                int start = t.primaryStart(i);
                int end = t.primaryEnd(i + 1);
                t.replace(start, end, "POWER(" + t.text(start, i) + ", " + t.text(i + 1, end) + ")");
                i = start;
            }
        }
    }
}
