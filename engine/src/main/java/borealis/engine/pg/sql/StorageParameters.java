package borealis.engine.pg.sql;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import java.util.Locale;
import java.util.Set;

/**
 * A table's storage parameters ({@code CREATE TABLE ... WITH (fillfactor = 70)},
 * {@code ALTER TABLE ... SET (parallel_workers = 4)}, {@code RESET (...)}): PostgreSQL tunes its
 * heap pages, vacuum and planner with them. Borealis's storage has neither heap pages nor vacuum,
 * so they change nothing here; their names (and fillfactor's range) are checked as PostgreSQL
 * checks them, so that a misspelt one fails as it would there (22023).
 */
final class StorageParameters {

    private static final Set<String> NAMES = Set.of("fillfactor", "toast_tuple_target", "parallel_workers", "autovacuum_enabled",
            "user_catalog_table", "vacuum_index_cleanup", "vacuum_truncate", "log_autovacuum_min_duration", "oids");

    private StorageParameters() {}

    /** Checks the parameters in the parentheses at [open, close]; {@code reset}: names only. */
    static void check(TokenList t, int open, int close, boolean reset) {
        for (int item : t.splitCommas(open + 1, close)) {
            if (item >= close) {
                break;
            }
            StringBuilder name = new StringBuilder();
            int i = item;
            while (i < close && !t.get(i).isComma() && !t.get(i).isOp("=")) {
                name.append(t.get(i).isDot() ? "." : t.get(i).name());
                i++;
            }
            String n = name.toString().toLowerCase(Locale.ROOT);
            String bare = n.startsWith("toast.") ? n.substring("toast.".length()) : n;
            if (!NAMES.contains(bare) && !bare.startsWith("autovacuum_")) {
                throw new PgException(PgError.error("22023", "unrecognized parameter \"" + n + "\""));
            }
            if (!reset && bare.equals("fillfactor") && t.get(i) != null && t.get(i).isOp("=") && t.get(i + 1) != null
                    && t.get(i + 1).kind == SqlLexer.Kind.NUMBER) {
                double v = Double.parseDouble(t.get(i + 1).text);
                if (v < 10 || v > 100) {
                    throw new PgException(new PgError("ERROR", "22023", "value " + t.get(i + 1).text + " out of bounds for option \"fillfactor\"",
                            "Valid values are between \"10\" and \"100\".", null));
                }
            }
        }
    }
}
