package borealis.engine.pg.sql;

import java.util.List;

/** Prints translations of statements given as arguments (a development aid, not a test). */
public final class TranslatePrint {
    public static void main(String[] args) {
        for (String a : args) {
            try {
                Translation t = SqlTranslator.translateUncached(a, table -> List.of("id", "v"));
                System.out.println(a + "\n   => " + t.engineSql() + (t.emptyColumns() != null ? "   EMPTY " + t.emptyColumns() : ""));
            } catch (RuntimeException e) {
                System.out.println(a + "\n   !! " + e);
            }
        }
    }
}
