package borealis.engine.pg.sql;

import java.util.Locale;
import java.util.Set;

/**
 * PostgreSQL's string-length functions return int4 (length, char_length, octet_length,
 * bit_length); H2's return bigint, which a client then reads as another type (node drivers give
 * a string for int8). Their calls are cast to INTEGER.
 */
final class Int4Functions {

    private static final Set<String> FUNCTIONS = Set.of("LENGTH", "CHAR_LENGTH", "CHARACTER_LENGTH", "OCTET_LENGTH", "BIT_LENGTH");

    private final TokenList t;

    Int4Functions(TokenList t) {
        this.t = t;
    }

    void rewrite() {
        for (int i = t.size() - 2; i >= 0; i--) {
            Tok k = t.get(i);
            if (!k.isWord() || !FUNCTIONS.contains(k.text.toUpperCase(Locale.ROOT)) || !t.get(i + 1).isOpen()
                    || i > 0 && (t.get(i - 1).isDot() || t.get(i - 1).isOp("::"))) {
                continue;
            }
            int close = t.closing(i + 1);
            if (close < 0) {
                continue;
            }
            t.replace(i, close + 1, "CAST(" + t.text(i, close + 1) + " AS INTEGER)");
        }
    }
}
