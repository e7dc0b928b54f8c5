package borealis.engine.pg.sql;

import borealis.engine.pg.types.PgType;
import java.util.Locale;
import java.util.Set;

/**
 * Functions whose result H2 types otherwise than PostgreSQL, which a client reads by that type:
 * the string-length functions return int4 in PostgreSQL (length, char_length, octet_length,
 * bit_length; H2's return bigint, which node drivers give as a string), and avg of integers is
 * numeric (H2's is double precision). Length calls are cast to INTEGER; avg's argument is
 * multiplied by a numeric 1, which makes an integer numeric and leaves numeric scales, floats and
 * intervals as they were. date_bin becomes its origin plus an offset, which keeps the type of
 * the timestamps.
 */
final class FunctionResultTypes {

    private static final Set<String> INT4 = Set.of("LENGTH", "CHAR_LENGTH", "CHARACTER_LENGTH", "OCTET_LENGTH", "BIT_LENGTH");

    /** Java functions that return the text of a jsonb or json document: typed so, as PostgreSQL types them. */
    private static final Set<String> JSONB = Set.of("JSONB_SET", "JSONB_SET_LAX", "JSONB_INSERT", "JSONB_DELETE_PATH", "JSONB_DELETE",
            "JSONB_EXTRACT_PATH", "JSONB_STRIP_NULLS", "JSONB_OBJECT");
    private static final Set<String> JSON = Set.of("JSON_EXTRACT_PATH", "JSON_STRIP_NULLS");

    private final TokenList t;

    FunctionResultTypes(TokenList t) {
        this.t = t;
    }

    /**
     * date_bin(stride, source, origin) becomes (origin) + date_bin_offset(stride, source, origin):
     * the sum keeps the type of the timestamps (timestamp or timestamptz), which a Java function
     * cannot (parameters are numbered, so the repeated origin is the same value).
     */
    private void dateBin(int name, int close) {
        int depth = 0;
        int lastComma = -1;
        int commas = 0;
        for (int j = name + 2; j < close; j++) {
            Tok k = t.get(j);
            if (k.isOpen()) {
                depth++;
            } else if (k.isClose()) {
                depth--;
            } else if (depth == 0 && k.isComma()) {
                lastComma = j;
                commas++;
            }
        }
        if (commas != 2) {
            return;
        }
        t.replace(name, close + 1, "((" + t.text(lastComma + 1, close) + ") + date_bin_offset" + t.text(name + 1, close + 1) + ")");
    }

    void rewrite() {
        for (int i = t.size() - 2; i >= 0; i--) {
            Tok k = t.get(i);
            if (!k.isWord() || !t.get(i + 1).isOpen() || i > 0 && (t.get(i - 1).isDot() || t.get(i - 1).isOp("::"))) {
                continue;
            }
            String name = k.text.toUpperCase(Locale.ROOT);
            int close = t.closing(i + 1);
            if (close < 0) {
                continue;
            }
            if (name.equals("DATE_BIN")) {
                dateBin(i, close);
            } else if (JSONB.contains(name)) {
                t.replace(i, close + 1, "CAST((" + t.text(i, close + 1) + " FORMAT JSON) AS JSON(" + PgType.JSONB_H2_LENGTH + "))");
            } else if (JSON.contains(name)) {
                t.replace(i, close + 1, "CAST(" + t.text(i, close + 1) + " AS " + PgType.JSON_TEXT_COLUMN + ")");
            } else if (INT4.contains(name)) {
                t.replace(i, close + 1, "CAST(" + t.text(i, close + 1) + " AS INTEGER)");
            } else if (name.equals("AVG") && close > i + 2) {
                int from = t.is(i + 2, "DISTINCT") || t.is(i + 2, "ALL") ? i + 3 : i + 2;
                if (from < close) {
                    t.replace(from, close, "(" + t.text(from, close) + ") * CAST(1 AS NUMERIC(1, 0))");
                }
            }
        }
    }
}
