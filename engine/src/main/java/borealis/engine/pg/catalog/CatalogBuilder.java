package borealis.engine.pg.catalog;

import borealis.engine.pg.DeferrableMark;
import borealis.engine.pg.sql.CatalogNames;
import borealis.engine.pg.sql.SqlQuoting;
import borealis.engine.pg.types.PgType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.h2.constraint.Constraint;
import org.h2.constraint.ConstraintActionType;
import org.h2.constraint.ConstraintCheck;
import org.h2.constraint.ConstraintReferential;
import org.h2.constraint.ConstraintUnique;
import org.h2.engine.Database;
import org.h2.engine.SessionLocal;
import org.h2.index.Index;
import org.h2.index.IndexType;
import org.h2.schema.Schema;
import org.h2.schema.Sequence;
import org.h2.table.Column;
import org.h2.table.IndexColumn;
import org.h2.table.Table;
import org.h2.table.TableType;
import org.h2.table.TableView;

/**
 * Reads H2's own metadata (schemas, tables, views, columns, indexes, constraints, sequences) and
 * produces the rows of the pg_catalog relations that describe them.
 *
 * <p>OIDs are stable: a user object's OID is 16384 plus its H2 object id, which H2 keeps for the
 * object's life. Built-in types and namespaces keep PostgreSQL's own OIDs.
 */
final class CatalogBuilder {

    static final int FIRST_USER_OID = 16384;
    static final int PG_CATALOG_NS = 11;
    static final int PUBLIC_NS = 2200;
    static final int INFORMATION_SCHEMA_NS = 13183;
    static final int OWNER = 10;
    static final int HEAP_AM = 2;
    static final int BTREE_AM = 403;
    static final int HASH_AM = 405;
    static final int PG_CLASS_OID = 1259;
    static final int PG_CONSTRAINT_OID = 2606;
    static final int DATABASE_OID = 16383;

    final Map<String, List<Object[]>> rows = new LinkedHashMap<>();

    private final SessionLocal session;
    private final String databaseName;
    private final List<String> roles;

    private final InformationSchemaRows info;

    CatalogBuilder(SessionLocal session, String databaseName, List<String> roles) {
        this.session = session;
        this.databaseName = databaseName;
        this.roles = roles;
        this.info = new InformationSchemaRows(rows, databaseName, ownerName());
    }

    private void add(String table, Object... values) {
        rows.computeIfAbsent(table, k -> new ArrayList<>()).add(values);
    }

    static int oidOf(int h2Id) {
        return FIRST_USER_OID + h2Id;
    }

    static boolean hidden(Schema s) {
        String n = s.getName();
        return n.equalsIgnoreCase(CatalogNames.SCHEMA) || n.equalsIgnoreCase("INFORMATION_SCHEMA") || n.equalsIgnoreCase("pg_catalog");
    }

    static int namespaceOid(Schema s) {
        String n = s.getName().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "public" -> PUBLIC_NS;
            case "pg_catalog" -> PG_CATALOG_NS;
            case "information_schema" -> INFORMATION_SCHEMA_NS;
            default -> oidOf(s.getId());
        };
    }

    void build() {
        Database db = session.getDatabase();
        add("pg_namespace", PG_CATALOG_NS, "pg_catalog", OWNER, null);
        add("pg_namespace", INFORMATION_SCHEMA_NS, "information_schema", OWNER, null);
        info.systemSchemas();
        for (Schema s : db.getAllSchemas()) {
            if (hidden(s)) {
                continue;
            }
            add("pg_namespace", namespaceOid(s), s.getName(), OWNER, null);
            info.schema(s.getName());
            EnumTypes.rows(s, namespaceOid(s), rows);
            for (Table t : s.getAllTablesAndViews(session)) {
                // A schema of many thousands of tables takes a while: the statement's timeout and cancel still hold.
                borealis.engine.pg.sql.StatementLimit.check();
                table(s, t);
            }
            for (Sequence q : s.getAllSequences()) {
                sequence(s, q);
            }
        }
        staticRows();
    }

    private void table(Schema s, Table t) {
        TableType type = t.getTableType();
        if (type != TableType.TABLE && type != TableType.VIEW) {
            return;
        }
        int oid = oidOf(t.getId());
        int ns = namespaceOid(s);
        boolean view = type == TableType.VIEW;
        Column[] cols = PartialIndexCatalog.visibleColumns(t);
        int checks = 0;
        List<Constraint> constraints = t.getConstraints() == null ? List.of() : t.getConstraints();
        for (Constraint c : constraints) {
            if (c.getTable() == t && c.getConstraintType() == Constraint.Type.CHECK) {
                checks++;
            }
        }
        boolean triggers = false;
        List<IndexDef> indexes = new ArrayList<>();
        java.util.Set<Index> owned = new java.util.HashSet<>();
        for (Constraint c : constraints) {
            if (c instanceof ConstraintReferential) {
                triggers = true;
                if (c.getTable() == t && c.getIndex() != null && c.getIndex().getIndexType().getBelongsToConstraint()) {
                    owned.add(c.getIndex()); // H2 indexes foreign keys; PostgreSQL does not
                }
            }
            if (c instanceof ConstraintUnique u && c.getTable() == t) {
                indexes.add(new IndexDef(indexOid(u), c.getName(), u.getColumns(), c.getConstraintType() == Constraint.Type.PRIMARY_KEY,
                        true, false, null));
                if (u.getIndex() != null) {
                    owned.add(u.getIndex());
                }
            }
        }
        for (Index i : t.getIndexes() == null ? List.<Index>of() : t.getIndexes()) {
            if (!owned.contains(i) && !i.getIndexType().isScan() && !i.isRowIdIndex() && i.getIndexColumns() != null) {
                indexes.add(new IndexDef(oidOf(i.getId()), i.getName(), PartialIndexCatalog.keyColumns(t, i.getIndexColumns()),
                        i.getIndexType().isPrimaryKey(), i.getIndexType().isUnique(), i.getIndexType().isHash(),
                        borealis.engine.pg.PartialIndexNaming.definition(i.getComment())));
            }
        }
        long tuples = view ? 0 : t.getRowCountApproximation(session);
        String persistence = t.isTemporary() ? "t" : "p";
        add("pg_class", oid, t.getName(), ns, 0, 0, OWNER, view ? 0 : HEAP_AM, oid, 0, (int) Math.max(1, tuples / 50),
                (float) tuples, 0, 0, !indexes.isEmpty(), false, persistence, view ? "v" : "r", (short) cols.length,
                (short) checks, view, triggers, false, false, false, true, "d", false, 0, 0, 0, null, null, null, false);
        String owner = ownerName();
        if (view) {
            String def = t instanceof TableView v ? v.getQuerySQL() : null;
            add("pg_views", s.getName(), t.getName(), owner, def);
        } else {
            add("pg_tables", s.getName(), t.getName(), owner, null, !indexes.isEmpty(), false, false, false);
            // One row a table, with no I/O counted (Sequelize's describeTable joins it to pg_description for comments).
            add("pg_statio_user_tables", oid, s.getName(), t.getName(), 0L, 0L);
            add("pg_statio_all_tables", oid, s.getName(), t.getName(), 0L, 0L);
        }
        if (t.getComment() != null) {
            add("pg_description", oid, PG_CLASS_OID, 0, t.getComment());
        }
        info.table(s, t, ns, oid);
        for (Column c : cols) {
            int attnum = c.getColumnId() + 1;
            int typeOid = EnumTypes.columnTypeOid(c);
            // serial columns are H2 identities; PostgreSQL shows them as a nextval() default
            boolean serial = c.isIdentity() && !CatalogNames.declaredIdentity(c);
            String def = serial ? "nextval('" + t.getName() + "_" + c.getName() + "_seq'::regclass)"
                    : c.isIdentity() ? null : c.getDefaultSQL();
            String identity = c.isIdentity() && !serial ? (c.isGeneratedAlways() ? "a" : "d") : "";
            String generated = c.isGenerated() ? "s" : "";
            add("pg_attribute", oid, c.getName(), typeOid, -1, TypeMapping.length(typeOid), (short) attnum, 0, -1,
                    TypeMapping.typmod(c.getType()), TypeMapping.length(typeOid) > 0, "i", "p", "", !c.isNullable(),
                    def != null || c.isGenerated(), false, identity, generated, false, true, 0,
                    typeOid == PgType.TEXT.oid || typeOid == PgType.VARCHAR.oid || typeOid == PgType.BPCHAR.oid ? 100 : 0,
                    null, null, null, null);
            if (def != null || c.isGenerated()) {
                String expr = c.isGenerated() ? c.getDefaultSQL() : serial ? def : pgDefault(def);
                add("pg_attrdef", oidOf(t.getId()) * 0 + FIRST_USER_OID * 2 + t.getId() * 256 + attnum, oid, (short) attnum, expr);
            }
            if (c.getComment() != null) {
                add("pg_description", oid, PG_CLASS_OID, attnum, c.getComment());
            }
            if (c.isIdentity() && c.getSequence() != null) {
                columnSequence(s, t, c, serial);
            }
        }
        for (IndexDef i : indexes) {
            index(s, t, i);
        }
        for (Constraint c : constraints) {
            if (c.getTable() == t) {
                constraint(s, t, c);
            }
        }
    }

    private static final java.util.regex.Pattern NEXTVAL = java.util.regex.Pattern.compile(
            "(?i)(?:\"?borealis_catalog\"?\\.)?\"?NEXTVAL(?:_OF)?\"?\\((?:CURRENT_SCHEMA|NULL|'((?:[^']|'')*)'), *'((?:[^']|'')*)'\\)");

    /** H2's default expression SQL in PostgreSQL's spelling, as far as clients look at it. */
    static String pgDefault(String h2) {
        String d = h2.trim();
        String upper = d.toUpperCase(Locale.ROOT);
        if (upper.startsWith("NEXT VALUE FOR ")) {
            String seq = d.substring("NEXT VALUE FOR ".length()).trim();
            int dot = seq.lastIndexOf("\".\"");
            if (dot >= 0) {
                seq = seq.substring(dot + 2);
            }
            seq = seq.replace("\"", "");
            return "nextval('" + seq + "'::regclass)";
        }
        java.util.regex.Matcher nextval = NEXTVAL.matcher(d);
        if (nextval.matches()) {
            // nextval('s') as the translator hands it to H2: borealis_catalog.nextval_of(NULL, 's')
            String seq = nextval.group(2).replace("''", "'");
            String schema = nextval.group(1) == null ? null : nextval.group(1).replace("''", "'");
            String name = SqlQuoting.displayIdentifier(seq);
            if (schema != null && !schema.equals("public")) {
                name = SqlQuoting.displayIdentifier(schema) + "." + name;
            }
            return "nextval('" + name.replace("'", "''") + "'::regclass)";
        }
        if (upper.equals("TRUE") || upper.equals("FALSE")) {
            return upper.toLowerCase(Locale.ROOT);
        }
        if (upper.equals("CURRENT_TIMESTAMP") || upper.equals("LOCALTIMESTAMP")) {
            return "now()";
        }
        if (d.startsWith("'") && d.endsWith("'")) {
            return d + "::text";
        }
        return d;
    }

    /** An index as PostgreSQL shows it: a constraint's index carries the constraint's name. */
    private record IndexDef(int oid, String name, IndexColumn[] columns, boolean primary, boolean unique, boolean hash,
                            String partial) {}

    /** The OID of a unique constraint's index; H2 may use the table's row index for an integer primary key. */
    static int indexOid(ConstraintUnique u) {
        Index i = u.getIndex();
        if (i != null && !i.getIndexType().isScan() && !i.isRowIdIndex()) {
            return oidOf(i.getId());
        }
        return oidOf(u.getId()) + 1_000_000;
    }

    private void index(Schema s, Table t, IndexDef i) {
        int oid = i.oid();
        String name = i.name();
        boolean primary = i.primary();
        boolean unique = i.unique() || primary;
        IndexColumn[] cols = i.columns();
        Short[] keys = new Short[cols.length];
        Short[] options = new Short[cols.length];
        StringBuilder colList = new StringBuilder();
        for (int k = 0; k < cols.length; k++) {
            keys[k] = (short) (cols[k].column.getColumnId() + 1);
            boolean desc = (cols[k].sortType & 1) != 0;
            options[k] = (short) (desc ? 3 : 0);
            colList.append(k > 0 ? ", " : "").append(SqlQuoting.displayIdentifier(cols[k].column.getName())).append(desc ? " DESC" : "");
            add("pg_index_keys", oid, keys[k], k + 1);
        }
        int am = i.hash() ? HASH_AM : BTREE_AM;
        String predicate = borealis.engine.pg.PartialIndexNaming.predicate(i.partial());
        // sql-built: pg_indexes.indexdef, display text whose names SqlQuoting quoted
        String def = "CREATE " + (unique ? "UNIQUE " : "") + "INDEX " + SqlQuoting.displayIdentifier(name) + " ON " + qualified(s, t)
                + " USING " + (am == HASH_AM ? "hash" : "btree") + " (" + colList + ")" + (predicate != null ? " WHERE (" + predicate + ")" : ""); // sql-built: display text
        add("pg_class", oid, name, namespaceOid(s), 0, 0, OWNER, am, oid, 0, 1, 0f, 0, 0, false, false, "p", "i",
                (short) cols.length, (short) 0, false, false, false, false, false, true, "n", false, 0, 0, 0, null, null, null, false);
        add("pg_index", oid, oidOf(t.getId()), (short) cols.length, (short) cols.length, unique, false, primary, false, true,
                false, true, false, true, true, false, keys, null, null, options, null,
                predicate == null ? null : "(" + predicate + ")", def);
        add("pg_indexes", s.getName(), t.getName(), name, null, def);
    }

    private void constraint(Schema s, Table t, Constraint c) {
        int oid = oidOf(c.getId());
        String type;
        Short[] conkey = null;
        Short[] confkey = null;
        int confrelid = 0;
        int conindid = 0;
        String upd = " ";
        String del = " ";
        String def;
        switch (c.getConstraintType()) {
            case PRIMARY_KEY, UNIQUE -> {
                ConstraintUnique u = (ConstraintUnique) c;
                type = c.getConstraintType() == Constraint.Type.PRIMARY_KEY ? "p" : "u";
                conkey = keys(u.getColumns());
                conindid = indexOid(u);
                def = (type.equals("p") ? "PRIMARY KEY (" : "UNIQUE (") + names(u.getColumns()) + ")";
            }
            case REFERENTIAL -> {
                ConstraintReferential r = (ConstraintReferential) c;
                type = "f";
                conkey = keys(r.getColumns());
                confkey = keys(r.getRefColumns());
                confrelid = oidOf(r.getRefTable().getId());
                conindid = r.getReferencedConstraint() != null ? indexOid(r.getReferencedConstraint()) : 0;
                upd = action(r.getUpdateAction());
                del = action(r.getDeleteAction());
                // sql-built: pg_get_constraintdef's display text, names quoted by SqlQuoting
                def = "FOREIGN KEY (" + names(r.getColumns()) + ") REFERENCES " + qualified(r.getRefTable().getSchema(), r.getRefTable())
                        + "(" + names(r.getRefColumns()) + ")" + actionClause(" ON UPDATE ", r.getUpdateAction())
                        + actionClause(" ON DELETE ", r.getDeleteAction())
                        + (DeferrableMark.deferrable(c.getComment()) ? " DEFERRABLE" : "")
                        + (DeferrableMark.initiallyDeferred(c.getComment()) ? " INITIALLY DEFERRED" : "");
            }
            case CHECK -> {
                ConstraintCheck k = (ConstraintCheck) c;
                type = "c";
                java.util.HashSet<Column> refs = k.getReferencedColumns(t);
                conkey = refs.stream().map(col -> (short) (col.getColumnId() + 1)).sorted().toArray(Short[]::new);
                def = "CHECK (" + stripParens(k.getExpression().getSQL(org.h2.util.HasSQL.QUOTE_ONLY_WHEN_REQUIRED)) + ")";
            }
            default -> {
                return;
            }
        }
        for (int k = 0; conkey != null && k < conkey.length; k++) {
            add("pg_index_keys", oid, conkey[k], k + 1); // _pg_expandarray(conkey), by the constraint's OID
        }
        add("pg_constraint", oid, c.getName(), namespaceOid(s), type, DeferrableMark.deferrable(c.getComment()),
                DeferrableMark.initiallyDeferred(c.getComment()), true, oidOf(t.getId()), 0, conindid, 0,
                confrelid, upd, del, type.equals("f") ? "s" : " ", true, 0, true, conkey, confkey, null, null, null, null, null, null,
                def);
    }

    /** (x > 0) is x > 0: H2 parenthesizes every comparison. */
    static String stripParens(String sql) {
        if (sql.startsWith("(") && sql.endsWith(")")) {
            int depth = 0;
            for (int i = 0; i < sql.length(); i++) {
                char c = sql.charAt(i);
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                if (depth == 0 && i < sql.length() - 1) {
                    return sql;
                }
            }
            return sql.substring(1, sql.length() - 1);
        }
        return sql;
    }

    private static Short[] keys(IndexColumn[] cols) {
        Short[] out = new Short[cols.length];
        for (int i = 0; i < cols.length; i++) {
            out[i] = (short) (cols[i].column.getColumnId() + 1);
        }
        return out;
    }

    private static String names(IndexColumn[] cols) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cols.length; i++) {
            sb.append(i > 0 ? ", " : "").append(SqlQuoting.displayIdentifier(cols[i].column.getName()));
        }
        return sb.toString();
    }

    /** H2's RESTRICT is its default and behaves as PostgreSQL's default, NO ACTION. */
    private static String action(ConstraintActionType a) {
        return switch (a) {
            case CASCADE -> "c";
            case SET_NULL -> "n";
            case SET_DEFAULT -> "d";
            default -> "a";
        };
    }

    private static String actionClause(String prefix, ConstraintActionType a) {
        return switch (a) {
            case CASCADE -> prefix + "CASCADE"; // sql-built: display text
            case SET_NULL -> prefix + "SET NULL"; // sql-built: display text
            case SET_DEFAULT -> prefix + "SET DEFAULT"; // sql-built: display text
            default -> "";
        };
    }

    private void sequence(Schema s, Sequence q) {
        if (q.getBelongsToTable()) {
            return; // an identity column's generator: PostgreSQL shows it only through the column
        }
        sequenceRows(s, q, oidOf(q.getId()), q.getName());
        info.sequence(s.getName(), q.getName(), q);
    }

    /**
     * The sequence of a serial or identity column, which H2 keeps inside the column: PostgreSQL
     * shows it as a relation named table_column_seq, owned by the column (pg_depend 'a' for serial,
     * 'i' for identity).
     */
    private void columnSequence(Schema s, Table t, Column c, boolean serial) {
        Sequence q = c.getSequence();
        int oid = oidOf(q.getId());
        String name = InformationSchemaRows.serialSequenceName(t, c);
        sequenceRows(s, q, oid, name);
        add("pg_depend", PG_CLASS_OID, oid, 0, PG_CLASS_OID, oidOf(t.getId()), c.getColumnId() + 1, serial ? "a" : "i");
    }

    private void sequenceRows(Schema s, Sequence q, int oid, String name) {
        int type = q.getDataType().getValueType() == org.h2.value.Value.INTEGER ? PgType.INT4.oid
                : q.getDataType().getValueType() == org.h2.value.Value.SMALLINT ? PgType.INT2.oid : PgType.INT8.oid;
        add("pg_class", oid, name, namespaceOid(s), 0, 0, OWNER, 0, oid, 0, 1, 1f, 0, 0, false, false, "p", "S",
                (short) 3, (short) 0, false, false, false, false, false, true, "n", false, 0, 0, 0, null, null, null, false);
        add("pg_sequence", oid, type, q.getStartValue(), q.getIncrement(), q.getMaxValue(), q.getMinValue(),
                q.getCacheSize(), q.getCycle() == Sequence.Cycle.CYCLE);
        add("pg_sequences", s.getName(), name, ownerName(), TypeMapping.formatType(type, -1), q.getStartValue(), q.getMinValue(),
                q.getMaxValue(), q.getIncrement(), q.getCycle() == Sequence.Cycle.CYCLE, q.getCacheSize(), null);
    }

    private String ownerName() {
        return roles.isEmpty() ? "postgres" : roles.get(0);
    }

    private static String qualified(Schema s, Table t) {
        String n = SqlQuoting.displayIdentifier(t.getName());
        return s.getName().equalsIgnoreCase("public") ? n : SqlQuoting.displayIdentifier(s.getName()) + "." + n;
    }

    private void staticRows() {
        for (PgType t : PgType.values()) {
            if (t == PgType.VOID || t == PgType.UNKNOWN) {
                add("pg_type", t.oid, t.typname, PG_CATALOG_NS, OWNER, t.typlen, t.typlen > 0 && t.typlen <= 8, "p", "X", false, true,
                        ",", 0, null, 0, 0, BuiltinRows.procOid(t.typname + "in"), BuiltinRows.procOid(t.typname + "out"), null, null,
                        null, null, null, "i", "p", false, 0, -1, 0, 0, null, null, null);
                continue;
            }
            add("pg_type", t.oid, t.typname, PG_CATALOG_NS, OWNER, t.typlen, t.typlen > 0 && t.typlen <= 8, "b", category(t),
                    false, true, ",", 0, null, 0, t.arrayOid, BuiltinRows.procOid(t.typname + "in"), BuiltinRows.procOid(t.typname + "out"),
                    BuiltinRows.procOid(t.typname + "recv"), BuiltinRows.procOid(t.typname + "send"), null, null, null, "i", "p", false, 0, -1, 0,
                    t == PgType.TEXT || t == PgType.VARCHAR || t == PgType.BPCHAR || t == PgType.NAME ? 100 : 0, null, null, null);
            if (t.arrayOid != 0) {
                add("pg_type", t.arrayOid, "_" + t.typname, PG_CATALOG_NS, OWNER, (short) -1, false, "b", "A", false, true, ",", 0,
                        "array_subscript_handler", t.oid, 0, BuiltinRows.procOid("array_in"), BuiltinRows.procOid("array_out"),
                        BuiltinRows.procOid("array_recv"), BuiltinRows.procOid("array_send"), null, null, null,
                        "i", "x", false, 0, -1, 0, 0, null, null, null);
            }
        }
        BuiltinRows.rows(rows);
        add("pg_am", HEAP_AM, "heap", "heap_tableam_handler", "t");
        add("pg_am", BTREE_AM, "btree", "bthandler", "i");
        add("pg_am", HASH_AM, "hash", "hashhandler", "i");
        add("pg_collation", 100, "default", PG_CATALOG_NS, OWNER, "d", true, -1, null, null, null, null);
        add("pg_collation", 950, "C", PG_CATALOG_NS, OWNER, "c", true, -1, "C", "C", null, null);
        add("pg_database", DATABASE_OID, databaseName, OWNER, 6, "c", false, true, -1, 0, 0, 1663, "C.UTF-8", "C.UTF-8", null, null,
                null);
        add("pg_tablespace", 1663, "pg_default", OWNER, null, null);
        add("pg_language", 12, "internal", OWNER, false, false);
        add("pg_language", 14, "sql", OWNER, false, true);
        for (int i = 0; i < roles.size(); i++) {
            int oid = i == 0 ? OWNER : FIRST_USER_OID + 1_000_000 + i;
            add("pg_roles", oid, roles.get(i), false, true, false, true, true, false, false, -1, "********", null, null);
            add("pg_authid", oid, roles.get(i), false, true, false, true, true, false, false, -1, null, null, null);
            add("pg_user", roles.get(i), oid, true, false, false, false, "********", null, null);
        }
        add("pg_extension", 13500, "plpgsql", OWNER, PG_CATALOG_NS, false, "1.0", null, null);
        java.util.Map<String, String> settings = new java.util.TreeMap<>(borealis.engine.pg.SessionSettings.defaults());
        settings.put("max_index_keys", "32");
        settings.put("max_function_args", "100");
        settings.put("block_size", "8192");
        settings.put("server_version", borealis.engine.pg.SessionSettings.SERVER_VERSION);
        for (java.util.Map.Entry<String, String> e : settings.entrySet()) {
            add("pg_settings", e.getKey(), e.getValue(), null, "Borealis", e.getKey(), null, "user", "string", "default", null, null,
                    null, e.getValue(), e.getValue(), null, null, false);
        }
    }

    private static String category(PgType t) {
        return switch (t) {
            case BOOL -> "B";
            case INT2, INT4, INT8, FLOAT4, FLOAT8, NUMERIC, OID -> "N";
            case TEXT, VARCHAR, BPCHAR, NAME -> "S";
            case DATE, TIME, TIMESTAMP, TIMESTAMPTZ, TIMETZ -> "D";
            case INTERVAL -> "T";
            default -> "U";
        };
    }
}
