package borealis.engine.pg.catalog;

import borealis.engine.pg.types.PgNumerics;
import borealis.engine.pg.types.PgType;
import org.h2.value.TypeInfo;
import org.h2.value.Value;

/** H2 column types as PostgreSQL sees them (pg_attribute.atttypid, atttypmod), and format_type. */
public final class TypeMapping {

    /** H2's length for an unbounded VARCHAR: such a column was declared text. */
    private static final long UNBOUNDED = 1_000_000_000L;

    private TypeMapping() {}

    /** The PostgreSQL type OID of an H2 type. */
    public static int oid(TypeInfo type) {
        switch (type.getValueType()) {
            case Value.BOOLEAN: return PgType.BOOL.oid;
            case Value.TINYINT, Value.SMALLINT: return PgType.INT2.oid;
            case Value.INTEGER: return PgType.INT4.oid;
            case Value.BIGINT: return PgType.INT8.oid;
            case Value.REAL: return PgType.FLOAT4.oid;
            case Value.DOUBLE: return PgType.FLOAT8.oid;
            case Value.NUMERIC, Value.DECFLOAT:
                return type.getPrecision() == PgType.OID_PRECISION && type.getScale() == 0 ? PgType.OID.oid : PgType.NUMERIC.oid;
            case Value.CHAR: return PgType.BPCHAR.oid;
            case Value.VARCHAR, Value.VARCHAR_IGNORECASE:
                if (type.getPrecision() == PgType.JSON_TEXT_LENGTH) {
                    return PgType.JSON.oid;
                }
                return type.getPrecision() >= UNBOUNDED || type.getPrecision() == PgType.TEXT_LENGTH ? PgType.TEXT.oid
                        : type.getPrecision() == PgType.NAME_LENGTH ? PgType.NAME.oid : PgType.VARCHAR.oid;
            case Value.CLOB: return PgType.TEXT.oid;
            case Value.BINARY, Value.VARBINARY, Value.BLOB: return PgType.BYTEA.oid;
            case Value.DATE: return PgType.DATE.oid;
            case Value.TIME: return PgType.TIME.oid;
            case Value.TIME_TZ: return PgType.TIMETZ.oid;
            case Value.TIMESTAMP: return PgType.TIMESTAMP.oid;
            case Value.TIMESTAMP_TZ: return PgType.TIMESTAMPTZ.oid;
            case Value.UUID: return PgType.UUID.oid;
            case Value.JSON: return type.getPrecision() == PgType.JSONB_H2_LENGTH ? PgType.JSONB.oid : PgType.JSON.oid;
            case Value.ARRAY: {
                TypeInfo element = type.getExtTypeInfo() instanceof TypeInfo ti ? ti : null;
                if (element == null) {
                    return PgType.TEXT.arrayOid;
                }
                PgType e = PgType.byOid(oid(element));
                return e == null || e.arrayOid == 0 ? PgType.TEXT.arrayOid : e.arrayOid;
            }
            default:
                if (type.getValueType() >= Value.INTERVAL_YEAR && type.getValueType() <= Value.INTERVAL_MINUTE_TO_SECOND) {
                    return PgType.INTERVAL.oid;
                }
                return PgType.TEXT.oid;
        }
    }

    /** atttypmod: n+4 for varchar(n)/char(n), ((p << 16) | s) + 4 for numeric(p,s), else -1. */
    public static int typmod(TypeInfo type) {
        switch (type.getValueType()) {
            case Value.CHAR, Value.VARCHAR, Value.VARCHAR_IGNORECASE:
                return type.getPrecision() >= UNBOUNDED || oid(type) != PgType.VARCHAR.oid && oid(type) != PgType.BPCHAR.oid ? -1
                        : (int) type.getPrecision() + 4;
            case Value.NUMERIC:
                if (oid(type) == PgType.OID.oid) {
                    return -1;
                }
                // an unconstrained numeric is H2's NUMERIC(2000, 1000) (PgNumerics): no numeric(p,s) has p > 1000
                return type.getDeclaredPrecision() > 0 && type.getPrecision() <= PgNumerics.MAX_CONSTRAINED_PRECISION
                        ? (int) ((type.getPrecision() << 16) | type.getScale()) + 4 : -1;
            case Value.TIMESTAMP, Value.TIMESTAMP_TZ, Value.TIME, Value.TIME_TZ:
                return type.getScale() == 6 ? -1 : type.getScale();
            default:
                return -1;
        }
    }

    public static short length(int oid) {
        PgType t = PgType.byOid(oid);
        return t == null ? -1 : t.typlen;
    }

    /** format_type(oid, typmod): the SQL name of a type, as psql's \d shows it. */
    public static String formatType(int oid, Integer typmod) {
        int mod = typmod == null ? -1 : typmod;
        PgType element = PgType.elementOfArray(oid);
        if (element != null) {
            return formatType(element.oid, typmod) + "[]";
        }
        PgType t = PgType.byOid(oid);
        if (t == null) {
            return oid == 0 ? "-" : "???";
        }
        return switch (t) {
            case BOOL -> "boolean";
            case INT2 -> "smallint";
            case INT4 -> "integer";
            case INT8 -> "bigint";
            case FLOAT4 -> "real";
            case FLOAT8 -> "double precision";
            case NUMERIC -> mod > 4 ? "numeric(" + ((mod - 4) >> 16) + "," + ((mod - 4) & 0xffff) + ")" : "numeric";
            case VARCHAR -> mod > 4 ? "character varying(" + (mod - 4) + ")" : "character varying";
            case BPCHAR -> mod > 4 ? "character(" + (mod - 4) + ")" : "bpchar";
            case TIMESTAMP -> mod >= 0 ? "timestamp(" + mod + ") without time zone" : "timestamp without time zone";
            case TIMESTAMPTZ -> mod >= 0 ? "timestamp(" + mod + ") with time zone" : "timestamp with time zone";
            case TIME -> mod >= 0 ? "time(" + mod + ") without time zone" : "time without time zone";
            case TIMETZ -> mod >= 0 ? "time(" + mod + ") with time zone" : "time with time zone";
            case NAME -> "name";
            case OID -> "oid";
            case UNKNOWN -> "unknown";
            default -> t.typname;
        };
    }
}
