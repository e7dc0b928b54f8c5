package borealis.engine.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** H2 2.3's messages (captured from the engine) become PostgreSQL 15's error and fields. */
class IntegrityErrorsTest {


    @Test
    void uniqueViolationNamesTheConstraintAndTheKey() {
        PgError e = IntegrityErrors.of(23505, "", "Unique index or primary key violation: \"public.multi_a_b_key_INDEX_6 ON "
                + "public.multi(a NULLS LAST, b NULLS LAST) VALUES ( /* key:1 */ 1, 'it''s, x')\"");
        assertEquals("duplicate key value violates unique constraint \"multi_a_b_key\"", e.message());
        assertEquals("Key (a, b)=(1, it's, x) already exists.", e.detail());
        assertEquals(List.of("public", "multi", "multi_a_b_key"), List.of(e.schema(), e.table(), e.constraint()));
        PgError pk = IntegrityErrors.of(23505, "", "Unique index or primary key violation: \"PRIMARY KEY ON public.customers(id) "
                + "( /* key:1 */ 1, 'a@x', 1)\"");
        assertEquals("customers_pkey", pk.constraint());
        assertEquals("Key (id)=(1) already exists.", pk.detail());
    }

    @Test
    void aUniquePartialIndexNamesItsColumnsNotItsHiddenOnes() {
        // the message H2 gave for a unique partial index on (email, "Org") (its hidden columns)
        PgError e = IntegrityErrors.of(23505, "", "Unique index or primary key violation: \"public.users_email_live ON "
                + "public.users(email_borealis_partial1 NULLS FIRST, \"\"Org_borealis_partial2\"\" NULLS FIRST) VALUES ( /* 1 */ 'a@x', 7 )\"");
        assertEquals("duplicate key value violates unique constraint \"users_email_live\"", e.message());
        assertEquals("Key (email, Org)=(a@x, 7) already exists.", e.detail());
        PgError refused = IntegrityErrors.withDetail("23505", "could not create unique index \"dup_a\" (Key (a)=(1) is duplicated.)");
        assertEquals("could not create unique index \"dup_a\"", refused.message());
        assertEquals("Key (a)=(1) is duplicated.", refused.detail());
    }

    @Test
    void foreignKeyViolationsBothWays() {
        String fk = "Referential integrity constraint violation: \"orders_customer_id_fkey: public.orders FOREIGN KEY(customer_id) "
                + "REFERENCES public.customers(id) (CAST(42 AS BIGINT))\"";
        PgError missing = IntegrityErrors.of(23506, fk, fk);
        assertEquals("Key (customer_id)=(42) is not present in table \"customers\".", missing.detail());
        assertEquals("orders", missing.table());
        PgError referenced = IntegrityErrors.of(23503, fk, fk);
        assertEquals("update or delete on table \"customers\" violates foreign key constraint \"orders_customer_id_fkey\" on table \"orders\"",
                referenced.message());
    }

    @Test
    void notNullAndCheckNameTheTableTheStatementWrote() {
        PgError nn = IntegrityErrors.of(23502, "NULL not allowed for column \"email\"; SQL statement: INSERT INTO app.\"Users\" (email) "
                + "values (null) [23502-232]", "NULL not allowed for column \"email\"");
        assertEquals(List.of("app", "Users", "email"), List.of(nn.schema(), nn.table(), nn.column()));
        PgError ck = IntegrityErrors.of(23513, "Check constraint violation: \"customers_age_check: \"; SQL statement: update customers "
                + "set age = -5 [23513-232]", "Check constraint violation: \"customers_age_check: \"");
        assertEquals("new row for relation \"customers\" violates check constraint \"customers_age_check\"", ck.message());
        assertEquals("23514", ck.sqlState());
    }

    /** With RETURNING (Django's INSERT ... RETURNING "id") the write sits inside the SELECT H2 runs. */
    @Test
    void aWriteInsideReturningStillNamesItsTable() {
        PgError nn = IntegrityErrors.of(23502, "NULL not allowed for column \"created\"; SQL statement: SELECT \"id\" FROM FINAL TABLE "
                + "(INSERT INTO \"ecoapp_book\" (\"id\", \"created\") VALUES (?, ?)) [23502-232]", "NULL not allowed for column \"created\"");
        assertEquals("null value in column \"created\" of relation \"ecoapp_book\" violates not-null constraint", nn.message());
        assertEquals(List.of("public", "ecoapp_book"), List.of(nn.schema(), nn.table()));
    }
}
