package borealis.engine.pg.plpgsql;

import java.util.List;

/**
 * A statement of PL/pgSQL as the subset Borealis runs reads it: SQL text, {@code NULL}, or a block
 * {@code BEGIN statements [EXCEPTION WHEN condition [OR condition] THEN statements ...] END}.
 */
public sealed interface PlStatement {

    /** An SQL statement, run as the client's statements are (translated, checked, executed). */
    record Sql(String text) implements PlStatement {}

    /** {@code NULL;}: does nothing (the usual body of a handler that ignores its error). */
    record Null() implements PlStatement {}

    /** A block: its statements, and the handlers of its EXCEPTION section (none: errors pass through). */
    record Block(List<PlStatement> body, List<Handler> handlers) implements PlStatement {}

    /**
     * {@code WHEN conditions THEN body}: the conditions are SQLSTATEs (a class when they end in 000)
     * or {@link Conditions#OTHERS}.
     */
    record Handler(List<String> conditions, List<PlStatement> body) {

        boolean catches(String sqlState) {
            for (String c : conditions) {
                if (Conditions.matches(c, sqlState)) {
                    return true;
                }
            }
            return false;
        }
    }
}
