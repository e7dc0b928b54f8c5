package borealis.engine.pg.sql;

import java.util.List;
import java.util.Map;

/** What a translation may ask the session about a table (its answers make the translation uncacheable). */
public interface ColumnLookup {

    /** The table's column names, quoted for the engine. */
    List<String> columns(String table);

    /** The table's columns in order (names as stored), with their java.sql.Types; empty when unknown. */
    default Map<String, Integer> jdbcTypes(String table) {
        return Map.of();
    }
}
