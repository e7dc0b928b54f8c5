package borealis.engine.pg.catalog;

import borealis.engine.pg.DeferrableMark;
import borealis.engine.pg.sql.CatalogNames;
import borealis.engine.pg.types.PgType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.h2.constraint.Constraint;
import org.h2.constraint.ConstraintActionType;
import org.h2.constraint.ConstraintCheck;
import org.h2.constraint.ConstraintReferential;
import org.h2.constraint.ConstraintUnique;
import org.h2.schema.Domain;
import org.h2.schema.Schema;
import org.h2.schema.Sequence;
import org.h2.table.Column;
import org.h2.table.IndexColumn;
import org.h2.table.Table;
import org.h2.table.TableType;
import org.h2.table.TableView;
import org.h2.value.TypeInfo;

/**
 * The rows of the information_schema views ({@link InformationSchemaTables}) for one database,
 * read from the same H2 metadata as pg_catalog, with PostgreSQL 15's values: its type names
 * ('character varying', udt 'varchar'), 'YES'/'NO', defaults in its spelling, its constraint names
 * (a NOT NULL column is a CHECK constraint named namespace_table_attnum_not_null).
 */
final class InformationSchemaRows {

    /** character_octet_length of an unbounded character column: PostgreSQL's 1 GB field limit. */
    private static final int MAX_OCTETS = 1_073_741_824;
    /** The longest UTF-8 character: PostgreSQL's octet length is characters times this. */
    private static final int UTF8_MAX = 4;

    private static final java.util.Set<String> NUMERIC_TYPES = java.util.Set.of("smallint", "integer", "bigint", "numeric", "real",
            "double precision");

    private final Map<String, List<Object[]>> rows;
    private final String db;
    private final String owner;

    InformationSchemaRows(Map<String, List<Object[]>> rows, String databaseName, String owner) {
        this.rows = rows;
        this.db = databaseName;
        this.owner = owner;
    }

    private void add(String table, Object... values) {
        rows.computeIfAbsent(table, k -> new ArrayList<>()).add(values);
    }

    /** The schemata PostgreSQL always has, then a user schema per call of {@link #schema}. */
    void systemSchemas() {
        schema("pg_catalog");
        schema("information_schema");
    }

    void schema(String name) {
        add("schemata", db, name, name.equals("public") ? "pg_database_owner" : owner, null, null, null, null);
    }

    void table(Schema s, Table t, int nsOid, int tableOid) {
        boolean view = t.getTableType() == TableType.VIEW;
        String schema = s.getName();
        String name = t.getName();
        add("tables", db, schema, name, view ? "VIEW" : t.isTemporary() ? "LOCAL TEMPORARY" : "BASE TABLE", null, null, null, null,
                null, "YES", "NO", t.isTemporary() ? "PRESERVE" : null);
        if (view) {
            String def = t instanceof TableView v ? v.getQuerySQL() : null;
            add("views", db, schema, name, def, "NONE", "NO", "NO", "NO", "NO", "NO");
        }
        for (Column c : PartialIndexCatalog.visibleColumns(t)) {
            column(schema, t, c);
            if (!c.isNullable() && !view) {
                // PostgreSQL lists each NOT NULL column as a CHECK constraint with a generated name
                String cn = nsOid + "_" + tableOid + "_" + (c.getColumnId() + 1) + "_not_null";
                add("table_constraints", db, schema, cn, db, schema, name, "CHECK", "NO", "NO", "YES", null);
                add("check_constraints", db, schema, cn, c.getName() + " IS NOT NULL");
            }
            Sequence q = c.getSequence();
            if (c.isIdentity() && q != null && !CatalogNames.declaredIdentity(c)) {
                sequence(schema, serialSequenceName(t, c), q); // only serial sequences: PostgreSQL leaves identity ones out
            }
        }
        List<Constraint> constraints = t.getConstraints() == null ? List.of() : t.getConstraints();
        for (Constraint c : constraints) {
            if (c.getTable() == t) {
                constraint(schema, t, c);
            }
        }
    }

    /** The name PostgreSQL gives the sequence of a serial or identity column. */
    static String serialSequenceName(Table t, Column c) {
        return t.getName() + "_" + c.getName() + "_seq";
    }

    void sequence(String schema, String name, Sequence q) {
        boolean integer = q.getDataType().getValueType() == org.h2.value.Value.INTEGER;
        boolean small = q.getDataType().getValueType() == org.h2.value.Value.SMALLINT;
        add("sequences", db, schema, name, integer ? "integer" : small ? "smallint" : "bigint", integer ? 32 : small ? 16 : 64, 2, 0,
                Long.toString(q.getStartValue()), Long.toString(q.getMinValue()), Long.toString(q.getMaxValue()),
                Long.toString(q.getIncrement()), q.getCycle() == Sequence.Cycle.CYCLE ? "YES" : "NO");
    }

    private void column(String schema, Table t, Column c) {
        int pos = c.getColumnId() + 1;
        TypeInfo type = c.getType();
        Domain enumType = EnumTypes.enumDomain(c);
        int oid = TypeMapping.oid(type);
        int typmod = TypeMapping.typmod(type);
        String dataType;
        String udtSchema = "pg_catalog";
        String udtName;
        if (enumType != null) {
            dataType = "USER-DEFINED";
            udtSchema = enumType.getSchema().getName();
            udtName = enumType.getName();
        } else if (PgType.elementOfArray(oid) != null) {
            dataType = "ARRAY";
            udtName = "_" + PgType.elementOfArray(oid).typname;
        } else {
            PgType p = PgType.byOid(oid);
            udtName = p == null ? "text" : p.typname;
            dataType = dataTypeName(p);
        }
        Integer charMax = null;
        Integer octets = null;
        if (oid == PgType.VARCHAR.oid || oid == PgType.BPCHAR.oid || oid == PgType.TEXT.oid) {
            charMax = typmod > 4 ? typmod - 4 : null;
            octets = charMax == null ? MAX_OCTETS : charMax * UTF8_MAX;
        }
        Integer precision = null;
        Integer radix = null;
        Integer scale = null;
        Integer datetime = null;
        if (oid == PgType.INT2.oid || oid == PgType.INT4.oid || oid == PgType.INT8.oid) {
            precision = oid == PgType.INT2.oid ? 16 : oid == PgType.INT4.oid ? 32 : 64;
            radix = 2;
            scale = 0;
        } else if (oid == PgType.FLOAT4.oid || oid == PgType.FLOAT8.oid) {
            precision = oid == PgType.FLOAT4.oid ? 24 : 53;
            radix = 2;
        } else if (oid == PgType.NUMERIC.oid) {
            radix = 10;
            if (typmod > 4) {
                precision = (typmod - 4) >> 16;
                scale = (typmod - 4) & 0xffff;
            }
        } else if (oid == PgType.DATE.oid) {
            datetime = 0;
        } else if (oid == PgType.TIME.oid || oid == PgType.TIMETZ.oid || oid == PgType.TIMESTAMP.oid || oid == PgType.TIMESTAMPTZ.oid
                || oid == PgType.INTERVAL.oid) {
            datetime = typmod >= 0 ? typmod : 6;
        }
        boolean serial = c.isIdentity() && !CatalogNames.declaredIdentity(c);
        boolean identity = c.isIdentity() && !serial;
        String def = serial ? "nextval('" + serialSequenceName(t, c) + "'::regclass)"
                : c.isIdentity() || c.isGenerated() || c.getDefaultSQL() == null ? null
                : columnDefault(c.getDefaultSQL(), enumType != null ? enumType.getName() : dataType);
        Sequence q = identity ? c.getSequence() : null;
        add("columns", db, schema, t.getName(), c.getName(), pos, def, c.isNullable() ? "YES" : "NO", dataType, charMax, octets,
                precision, radix, scale, datetime, null, null, null, null, null, null, null, null, null, null, null, db, udtSchema,
                udtName, null, null, null, null, Integer.toString(pos), "NO", identity ? "YES" : "NO", identity ? (c.isGeneratedAlways() ? "ALWAYS" : "BY DEFAULT") : null,
                q == null ? null : Long.toString(q.getStartValue()), q == null ? null : Long.toString(q.getIncrement()),
                q == null ? null : Long.toString(q.getMaxValue()), q == null ? null : Long.toString(q.getMinValue()),
                q != null && q.getCycle() == Sequence.Cycle.CYCLE ? "YES" : "NO", c.isGenerated() ? "ALWAYS" : "NEVER",
                c.isGenerated() ? c.getDefaultSQL() : null, t.getTableType() == TableType.VIEW ? "NO" : "YES");
    }

    /** A default as PostgreSQL prints it: a string literal carries a cast to the column's type. */
    static String columnDefault(String h2, String typeName) {
        String d = CatalogBuilder.pgDefault(h2);
        String literal = d.startsWith("'") && d.endsWith("'::text") ? d.substring(1, d.length() - "'::text".length()) : null;
        if (literal != null && typeName.equals("boolean")) {
            // PostgreSQL stores a typed constant: default '1' on a boolean reads back as true (Knex writes booleans so)
            String v = literal.trim().toLowerCase(java.util.Locale.ROOT);
            if (List.of("t", "true", "y", "yes", "on", "1").contains(v)) {
                return "true";
            }
            if (List.of("f", "false", "n", "no", "off", "0").contains(v)) {
                return "false";
            }
        }
        if (literal != null && NUMERIC_TYPES.contains(typeName) && literal.matches("[0-9]+(\\.[0-9]+)?")) {
            return literal; // a non-negative number is printed bare, as PostgreSQL prints the constant
        }
        if (d.endsWith("'::text") && !typeName.equals("text")) {
            // a type name with a space is a built-in's SQL name; an enum's name is quoted as an identifier when it must be
            return d.substring(0, d.length() - "text".length())
                    + (typeName.contains(" ") ? typeName : borealis.engine.pg.sql.SqlQuoting.displayIdentifier(typeName));
        }
        return d;
    }

    /** information_schema's data_type: the SQL standard's name of a built-in type. */
    static String dataTypeName(PgType p) {
        if (p == null) {
            return "text";
        }
        return switch (p) {
            case BOOL -> "boolean";
            case INT2 -> "smallint";
            case INT4 -> "integer";
            case INT8 -> "bigint";
            case FLOAT4 -> "real";
            case FLOAT8 -> "double precision";
            case VARCHAR -> "character varying";
            case BPCHAR -> "character";
            case TIMESTAMP -> "timestamp without time zone";
            case TIMESTAMPTZ -> "timestamp with time zone";
            case TIME -> "time without time zone";
            case TIMETZ -> "time with time zone";
            default -> p.typname;
        };
    }

    private void constraint(String schema, Table t, Constraint c) {
        String name = c.getName();
        String type;
        switch (c.getConstraintType()) {
            case PRIMARY_KEY -> type = "PRIMARY KEY";
            case UNIQUE -> type = "UNIQUE";
            case REFERENTIAL -> type = "FOREIGN KEY";
            case CHECK -> type = "CHECK";
            default -> {
                return;
            }
        }
        boolean keyed = c.getConstraintType() == Constraint.Type.UNIQUE;
        add("table_constraints", db, schema, name, db, schema, t.getName(), type, yesNo(DeferrableMark.deferrable(c.getComment())),
                yesNo(DeferrableMark.initiallyDeferred(c.getComment())), "YES", keyed ? "YES" : null);
        if (c instanceof ConstraintUnique u) {
            IndexColumn[] cols = u.getColumns();
            for (int k = 0; k < cols.length; k++) {
                add("key_column_usage", db, schema, name, db, schema, t.getName(), cols[k].column.getName(), k + 1, null);
                add("constraint_column_usage", db, schema, t.getName(), cols[k].column.getName(), db, schema, name);
            }
        } else if (c instanceof ConstraintReferential r) {
            IndexColumn[] cols = r.getColumns();
            IndexColumn[] refs = r.getRefColumns();
            ConstraintUnique target = r.getReferencedConstraint();
            for (int k = 0; k < cols.length; k++) {
                add("key_column_usage", db, schema, name, db, schema, t.getName(), cols[k].column.getName(), k + 1,
                        positionIn(target, refs[k].column));
            }
            Table ref = r.getRefTable();
            String refSchema = ref.getSchema().getName();
            for (IndexColumn rc : refs) {
                // PostgreSQL names the referenced columns here, under the referenced table
                add("constraint_column_usage", db, refSchema, ref.getName(), rc.column.getName(), db, schema, name);
            }
            add("referential_constraints", db, schema, name, target == null ? null : db, target == null ? null : refSchema,
                    target == null ? null : target.getName(), "NONE", rule(r.getUpdateAction()), rule(r.getDeleteAction()));
        } else if (c instanceof ConstraintCheck k) {
            for (Column col : k.getReferencedColumns(t)) {
                add("constraint_column_usage", db, schema, t.getName(), col.getName(), db, schema, name);
            }
            String expr = CatalogBuilder.stripParens(k.getExpression().getSQL(org.h2.util.HasSQL.QUOTE_ONLY_WHEN_REQUIRED));
            add("check_constraints", db, schema, name, "((" + expr + "))");
        }
    }

    private static Integer positionIn(ConstraintUnique target, Column column) {
        if (target == null) {
            return null;
        }
        IndexColumn[] cols = target.getColumns();
        for (int i = 0; i < cols.length; i++) {
            if (cols[i].column == column) {
                return i + 1;
            }
        }
        return null;
    }

    /** H2's RESTRICT is its default, which behaves as PostgreSQL's default NO ACTION. */
    private static String rule(ConstraintActionType a) {
        return switch (a) {
            case CASCADE -> "CASCADE";
            case SET_NULL -> "SET NULL";
            case SET_DEFAULT -> "SET DEFAULT";
            default -> "NO ACTION";
        };
    }

    private static String yesNo(boolean b) {
        return b ? "YES" : "NO";
    }
}
