package borealis.engine.pg.catalog;

import borealis.engine.pg.sql.CatalogNames;
import borealis.engine.pg.sql.SqlQuoting;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.h2.engine.SessionLocal;
import org.h2.index.Index;
import org.h2.jdbc.JdbcConnection;
import org.h2.schema.FunctionAlias;
import org.h2.schema.Schema;
import org.h2.schema.UserDefinedFunction;
import org.h2.table.Column;
import org.h2.table.Table;
import org.h2.table.TableType;

/**
 * The catalog schema's objects: created once, then kept across opens, so that a tenant's view over
 * {@code pg_catalog.pg_class} survives a resume, a move or a restart.
 *
 * <p>The schema belongs to the instance's admin user; tenants may only read it. Before it is kept
 * it is checked to hold exactly what this version creates (a version stamp, then every object: no
 * column default, constraint, trigger, domain or foreign function), because the admin connection
 * writes these tables: an expression planted there would run with admin rights. Anything else and
 * it is built again (tenant views over it are then dropped with it); the functions of this
 * version's classes stay, as tenants' column defaults and checks may call them.
 */
final class CatalogSchema {

    private static final String S = CatalogNames.SCHEMA;
    private static final String VERSION_TABLE = "borealis_catalog_version";
    private static final List<String> INDEXES = List.of("pg_class(oid)", "pg_class(relname)", "pg_attribute(attrelid, attnum)",
            "pg_index(indrelid)", "pg_index(indexrelid)", "pg_index_keys(indexrelid)", "pg_constraint(conrelid)",
            "pg_constraint(oid)", "pg_type(oid)", "pg_attrdef(adrelid, adnum)");

    private CatalogSchema() {}

    /** Creates the schema, or checks and keeps the one there; leaves {@code admin} resolving names in it alone. */
    static void ensure(Connection admin, List<Class<?>> functionClasses) throws SQLException {
        admin.setAutoCommit(true);
        String version = version(functionClasses);
        SessionLocal session = (SessionLocal) admin.unwrap(JdbcConnection.class).getSession();
        Schema schema = session.getDatabase().findSchema(S);
        if (schema != null && intact(admin, session, schema, version, functionClasses)) {
            resolveIn(admin);
            return;
        }
        // Not DROP SCHEMA ... CASCADE: a tenant's column default or check that calls a catalog
        // function (nextval_of, to_char...) makes H2 refuse it halfway (its object ids left
        // inconsistent), and the database would not open after an upgrade.
        emptyKeepingFunctions(admin, session, functionClasses);
        // Unqualified type names now resolve only here (and to built-ins): a domain in public named
        // like a built-in type cannot slip into the catalog's columns.
        resolveIn(admin);
        try (Statement s = admin.createStatement()) {
            for (Map.Entry<String, String> t : CatalogTables.DDL.entrySet()) {
                s.execute("CREATE TABLE " + S + "." + t.getKey() + "(" + t.getValue() + ")"); // sql-built: CatalogTables' constants
            }
            for (String index : INDEXES) {
                s.execute("CREATE INDEX ON " + S + "." + index); // sql-built: INDEXES, constants
            }
            for (Class<?> functions : functionClasses) {
                for (String name : PgCatalog.functionNames(functions)) {
                    s.execute("CREATE ALIAS IF NOT EXISTS " + S + "." + SqlQuoting.identifier(name) + " FOR "
                            + SqlQuoting.identifier(functions.getName() + "." + name));
                }
            }
            s.execute("CREATE TABLE " + S + "." + VERSION_TABLE + "(v VARCHAR)");
            s.execute("GRANT SELECT ON SCHEMA " + S + " TO PUBLIC");
        }
        try (PreparedStatement ps = admin.prepareStatement("INSERT INTO " + S + "." + VERSION_TABLE + " VALUES (?)")) {
            ps.setString(1, version);
            ps.executeUpdate();
        }
    }

    /**
     * Empties the schema for a rebuild but keeps the functions of this version's classes that are
     * still there (what tenants' defaults and checks call); everything else goes, as a DROP SCHEMA
     * would take it: tables (with their triggers and constraints), sequences, domains, constants,
     * synonyms, functions of other classes or no longer there.
     */
    private static void emptyKeepingFunctions(Connection admin, SessionLocal session, List<Class<?>> functionClasses)
            throws SQLException {
        Schema schema = session.getDatabase().findSchema(S);
        if (schema == null) {
            try (Statement s = admin.createStatement()) {
                s.execute("CREATE SCHEMA " + S);
            }
            return;
        }
        Set<String> current = new HashSet<>();
        Set<String> allowed = new HashSet<>();
        for (Class<?> c : functionClasses) {
            allowed.add(c.getName());
            current.addAll(PgCatalog.functionNames(c));
        }
        try (Statement s = admin.createStatement()) {
            for (Table t : new ArrayList<>(schema.getAllTablesAndViews(session))) {
                s.execute("DROP " + (t.getTableType() == TableType.VIEW ? "VIEW " : "TABLE ") + S + "." + SqlQuoting.identifier(t.getName())
                        + " CASCADE");
            }
            for (var q : new ArrayList<>(schema.getAllSequences())) {
                s.execute("DROP SEQUENCE " + S + "." + SqlQuoting.identifier(q.getName()));
            }
            for (var d : new ArrayList<>(schema.getAllDomains())) {
                s.execute("DROP DOMAIN " + S + "." + SqlQuoting.identifier(d.getName()) + " CASCADE");
            }
            for (var c : new ArrayList<>(schema.getAllConstants())) {
                s.execute("DROP CONSTANT " + S + "." + SqlQuoting.identifier(c.getName()));
            }
            for (var y : new ArrayList<>(schema.getAllSynonyms())) {
                s.execute("DROP SYNONYM " + S + "." + SqlQuoting.identifier(y.getName()));
            }
            for (UserDefinedFunction f : new ArrayList<>(schema.getAllFunctionsAndAggregates())) {
                boolean ours = f instanceof FunctionAlias a && a.getSource() == null && bindsTo(a, allowed) && current.contains(f.getName());
                if (!ours) {
                    s.execute("DROP " + (f instanceof FunctionAlias ? "ALIAS " : "AGGREGATE ") + S + "." + SqlQuoting.identifier(f.getName()));
                }
            }
        }
    }

    private static void resolveIn(Connection admin) throws SQLException {
        try (Statement s = admin.createStatement()) {
            s.execute("SET SCHEMA " + S);
            s.execute("SET SCHEMA_SEARCH_PATH " + S);
        }
    }

    /** A digest of everything this version creates. */
    private static String version(List<Class<?>> functionClasses) {
        StringBuilder all = new StringBuilder();
        CatalogTables.DDL.forEach((k, v) -> all.append(k).append('(').append(v).append(")\n"));
        INDEXES.forEach(i -> all.append(i).append('\n'));
        for (Class<?> c : functionClasses) {
            PgCatalog.functionNames(c).forEach(n -> all.append(c.getName()).append('.').append(n).append('\n'));
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(all.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the schema holds exactly this version's objects, none of them able to evaluate anything. */
    private static boolean intact(Connection admin, SessionLocal session, Schema schema, String version,
                                  List<Class<?>> functionClasses) {
        if (!schema.getAllDomains().isEmpty() || !schema.getAllConstants().isEmpty() || !schema.getAllSequences().isEmpty()
                || !schema.getAllTriggers().isEmpty() || !schema.getAllSynonyms().isEmpty() || !schema.getAllConstraints().isEmpty()) {
            return false;
        }
        Set<String> expected = new HashSet<>(CatalogTables.DDL.keySet());
        expected.add(VERSION_TABLE);
        List<Table> tables = new ArrayList<>(schema.getAllTablesAndViews(session));
        if (tables.size() != expected.size()) {
            return false;
        }
        for (Table t : tables) {
            if (t.getTableType() != TableType.TABLE || !expected.contains(t.getName()) || t.getTriggers() != null && !t.getTriggers().isEmpty()
                    || !columnsIntact(t)) {
                return false;
            }
        }
        for (Index i : schema.getAllIndexes()) {
            if (!expected.contains(i.getTable().getName())) {
                return false;
            }
        }
        Set<String> allowed = new HashSet<>();
        functionClasses.forEach(c -> allowed.add(c.getName()));
        for (UserDefinedFunction f : schema.getAllFunctionsAndAggregates()) {
            if (!(f instanceof FunctionAlias a) || a.getSource() != null || !bindsTo(a, allowed)) {
                return false;
            }
        }
        return version.equals(storedVersion(admin));
    }

    /** Whether an alias calls a method of one of {@code classes} ({@code CREATE ALIAS ... FOR 'class.method'}). */
    private static boolean bindsTo(FunctionAlias a, Set<String> classes) {
        String sql = a.getCreateSQL();
        for (String c : classes) {
            if (sql.endsWith(" FOR '" + c + "." + a.getJavaMethodName() + "'")) {
                return true;
            }
        }
        return false;
    }

    private static boolean columnsIntact(Table t) {
        String ddl = t.getName().equals(VERSION_TABLE) ? "v VARCHAR" : CatalogTables.DDL.get(t.getName());
        String[] defs = ddl.split(",");
        Column[] columns = t.getColumns();
        if (columns.length != defs.length) {
            return false;
        }
        for (int i = 0; i < columns.length; i++) {
            Column c = columns[i];
            String name = defs[i].trim().split(" ")[0];
            if (!c.getName().equals(name) || c.getDefaultExpression() != null || c.getOnUpdateExpression() != null
                    || c.isGenerated() || c.isIdentity() || c.getDomain() != null || !c.getVisible()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The digest of the catalog rows last written, kept as the version table's comment (a comment
     * is no object that could evaluate anything, and keeping it there changes no schema, so no
     * database rebuilds its catalog for it); null when unknown.
     */
    static String rowsDigest(SessionLocal session) {
        Schema schema = session.getDatabase().findSchema(S);
        Table t = schema == null ? null : schema.findTableOrView(session, VERSION_TABLE);
        String comment = t == null ? null : t.getComment();
        return comment == null || comment.isEmpty() ? null : comment;
    }

    /** Records (or, with "", forgets) the digest of the rows written; DDL, so it commits. */
    static void rowsWritten(Connection admin, String digest) throws SQLException {
        try (Statement s = admin.createStatement()) {
            s.execute("COMMENT ON TABLE " + S + "." + VERSION_TABLE + " IS " + SqlQuoting.literal(digest)); // sql-built: constants and a hex digest, quoted
        }
    }

    private static String storedVersion(Connection admin) {
        try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM " + S + "." + VERSION_TABLE)) {
            String v = rs.next() ? rs.getString(1) : null;
            return rs.next() ? null : v;
        } catch (SQLException e) {
            return null;
        }
    }
}
