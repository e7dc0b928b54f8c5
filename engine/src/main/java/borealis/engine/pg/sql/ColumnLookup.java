package borealis.engine.pg.sql;

import java.util.List;
import java.util.Map;

/** What a translation may ask of the session's schema (such a translation is not cached by text). */
public interface ColumnLookup {

    /** The table's column names, quoted for the engine. */
    List<String> columns(String table);

    /** The table's columns in order (names as stored), with their engine type names (INTEGER ARRAY, JSON...); empty when unknown. */
    default Map<String, String> columnTypes(String table) {
        return Map.of();
    }

    /** Whether a relation or constraint named {@code name} exists in the schema of {@code table} (as written, maybe qualified). */
    default boolean nameTaken(String table, String name) {
        return false;
    }

    /** The enum type named {@code type} (as written, maybe qualified), or null when there is none. */
    default EnumType enumType(String type) {
        return null;
    }

    /**
     * The engine type (as SQL: {@code INTEGER}, {@code ENUM('a', 'b')}) that an array of the domain or
     * enum {@code type} (as written, maybe qualified) holds, or null when {@code type} is neither.
     */
    default String domainElementType(String type) {
        return null;
    }

    /** The field names (as stored) of the composite type {@code type} (as written), or null when it is none. */
    default List<String> compositeFields(String type) {
        return null;
    }

    /**
     * The H2 type (as SQL, e.g. {@code INTEGER ARRAY}) of the first result column of an H2 query,
     * or null when it cannot be known here.
     */
    default String resultType(String engineSql) {
        return null;
    }

    /**
     * A column's engine type as SQL ({@code CHARACTER VARYING(254)}), or null when there is no such
     * column. {@code column} is the name as stored.
     */
    default String columnType(String table, String column) {
        return null;
    }

    /** A NOT NULL column of the table (name as stored), or null when it has none or is no table. */
    default String notNullColumn(String table) {
        return null;
    }

    /** Every column name of the table as stored, hidden ones included; empty when unknown. */
    default java.util.Set<String> allColumnNames(String table) {
        return java.util.Set.of();
    }

    /**
     * The hidden columns that make the index {@code index} (as written, maybe qualified) a partial
     * unique index, with their table; null when it is no such index.
     */
    default HiddenColumns partialIndexColumns(String index) {
        return null;
    }

    /** The unique partial indexes of the table whose hidden columns read {@code column} (as stored): their quoted qualified names. */
    default List<String> partialIndexesReading(String table, String column) {
        return List.of();
    }

    /**
     * The columns (quoted, in the constraint's order) of the primary key or unique constraint
     * {@code constraint} of {@code table} (as written), or null when the table has no such constraint.
     */
    default List<String> uniqueConstraintColumns(String table, String constraint) {
        return null;
    }

    /**
     * The column sets (names as stored) of the table's primary key, unique constraints and unique
     * indexes over visible columns; a partial unique index (on hidden columns) counts as
     * {@link #PARTIAL_KEY}. Null when the table is not known.
     */
    default List<java.util.Set<String>> uniqueKeys(String table) {
        return null;
    }

    /** The stand-in {@link #uniqueKeys} gives for a partial unique index. */
    java.util.Set<String> PARTIAL_KEY = java.util.Set.of("\0partial");

    /** Hidden columns of a table: its schema and name as stored, and the columns' names. */
    record HiddenColumns(String schema, String table, List<String> columns) {}

    /** The field order of the session's DateStyle, which all-numeric date literals are read in. */
    default borealis.engine.pg.types.DateOrder dateOrder() {
        return borealis.engine.pg.types.DateOrder.MDY;
    }

    /** An enum type: its labels in order, and the columns declared with it (schema, table, column each). */
    record EnumType(String schema, String name, List<String> labels, List<List<String>> columns) {}
}
