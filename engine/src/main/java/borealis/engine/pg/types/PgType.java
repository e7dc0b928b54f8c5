package borealis.engine.pg.types;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;

/**
 * The PostgreSQL types Borealis speaks on the wire: OID, length, and how an H2 column maps to one.
 * Encoding of values lives in {@link PgValues}.
 */
public enum PgType {
    BOOL(16, 1, "bool", 1000),
    BYTEA(17, -1, "bytea", 1001),
    NAME(19, 64, "name", 1003),
    INT8(20, 8, "int8", 1016),
    INT2(21, 2, "int2", 1005),
    INT2VECTOR(22, -1, "int2vector", 1006),
    INT4(23, 4, "int4", 1007),
    TEXT(25, -1, "text", 1009),
    OID(26, 4, "oid", 1028),
    OIDVECTOR(30, -1, "oidvector", 1013),
    JSON(114, -1, "json", 199),
    FLOAT4(700, 4, "float4", 1021),
    FLOAT8(701, 8, "float8", 1022),
    UNKNOWN(705, -2, "unknown", 0),
    BPCHAR(1042, -1, "bpchar", 1014),
    VARCHAR(1043, -1, "varchar", 1015),
    DATE(1082, 4, "date", 1182),
    TIME(1083, 8, "time", 1183),
    TIMESTAMP(1114, 8, "timestamp", 1115),
    TIMESTAMPTZ(1184, 8, "timestamptz", 1185),
    INTERVAL(1186, 16, "interval", 1187),
    TIMETZ(1266, 12, "timetz", 1270),
    NUMERIC(1700, -1, "numeric", 1231),
    UUID(2950, 16, "uuid", 2951),
    JSONB(3802, -1, "jsonb", 3807),
    VOID(2278, 4, "void", 0);

    /**
     * The length a jsonb column is declared with in H2, whose one JSON type serves json and jsonb:
     * one below H2's default, so that the catalog can tell a jsonb column from a json one (as an
     * unbounded VARCHAR tells text from varchar).
     */
    public static final long JSONB_H2_LENGTH = 999_999_999L;
    /**
     * The length of the H2 VARCHAR a json column (and a cast to json) is declared with: PostgreSQL's
     * json keeps its input text as given (whitespace, key order, duplicate keys), which H2's JSON type
     * normalises; the length marks the type, as {@link #NAME_LENGTH} does for name.
     */
    public static final long JSON_TEXT_LENGTH = 999_999_998L;
    /** The H2 declaration of a json column. */
    public static final String JSON_TEXT_COLUMN = "VARCHAR(999999998)";
    /**
     * The length that marks a catalog column of type name (pg_attribute.attname...): H2 has no such
     * type, and its result metadata keeps a varchar's declared length (through array_agg, coalesce,
     * max, CASE too), so the length carries the type to RowDescription. PostgreSQL refuses varchar
     * longer than 10485760, so no client column written for PostgreSQL has this length (Borealis
     * does not refuse it yet: such a column would be described as name).
     */
    public static final int NAME_LENGTH = 10_485_761;
    /** The H2 declaration of a catalog name column. */
    public static final String NAME_COLUMN = "VARCHAR(10485761)";
    /**
     * Likewise for int2vector (pg_index.indkey, indoption): a SMALLINT ARRAY of this maximum
     * cardinality (INDEX_MAX_KEYS). PostgreSQL's {@code int2[32]} is refused by Borealis, but a
     * client column declared {@code smallint ARRAY[32]} (bounds PostgreSQL ignores) would be
     * described as int2vector.
     */
    public static final int INT2VECTOR_CARDINALITY = 32;
    /** The H2 declaration of a catalog int2vector column. */
    public static final String INT2VECTOR_COLUMN = "SMALLINT ARRAY[32]";
    /**
     * The precision that marks an oid (pg_type.oid, pg_attribute.atttypid, {@code x::oid}): H2 has no
     * unsigned 4-byte integer and no integer type with a length, so an oid is a whole NUMERIC of a
     * precision PostgreSQL refuses for numeric (at most 1000), which H2's result metadata keeps through
     * array_agg, ARRAY(subquery), CASE, coalesce, max and UNION, as it keeps the name length.
     */
    public static final int OID_PRECISION = 1001;
    /** The H2 declaration of an oid column or cast (scale 0; no comma: catalog DDL is split on commas). */
    public static final String OID_COLUMN = "NUMERIC(1001)";
    /**
     * The length that marks text where PostgreSQL types it so and varchar would be wrong ({@code x::text},
     * catalog text columns): one below H2's unbounded length, which text and varchar columns share.
     */
    public static final int TEXT_LENGTH = 999_999_999;
    /** The H2 declaration of a catalog text column, or of a cast to text. */
    public static final String TEXT_COLUMN = "VARCHAR(999999999)";

    public final int oid;
    public final short typlen;
    public final String typname;
    public final int arrayOid;

    PgType(int oid, int typlen, String typname, int arrayOid) {
        this.oid = oid;
        this.typlen = (short) typlen;
        this.typname = typname;
        this.arrayOid = arrayOid;
    }

    public static PgType byOid(int oid) {
        return BY_OID.get(oid);
    }

    /** The element type of an array type OID, or null if {@code oid} is not a known array type. */
    public static PgType elementOfArray(int oid) {
        return oid == 0 ? null : BY_ARRAY_OID.get(oid);
    }

    // Looked up for every bound value: a scan of values() (a copy of the array each time) was 3% of
    // the SQL threads' samples during COPY.
    private static final java.util.Map<Integer, PgType> BY_OID = new java.util.HashMap<>();
    private static final java.util.Map<Integer, PgType> BY_ARRAY_OID = new java.util.HashMap<>();

    static {
        for (PgType t : values()) {
            BY_OID.putIfAbsent(t.oid, t);
            if (t.arrayOid != 0) {
                BY_ARRAY_OID.putIfAbsent(t.arrayOid, t);
            }
        }
    }

    /** Maps a JDBC type (as H2 reports it) to a PostgreSQL type. */
    public static PgType ofJdbc(int jdbcType, String typeName) {
        String name = typeName == null ? "" : typeName.toUpperCase(java.util.Locale.ROOT);
        // H2 reports UUID as BINARY and JSON as VARBINARY/OTHER: the name decides.
        if (name.equals("UUID")) {
            return UUID;
        }
        if (name.equals("JSON")) {
            return JSON;
        }
        switch (jdbcType) {
            case Types.BOOLEAN:
            case Types.BIT:
                return BOOL;
            case Types.TINYINT:
            case Types.SMALLINT:
                return INT2;
            case Types.INTEGER:
                return INT4;
            case Types.BIGINT:
                return INT8;
            case Types.REAL:
                return FLOAT4;
            case Types.FLOAT:
            case Types.DOUBLE:
                return FLOAT8;
            case Types.NUMERIC:
            case Types.DECIMAL:
                return NUMERIC;
            case Types.CHAR:
            case Types.NCHAR:
                return BPCHAR;
            case Types.VARCHAR:
            case Types.NVARCHAR:
                return VARCHAR;
            case Types.CLOB:
            case Types.NCLOB:
            case Types.LONGVARCHAR:
            case Types.LONGNVARCHAR:
                return TEXT;
            case Types.BINARY:
            case Types.VARBINARY:
            case Types.LONGVARBINARY:
            case Types.BLOB:
                return BYTEA;
            case Types.DATE:
                return DATE;
            case Types.TIME:
                return TIME;
            case Types.TIME_WITH_TIMEZONE:
                return TIMETZ;
            case Types.TIMESTAMP:
                return TIMESTAMP;
            case Types.TIMESTAMP_WITH_TIMEZONE:
                return TIMESTAMPTZ;
            default:
                break;
        }
        if (name.equals("UUID")) {
            return UUID;
        }
        if (name.equals("JSON")) {
            return JSON;
        }
        if (name.startsWith("INTERVAL")) {
            return INTERVAL;
        }
        if (name.equals("DECFLOAT")) {
            return NUMERIC;
        }
        return TEXT;
    }

    /** The PostgreSQL type of a result column, including arrays (returned as their array OID). */
    public static int oidOf(ResultSetMetaData md, int column) throws SQLException {
        int jdbc = md.getColumnType(column);
        String name = md.getColumnTypeName(column);
        if (jdbc == Types.ARRAY) {
            PgType element = arrayElement(name);
            if (element == INT2 && md.getPrecision(column) == INT2VECTOR_CARDINALITY) {
                return INT2VECTOR.oid;
            }
            if (element == VARCHAR && !isTableColumn(md, column)) {
                element = TEXT; // array['x'], array_agg(name): text[], as for a scalar string
            }
            return element == null ? TEXT.arrayOid : element.arrayOid;
        }
        PgType marked = marked(jdbc, md.getPrecision(column), md.getScale(column));
        if (marked != null) {
            return marked.oid;
        }
        if (jdbc == Types.VARCHAR && md.getPrecision(column) == JSON_TEXT_LENGTH) {
            return JSON.oid;
        }
        if (jdbc == Types.VARCHAR && (md.getPrecision(column) >= UNBOUNDED_LENGTH || !isTableColumn(md, column))) {
            // a text column (H2's unbounded varchar), or a computed string: PostgreSQL's string
            // functions and operators (lower, ||, substring) return text; varchar(n) is a column's
            return TEXT.oid;
        }
        PgType t = ofJdbc(jdbc, name);
        if (t == JSON && md.getPrecision(column) == JSONB_H2_LENGTH) {
            return JSONB.oid; // a jsonb column, or an expression H2 typed after one
        }
        return t.oid;
    }

    /**
     * The PostgreSQL type an H2 type stands for by its marker length or precision (name, text, oid),
     * or null when it is not marked.
     */
    public static PgType marked(int jdbcType, long precision, int scale) {
        if (jdbcType == Types.VARCHAR) {
            return precision == NAME_LENGTH ? NAME : precision == TEXT_LENGTH ? TEXT : null;
        }
        if ((jdbcType == Types.NUMERIC || jdbcType == Types.DECIMAL) && precision == OID_PRECISION && scale == 0) {
            return OID;
        }
        return null;
    }

    /** H2's length of a varchar declared without one: PostgreSQL's text. */
    static final long UNBOUNDED_LENGTH = 1_000_000_000L;

    private static boolean isTableColumn(ResultSetMetaData md, int column) throws SQLException {
        String table = md.getTableName(column);
        return table != null && !table.isEmpty();
    }

    /** User objects (enums, domains) have OID 16384 + their H2 id; their array types this much more. */
    public static final int FIRST_USER_OID = 16384;
    public static final int USER_ARRAY_OID_OFFSET = 3_000_000;

    /** Whether {@code oid} is the array type of a user type (an enum's array). */
    public static boolean isUserArray(int oid) {
        // enum labels' OIDs start at 4,000,000 (EnumTypes)
        return oid >= FIRST_USER_OID + USER_ARRAY_OID_OFFSET && oid < USER_ARRAY_OID_OFFSET + 1_000_000;
    }

    /** The element OID of a user type's array OID. */
    public static int userArrayElement(int arrayOid) {
        return arrayOid - USER_ARRAY_OID_OFFSET;
    }

    /** The element type named in an H2 array type name such as {@code INTEGER ARRAY}. */
    public static PgType arrayElement(String h2TypeName) {
        if (h2TypeName == null) {
            return null;
        }
        String n = h2TypeName.toUpperCase(java.util.Locale.ROOT);
        // marked elements: array_agg(attname), array_agg(x::text), array_agg(atttypid)
        if (n.startsWith("CHARACTER VARYING(" + NAME_LENGTH + ")")) {
            return NAME;
        }
        if (n.startsWith("CHARACTER VARYING(" + TEXT_LENGTH + ")")) {
            return TEXT;
        }
        if (n.startsWith("NUMERIC(" + OID_PRECISION + ")") || n.startsWith("NUMERIC(" + OID_PRECISION + ", 0)")) {
            return OID;
        }
        java.util.regex.Matcher varchar = java.util.regex.Pattern.compile("^CHARACTER VARYING(?:\\((\\d+)\\))?( ARRAY)+$").matcher(n);
        if (varchar.matches() && (varchar.group(1) == null || Long.parseLong(varchar.group(1)) >= UNBOUNDED_LENGTH)) {
            return TEXT; // text[]: an array of unbounded varchar
        }
        // NUMERIC(12, 4) ARRAY, INTEGER ARRAY ARRAY (a 2-dimensional int[]): the element's base name
        String element = n.replaceAll("\\([^)]*\\)", "");
        while (element.endsWith(" ARRAY")) {
            element = element.substring(0, element.length() - " ARRAY".length());
        }
        if (element.startsWith("INTERVAL")) {
            return INTERVAL;
        }
        return switch (element) {
            case "TIME" -> TIME;
            case "TIME WITH TIME ZONE" -> TIMETZ;
            case "CHARACTER" -> BPCHAR;
            case "JSON" -> JSON;
            case "INTEGER" -> INT4;
            case "BIGINT" -> INT8;
            case "SMALLINT", "TINYINT" -> INT2;
            case "BOOLEAN" -> BOOL;
            case "REAL" -> FLOAT4;
            case "DOUBLE PRECISION" -> FLOAT8;
            case "NUMERIC", "DECIMAL", "DECFLOAT" -> NUMERIC;
            case "UUID" -> UUID;
            case "DATE" -> DATE;
            case "TIMESTAMP" -> TIMESTAMP;
            case "TIMESTAMP WITH TIME ZONE" -> TIMESTAMPTZ;
            case "BINARY VARYING", "VARBINARY" -> BYTEA;
            case "CHARACTER VARYING", "VARCHAR" -> VARCHAR;
            default -> TEXT;
        };
    }

    /** typmod as PostgreSQL reports it: varchar(n) and bpchar(n) are n+4, numeric(p,s) is ((p<<16)|s)+4. */
    public static int typmodOf(ResultSetMetaData md, int column, int oid) throws SQLException {
        if (oid == VARCHAR.oid || oid == BPCHAR.oid) {
            int p = md.getPrecision(column);
            return p > 0 && p < 10_485_760 ? p + 4 : -1;
        }
        if (oid == NUMERIC.oid) {
            int p = md.getPrecision(column);
            int s = md.getScale(column);
            return p > 0 && p <= 1000 ? ((p << 16) | s) + 4 : -1;
        }
        return -1;
    }

    public static short typlenOf(int oid) {
        PgType t = byOid(oid);
        return t == null ? -1 : t.typlen;
    }
}
