package borealis.engine.pg.catalog;

import borealis.engine.pg.types.PgType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.h2.engine.Database;
import org.h2.schema.Domain;
import org.h2.schema.Schema;
import org.h2.table.Column;
import org.h2.value.ExtTypeInfoEnum;
import org.h2.value.TypeInfo;
import org.h2.value.Value;

/**
 * Enum types as pg_type and pg_enum show them. {@code CREATE TYPE t AS ENUM (...)} is an H2 domain
 * over an ENUM data type; its OID is the domain's (16384 + H2 id, as every user object), its array
 * type's OID is that plus {@link #ARRAY_OID_OFFSET}, and each label gets an OID of its own.
 */
public final class EnumTypes {

    /** Offsets that keep the synthesized OIDs of array types and labels apart from object OIDs. */
    static final int ARRAY_OID_OFFSET = PgType.USER_ARRAY_OID_OFFSET;
    private static final int LABEL_OID_OFFSET = 4_000_000;
    private static final int LABELS_PER_TYPE = 1_000;

    private EnumTypes() {}

    /** The enum domain a column is declared with, or null. */
    static Domain enumDomain(Column c) {
        Domain d = c.getDomain();
        return d != null && isEnum(d) ? d : null;
    }

    static boolean isEnum(Domain d) {
        return d.getDataType().getValueType() == Value.ENUM && d.getDataType().getExtTypeInfo() instanceof ExtTypeInfoEnum;
    }

    /** The labels of an enum domain, in their order. */
    static List<String> labels(Domain d) {
        ExtTypeInfoEnum e = (ExtTypeInfoEnum) d.getDataType().getExtTypeInfo();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < e.getCount(); i++) {
            out.add(e.getEnumerator(i));
        }
        return out;
    }

    static int oid(Domain d) {
        return CatalogBuilder.oidOf(d.getId());
    }

    /**
     * The OID of the enum type an H2 result or parameter type stands for, or 0. H2 types an enum
     * column, a cast to the enum or an expression of it by its labels ({@code ENUM('sad', 'ok')}),
     * not by the domain, so the enum is the one declared with these labels (the first, when two
     * enums share them: they hold the same values).
     */
    public static int oidOfH2Type(Database db, String h2TypeName) {
        if (h2TypeName == null || !h2TypeName.startsWith("ENUM(")) {
            return 0;
        }
        for (Schema s : db.getAllSchemas()) {
            for (Domain d : s.getAllDomains()) {
                if (isEnum(d) && d.getDataType().getDeclaredTypeName().equals(h2TypeName)) {
                    return oid(d);
                }
            }
        }
        return 0;
    }

    /**
     * The OID of the enum's array type an H2 type stands for ({@code ENUM('sad', 'ok') ARRAY}), or
     * 0; an enum column or expression gives its enum's OID ({@link #oidOfH2Type}).
     */
    public static int typeOidOfH2Type(Database db, String h2TypeName) {
        if (h2TypeName != null && h2TypeName.endsWith(" ARRAY") && !h2TypeName.endsWith(" ARRAY ARRAY")) {
            int element = oidOfH2Type(db, h2TypeName.substring(0, h2TypeName.length() - " ARRAY".length()));
            return element == 0 ? 0 : element + ARRAY_OID_OFFSET;
        }
        return oidOfH2Type(db, h2TypeName);
    }

    /**
     * The name an enum type (or its array type) is written with in SQL, schema-qualified and
     * quoted (with {@code []} for the array), or null when {@code oid} is not an enum's.
     */
    public static String sqlName(Database db, int oid) {
        boolean array = PgType.isUserArray(oid);
        int element = array ? PgType.userArrayElement(oid) : oid;
        for (Schema s : db.getAllSchemas()) {
            for (Domain d : s.getAllDomains()) {
                if (isEnum(d) && oid(d) == element) {
                    return borealis.engine.pg.sql.SqlQuoting.qualified(s.getName(), d.getName()) + (array ? "[]" : "");
                }
            }
        }
        return null;
    }

    /** pg_type.typtype 'e' rows (and their array types) and the pg_enum rows of a schema's enums. */
    static void rows(Schema s, int namespace, Map<String, List<Object[]>> rows) {
        for (Domain d : s.getAllDomains()) {
            if (!isEnum(d)) {
                continue;
            }
            int oid = oid(d);
            int array = oid + ARRAY_OID_OFFSET;
            add(rows, "pg_type", oid, d.getName(), namespace, CatalogBuilder.OWNER, (short) 4, true, "e", "E", false, true, ",", 0,
                    null, 0, array, BuiltinRows.procOid("enum_in"), BuiltinRows.procOid("enum_out"),
                    BuiltinRows.procOid("enum_recv"), BuiltinRows.procOid("enum_send"), null, null, null, "i", "p", false, 0, -1, 0, 0,
                    null, null, null);
            add(rows, "pg_type", array, "_" + d.getName(), namespace, CatalogBuilder.OWNER, (short) -1, false, "b", "A", false, true,
                    ",", 0, "array_subscript_handler", oid, 0, BuiltinRows.procOid("array_in"),
                    BuiltinRows.procOid("array_out"), BuiltinRows.procOid("array_recv"), BuiltinRows.procOid("array_send"), null, null, null,
                    "i", "x", false, 0, -1, 0, 0, null, null, null);
            List<String> labels = labels(d);
            for (int i = 0; i < labels.size() && i < LABELS_PER_TYPE; i++) {
                add(rows, "pg_enum", LABEL_OID_OFFSET + d.getId() * LABELS_PER_TYPE + i, oid, (float) (i + 1), labels.get(i));
            }
        }
    }

    /** The type OID of a column: its enum's when it has one, else the H2 type's. */
    static int columnTypeOid(Column c) {
        Domain d = enumDomain(c);
        return d != null ? oid(d) : TypeMapping.oid(c.getType());
    }

    static boolean isEnumType(TypeInfo t) {
        return t.getValueType() == Value.ENUM;
    }

    private static void add(Map<String, List<Object[]>> rows, String table, Object... values) {
        rows.computeIfAbsent(table, k -> new ArrayList<>()).add(values);
    }
}
