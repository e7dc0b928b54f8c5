package borealis.engine.pg.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A new build's catalog functions differ from the stored ones (its version stamp changes) while a
 * tenant's column default calls one of them (nextval('s'::regclass) is borealis_catalog.nextval_of):
 * H2 refused to drop the schema, so the database did not open after the upgrade.
 */
class CatalogSchemaUpgradeTest {

    @Test
    void rebuildsAroundFunctionsThatTenantsDefaultsCall() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:upgrade;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;BUILTIN_ALIAS_OVERRIDE=TRUE");
             Statement s = c.createStatement()) {
            CatalogSchema.ensure(c, List.of(SystemFunctions.class, CatalogFunctions.class, JsonDocFunctions.class));
            s.execute("SET SCHEMA public");
            s.execute("CREATE SEQUENCE public.s");
            s.execute("CREATE TABLE public.t (id BIGINT DEFAULT borealis_catalog.nextval_of(NULL, 's'), b INT)");
            s.execute("INSERT INTO public.t (b) VALUES (1)");

            // the next build: one class more, one less
            CatalogSchema.ensure(c, List.of(SystemFunctions.class, CatalogFunctions.class, TimeZoneFunctions.class));
            s.execute("SET SCHEMA public");
            s.execute("INSERT INTO public.t (b) VALUES (2)");
            try (ResultSet rs = s.executeQuery("SELECT max(id), count(*) FROM public.t")) {
                rs.next();
                assertEquals(2, rs.getLong(1));
                assertEquals(2, rs.getLong(2));
            }
            // the catalog's tables were built again, the new class's functions are there, the dropped class's are gone
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM borealis_catalog.pg_class")) {
                rs.next();
            }
            try (ResultSet rs = s.executeQuery("SELECT borealis_catalog.timezone_of_timestamptz('UTC', TIMESTAMP WITH TIME ZONE '2020-01-01 00:00:00+03')")) {
                rs.next();
                assertEquals("2019-12-31T21:00", rs.getObject(1, java.time.LocalDateTime.class).toString());
            }
            assertThrows(SQLException.class, () -> s.executeQuery("SELECT borealis_catalog.jsonb_pretty('{}')"));

            // and the rebuilt schema is kept as it is on the next open
            CatalogSchema.ensure(c, List.of(SystemFunctions.class, CatalogFunctions.class, TimeZoneFunctions.class));
            s.execute("SET SCHEMA public");
            s.execute("INSERT INTO public.t (b) VALUES (3)");
        }
    }
}
