package borealis.engine.pg.sql;

/**
 * jsonb's own {@code -} and {@code ||} operators, which H2 has only for numbers and strings:
 * {@code a - b} with a jsonb {@code a} (delete a key, the keys of a text[], or an array index) and
 * {@code a || b} with a jsonb operand and the other jsonb or an untyped literal (merge objects,
 * concatenate arrays) become catalog calls typed jsonb, so that they chain and compare as jsonb.
 * {@code doc[k]} of a jsonb doc is {@code doc -> k}. Runs where {@link JsonbComparisons} does, on the engine forms the earlier rules leave; {@code -}
 * first, as it binds tighter than {@code ||}. Columns are not seen as jsonb (the rewriter does not
 * know column types), so {@code col - 'k'} with a jsonb column stays H2's.
 */
final class JsonbOperators {

    private static final String CAT = CatalogNames.SCHEMA;

    private final TokenList t;
    private final JsonbComparisons types;

    JsonbOperators(TokenList t) {
        this.t = t;
        this.types = new JsonbComparisons(t);
    }

    void rewrite() {
        subscripts();
        operator("-", "jsonb_delete");
        operator("||", "jsonb_concat");
    }

    private void operator(String op, String fn) {
        for (int i = 1; i + 1 < t.size(); i++) {
            if (!t.get(i).isOp(op)) {
                continue;
            }
            int start = t.primaryStart(i);
            int end = t.primaryEnd(i + 1);
            if (start >= i || end <= i + 1) {
                continue;
            }
            boolean left = types.isJsonb(start, i);
            boolean applies = op.equals("-") ? left
                    : left && (types.isJsonb(i + 1, end) || untyped(i + 1, end)) || untyped(start, i) && types.isJsonb(i + 1, end);
            if (!applies) {
                continue;
            }
            String call = CAT + "." + fn + "(" + t.text(start, i) + ", " + t.text(i + 1, end) + ")";
            t.replace(start, end, "CAST((" + call + " FORMAT JSON) AS " + Casts.JSONB_H2 + ")");
            i = start;
        }
    }

    /** doc[k] of a jsonb doc: the element at index or key k, as -> gives it (PostgreSQL 14's jsonb subscripting). */
    private void subscripts() {
        for (int i = 1; i + 2 < t.size(); i++) {
            if (!t.get(i).isOp("[") || t.get(i).spaceBefore) {
                continue;
            }
            int start = t.primaryStart(i);
            int close = t.closingBracket(i);
            if (start >= i || close <= i + 1 || !types.isJsonb(start, i)) {
                continue;
            }
            String call = CAT + ".json_get(" + t.text(start, i) + ", " + t.text(i + 1, close) + ")";
            t.replace(start, close + 1, "CAST((" + call + " FORMAT JSON) AS " + Casts.JSONB_H2 + ")");
            i = start;
        }
    }

    /** A string literal with no type of its own: PostgreSQL reads it as the other operand's type. */
    private boolean untyped(int s, int e) {
        return e == s + 1 && t.get(s).isString();
    }
}
