package borealis.engine.pg.sql;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code concat(VARIADIC arr)}, {@code concat_ws(sep, VARIADIC arr)}, {@code format(f, VARIADIC arr)},
 * {@code json(b)_build_array/object(VARIADIC arr)}: H2 has no VARIADIC; the call becomes the
 * catalog's variant that takes the array ({@code catalog/VariadicCalls}).
 */
final class VariadicArguments {

    /** Function name → how many arguments come before the VARIADIC one. */
    private static final Set<String> NONE_BEFORE = Set.of("concat", "json_build_array", "jsonb_build_array", "json_build_object",
            "jsonb_build_object");
    private static final Set<String> ONE_BEFORE = Set.of("concat_ws", "format");

    private VariadicArguments() {}

    static void apply(TokenList t) {
        for (int i = 0; i + 2 < t.size(); i++) {
            Tok k = t.get(i);
            if (!k.isWord() || !t.get(i + 1).isOpen() || i > 0 && t.get(i - 1).isDot()) {
                continue;
            }
            String name = k.text.toLowerCase(Locale.ROOT);
            if (!NONE_BEFORE.contains(name) && !ONE_BEFORE.contains(name)) {
                continue;
            }
            int close = t.closing(i + 1);
            List<Integer> args = t.splitCommas(i + 2, close);
            int expected = NONE_BEFORE.contains(name) ? 1 : 2;
            int last = args.get(args.size() - 2);
            if (args.size() - 1 != expected || !t.is(last, "VARIADIC")) {
                continue;
            }
            t.remove(last, last + 1);
            t.replace(i, i + 1, CatalogNames.SCHEMA + "." + name + "_variadic");
        }
    }
}
