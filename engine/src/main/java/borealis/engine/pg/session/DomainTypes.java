package borealis.engine.pg.session;

import borealis.engine.pg.sql.SqlQuoting;
import borealis.engine.pg.types.PgType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The type a parameter cast to a domain ({@code $1::posint}) is described as: the domain's base
 * type. PostgreSQL describes the domain itself, which drivers resolve to its base type through
 * pg_type; Borealis' pg_type has no row for a domain, so the base type is what a driver can use.
 */
final class DomainTypes {

    private DomainTypes() {}

    /** The OID of the base type of the type named by {@code name} (as written), or 0 if it names nothing H2 knows. */
    static int baseOfCast(Connection conn, List<String> name) {
        if (name == null) {
            return 0;
        }
        if (name.get(name.size() - 1).equals("[]")) {
            // posint[]: the array of the base type, which is what an array of a domain holds
            PgType base = PgType.byOid(baseOfCast(conn, name.subList(0, name.size() - 1)));
            return base == null ? 0 : base.arrayOid;
        }
        // typed by H2 without running: a domain's value has its base type
        String sql = name.size() == 2 ? "SELECT CAST(NULL AS " + SqlQuoting.qualified(name.get(0), name.get(1)) + ")"
                : "SELECT CAST(NULL AS " + SqlQuoting.identifier(name.get(0)) + ")";
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            return PgType.oidOf(ps.getMetaData(), 1);
        } catch (SQLException e) {
            return 0; // not a type of this database: the engine's inference decides, as before
        }
    }
}
