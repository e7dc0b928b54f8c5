package borealis.engine.pg.session;

import borealis.engine.pg.sql.CatalogNames;
import borealis.engine.pg.types.PgType;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;

/**
 * Catalog columns PostgreSQL types int2vector or oidvector (pg_index.indkey, indclass...): H2 holds
 * them as arrays, a client reads them as those types, whose text is the elements separated by
 * spaces (SQLAlchemy splits pg_index.indoption on them).
 */
final class CatalogVectors {

    private static final Set<String> INT2VECTORS = Set.of("indkey", "indoption", "tgattr", "partattrs", "stxkeys");
    private static final Set<String> OIDVECTORS = Set.of("indclass", "indcollation", "proargtypes", "partclass", "partcollation");

    private CatalogVectors() {}

    /** The type of result column {@code column}: a vector type when it is a catalog vector read as it is, else {@code oid}. */
    static int oidOf(ResultSetMetaData md, int column, int oid) throws SQLException {
        if (PgType.elementOfArray(oid) == null) {
            return oid;
        }
        String schema = md.getSchemaName(column);
        String name = md.getColumnName(column);
        if (schema == null || name == null || !schema.equalsIgnoreCase(CatalogNames.SCHEMA)) {
            return oid;
        }
        String n = name.toLowerCase(Locale.ROOT);
        return INT2VECTORS.contains(n) ? PgType.INT2VECTOR.oid : OIDVECTORS.contains(n) ? PgType.OIDVECTOR.oid : oid;
    }
}
