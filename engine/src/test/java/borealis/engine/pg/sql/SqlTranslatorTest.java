package borealis.engine.pg.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.engine.pg.PgException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the translation layer makes of the PostgreSQL that clients send. */
class SqlTranslatorTest {

    private static String h2(String sql) {
        return SqlTranslator.translateUncached(sql, table -> List.of("id", "v")).engineSql();
    }

    @Test
    void unconstrainedNumericKeepsItsScaleAndJsonItsText() {
        assertTrue(h2("create table n (a numeric, b numeric(10,2), c decimal, d numeric[])").contains(
                "(a NUMERIC(2000, 1000), b numeric(10,2), c NUMERIC(2000, 1000), d NUMERIC(2000, 1000)"));
        assertTrue(h2("select '1.50'::numeric").contains("'1.50'::NUMERIC(2000, 1000)"), h2("select '1.50'::numeric"));
        assertTrue(h2("create table j (a json, b jsonb)").contains("(a VARCHAR(999999998), b JSON(999999999))"));
        assertTrue(h2("select '{\"a\": 1}'::json").contains("CAST('{\"a\": 1}' AS VARCHAR(999999998))"));
        assertEquals("22P02", assertThrows(PgException.class, () -> h2("select '{bad'::json")).error.sqlState());
    }

    @Test
    void jsonbComparisonsAndOrderByFollowJsonbOrder() {
        String gt = h2("select id from t where (t.d -> 'pages') > '100'::jsonb order by (t.d -> 'pages') desc, id");
        assertTrue(gt.contains("where borealis_catalog.jsonb_cmp((COALESCE(CAST((borealis_catalog.json_get(t.d, 'pages') FORMAT JSON)"), gt);
        assertTrue(gt.contains(", CAST(('100' FORMAT JSON) AS JSON(999999999)), '>') > 0 order by borealis_catalog.jsonb_sort_key(("), gt);
        assertTrue(gt.endsWith(") desc, id"), gt);
        String path = h2("select 1 from t where d #> '{a,b}' = cast('1' as jsonb) and x = 1");
        assertTrue(path.contains("borealis_catalog.jsonb_cmp(COALESCE(") && path.contains(", '=') = 0 and x = 1"), path);
        // not comparisons of jsonb: an assignment, and text
        assertTrue(h2("update t set d = '{}'::jsonb where id = 1").contains("set d = CAST("), h2("update t set d = '{}'::jsonb"));
        assertTrue(!h2("select id from t where d ->> 'a' > 'b'").contains("jsonb_cmp"), "->> gives text");
        String between = h2("select id from t where d -> 'a' not between '9'::jsonb and '10'::jsonb");
        assertTrue(between.contains("where NOT (borealis_catalog.jsonb_cmp(COALESCE(") && between.contains(", '>=') >= 0 AND ")
                && between.endsWith(", '<=') <= 0)"), between);
        String ordinal = h2("select id, d -> 'a' as a from t order by 2 desc, a");
        assertEquals(2, ordinal.split("jsonb_sort_key\\(").length - 1, ordinal);
        assertTrue(h2("select id from t order by d -> 'a';").contains("order by borealis_catalog.jsonb_sort_key("), "a trailing semicolon");
        String distinct = h2("select distinct d -> 'a' from t order by d -> 'a'");
        assertTrue(!distinct.contains("jsonb_sort_key"), "H2 sorts a DISTINCT only by its result columns: " + distinct);
        PgException json = assertThrows(PgException.class, () -> h2("select '1'::jsonb < '2'::json"));
        assertEquals("42883", json.error.sqlState());
        assertEquals("operator does not exist: jsonb < json", json.error.message());
    }

    /** A schema of one table, users(id, email, deleted_at), with a hidden column already taken. */
    private static final ColumnLookup USERS = new ColumnLookup() {
        @Override
        public List<String> columns(String table) {
            return List.of("\"id\"", "\"email\"", "\"deleted_at\"");
        }

        @Override
        public String columnType(String table, String column) {
            return column.equals("email") ? "CHARACTER VARYING(254)" : column.equals("id") ? "INTEGER" : null;
        }

        @Override
        public java.util.Set<String> allColumnNames(String table) {
            return java.util.Set.of("id", "email", "deleted_at", "email_borealis_partial1");
        }

        @Override
        public HiddenColumns partialIndexColumns(String index) {
            return index.equals("users_email_live") || index.equals("\"public\".\"users_email_live\"")
                    ? new HiddenColumns("public", "users", List.of("email_borealis_partial2")) : null;
        }

        @Override
        public List<String> partialIndexesReading(String table, String column) {
            return column.equals("deleted_at") ? List.of("\"public\".\"users_email_live\"") : List.of();
        }
    };

    private static String users(String sql) {
        return SqlTranslator.translateUncached(sql, USERS).engineSql();
    }

    @Test
    void aPlainPartialIndexIndexesEveryRowAndKeepsItsPredicate() {
        assertEquals("create index jobs_pending on jobs (queue, run_at); COMMENT ON INDEX \"jobs_pending\" IS "
                + "'borealis partial index: (queue, run_at) WHERE (status = ''pending'' AND NOT done)'",
                users("create index jobs_pending on jobs (queue, run_at) where status = 'pending' and not done"));
        assertTrue(users("create index on app.jobs (queue) where run_at is null").endsWith(
                "; COMMENT ON INDEX app.\"jobs_queue_idx\" IS 'borealis partial index: (queue) WHERE (run_at IS NULL)'"));
    }

    @Test
    void aUniquePartialIndexIsAUniqueIndexOnHiddenGeneratedColumns() {
        String sql = users("create unique index users_email_live on users (\"email\", id) where deleted_at is null");
        assertTrue(sql.startsWith("SET @borealis_partial_check = borealis_catalog.unique_index_check('users_email_live', 'email, id', "
                + "(SELECT CONCAT(CAST(\"email\" AS VARCHAR), ', ', CAST(\"id\" AS VARCHAR), '') FROM users WHERE (deleted_at is null) "
                + "AND \"email\" IS NOT NULL AND \"id\" IS NOT NULL GROUP BY \"email\", \"id\" HAVING COUNT(*) > 1 LIMIT 1)); "), sql);
        assertTrue(sql.contains("; ALTER TABLE users ADD COLUMN \"email_borealis_partial2\" CHARACTER VARYING INVISIBLE GENERATED "
                + "ALWAYS AS (CASE WHEN (deleted_at is null) THEN \"email\" END); ALTER TABLE users ADD COLUMN \"id_borealis_partial1\" "
                + "INTEGER INVISIBLE GENERATED ALWAYS AS (CASE WHEN (deleted_at is null) THEN \"id\" END); "
                + "CREATE UNIQUE INDEX \"users_email_live\" ON users (\"email_borealis_partial2\", \"id_borealis_partial1\"); "
                + "COMMENT ON INDEX \"users_email_live\" IS 'borealis partial index: (email, id) WHERE (deleted_at IS NULL)'"), sql);
        assertEquals("0A000", assertThrows(PgException.class,
                () -> users("create unique index u_lower on users (lower(email)) where deleted_at is null")).error.sqlState());
        assertEquals("42703", assertThrows(PgException.class,
                () -> users("create unique index u_x on users (nope) where deleted_at is null")).error.sqlState());
    }

    @Test
    void droppingAUniquePartialIndexDropsItsHiddenColumns() {
        assertEquals("DROP INDEX \"public\".\"users_email_live\"; ALTER TABLE \"public\".\"users\" DROP COLUMN \"email_borealis_partial2\"",
                users("drop index if exists users_email_live"));
        assertEquals("drop index other_idx", users("drop index other_idx"));
        assertTrue(users("drop index users_email_live;").endsWith("DROP COLUMN \"email_borealis_partial2\""), "a trailing semicolon");
        assertTrue(users("create unique index u_e on users (email) where deleted_at is null;").contains(
                "CASE WHEN (deleted_at is null) THEN"), "the predicate ends before a trailing semicolon");
    }

    @Test
    void droppingAColumnAUniquePartialIndexReadsDropsTheIndex() {
        assertEquals("DROP INDEX \"public\".\"users_email_live\"; ALTER TABLE \"public\".\"users\" DROP COLUMN \"email_borealis_partial2\"; "
                + "alter table users drop column deleted_at", users("alter table users drop column deleted_at cascade"));
        assertEquals("alter table users drop column id", users("alter table users drop column id"));
    }

    @Test
    void renamingAColumnRenamesItsHiddenColumns() {
        assertEquals("alter table users rename COLUMN email to mail; ALTER TABLE users ALTER COLUMN \"email_borealis_partial1\" "
                + "RENAME TO \"mail_borealis_partial1\"", users("alter table users rename email to mail"));
    }

    @Test
    void anUpsertOnAPartialIndexConflictsOnlyWhereItsPredicateHolds() {
        String sql = users("insert into users (email, deleted_at) values ('a', null) on conflict (email) where deleted_at is null "
                + "do update set id = users.id + 1");
        assertTrue(sql.contains(" ON users.email = excluded.email AND (users.deleted_at is null) AND (excluded.deleted_at is null) "
                + "WHEN MATCHED"), sql);
        String omitted = users("insert into users (email) values ('a') on conflict (email) where deleted_at is null do update set id = 2");
        assertTrue(omitted.contains(" ON users.email = excluded.email AND (users.deleted_at is null) WHEN MATCHED"), omitted);
    }

    @Test
    void dataModifyingCommonTableExpressionsAreRefused() {
        for (String sql : List.of("with u as (update t set v = 1 returning id) select * from u",
                "with d as materialized (delete from t returning *) insert into t2 select * from d",
                "with a as (select 1), i as (insert into t (v) values (1) returning id) select * from i")) {
            PgException e = assertThrows(PgException.class, () -> h2(sql), sql);
            assertEquals("0A000", e.error.sqlState(), sql);
        }
        assertTrue(h2("with q as (select id from t for update skip locked) update t set v = 1 where id in (select id from q)")
                .contains("update"), "a WITH that only reads stays");
    }

    @Test
    void infinitiesAndBcDatesInCastsAndAssignedLiterals() {
        assertTrue(h2("select 'infinity'::timestamp").contains("TIMESTAMP '+999999999-12-31 23:59:59.999999'"));
        assertTrue(h2("select date '0044-03-15 BC'").contains("DATE '-0043-03-15'"));
        String both = h2("select cast('2024-01-10 +00' as date), '-infinity'::timestamptz, cast('infinity' as timestamp with time zone)");
        assertTrue(both.contains("DATE '2024-01-10'") && both.contains("TIMESTAMP WITH TIME ZONE '-999999999-01-01 00:00:00+00'")
                && both.contains("TIMESTAMP WITH TIME ZONE '+999999999-12-31 23:59:59.999999+00'"), both);
    }

    @Test
    void parametersBecomeNumberedPlaceholders() {
        Translation t = SqlTranslator.translateUncached("select * from t where a = $1 and b = $2 and c = $1", null);
        assertEquals("select * from t where a = ?1 and b = ?2 and c = ?1", t.engineSql());
        assertEquals(2, t.parameters());
    }

    @Test
    void integerGenerateSeriesIsInt4AndRewrittenOnce() {
        String sql = h2("select sum(x) from generate_series(1, 100) as g(x), generate_series(1, 3000000000) as b(y)");
        assertEquals(2, sql.split("(?i)generate_series\\(").length - 1, sql);
        assertTrue(sql.contains("CAST(borealis_n AS INTEGER) FROM GENERATE_SERIES(1, 100)"), sql);
        assertTrue(sql.contains("generate_series(1, 3000000000) as b(y)"), "beyond int4 it stays bigint: " + sql);
        String qualified = h2("select n from pg_catalog.generate_series(1, 32) pos(n)");
        assertTrue(qualified.contains("from (SELECT CAST(borealis_n AS INTEGER) FROM GENERATE_SERIES(1, 32)"), qualified);
    }

    @Test
    void stringsAndCommentsAreNeverRewritten() {
        assertEquals("select 'now() $1 timestamptz' AS \"?column?\" , x from t", h2("select 'now() $1 timestamptz', x from t -- now()"));
        assertEquals("select 'a\nb' AS \"?column?\"", h2("select E'a\\nb'"));
        assertEquals("select 'x' AS \"?column?\"", h2("select $$x$$"));
        assertEquals("select 'it''s' AS \"?column?\"", h2("select $q$it's$q$"));
    }

    @Test
    void resultColumnsAreNamedLikePostgres() {
        assertEquals("select count(*) AS \"count\" from t", h2("select count(*) from t"));
        assertEquals("select x::int AS \"x\" , '1'::int AS \"int4\" from t", h2("select x::int, '1'::int from t"));
        assertEquals("select a, b c, d as e, 1 + 2 AS \"?column?\" from t", h2("select a, b c, d as e, 1 + 2 from t"));
        assertEquals("select case when a then 1 end AS \"case\" , row_number() over (order by a) AS \"row_number\" from t",
                h2("select case when a then 1 end, row_number() over (order by a) from t"));
        assertEquals("select *, t.* from t", h2("select *, t.* from t"));
    }

    @Test
    void keyWordsAreLabelsAfterAs() {
        assertEquals("select ix.indisprimary AS \"primary\", ix.indisunique AS \"unique\", x as \"order\" from t as \"user\"",
                h2("select ix.indisprimary AS primary, ix.indisunique AS unique, x as ORDER from t as user"));
        assertEquals("select cast(a AS INTERVAL) AS \"a\"", h2("select cast(a AS INTERVAL)")); // PostgreSQL names a cast after its operand
        // AS [NOT] MATERIALIZED is a planner hint H2 does not read: it goes, and NOT is no label
        assertFalse(h2("with x as not materialized (select 1) select * from x").toLowerCase().contains("materialized"));
        assertTrue(h2("with x as not materialized (select 1) select * from x").contains("as (select 1)"));
        assertFalse(h2("with x as materialized (select 1) select * from x").toLowerCase().contains("materialized"));
    }

    @Test
    void castsAndTypedLiterals() {
        assertEquals("select INTERVAL '1 00:00:00' DAY TO SECOND AS \"interval\"", h2("select '1 day'::interval"));
        assertEquals("select INTERVAL '36:00:00' HOUR TO SECOND AS \"interval\"", h2("select interval '36 hours'"));
        assertEquals("select INTERVAL '14' MONTH AS \"interval\"", h2("select interval '1 year 2 months'"));
        assertEquals("select TRUE AS \"bool\"", h2("select 'on'::boolean"));
        assertEquals("select x::TIMESTAMP WITH TIME ZONE AS \"x\" from t", h2("select x::timestamptz from t"));
        assertEquals("select X'00ff' AS \"bytea\"", h2("select '\\x00ff'::bytea"));
        assertEquals("select 1 = any(CAST(ARRAY['1', '2'] AS int ARRAY)) AS \"?column?\"", h2("select 1 = any('{1,2}'::int[])"));
        assertThrows(PgException.class, () -> h2("select 'maybe'::boolean"));
    }

    @Test
    void unnestOfAnotherTablesArrayIsLateral() {
        // Django's constraint introspection
        String django = h2("SELECT c.conname, array(SELECT attname FROM unnest(c.conkey) WITH ORDINALITY cols(colid, arridx) "
                + "JOIN pg_attribute AS ca ON cols.colid = ca.attnum WHERE ca.attrelid = c.conrelid ORDER BY cols.arridx) "
                + "FROM pg_constraint AS c");
        assertTrue(django.contains("FROM SYSTEM_RANGE(1, 2147483647) AS \"cols\" JOIN"), django);
        assertTrue(django.contains("ON (c.conkey)[\"cols\".\"X\"] = ca.attnum"), django);
        assertTrue(django.contains("WHERE \"cols\".\"X\" <= COALESCE(CARDINALITY((c.conkey)), 0) AND ( ca.attrelid = c.conrelid ) ORDER BY \"cols\".\"X\""), django);
        // a FROM list, no WHERE yet, the alias as the column's name
        String list = h2("select t.id, u from t, unnest(t.tags) u order by 1");
        assertTrue(list.contains("from t LEFT JOIN SYSTEM_RANGE(1, 2147483647) AS \"u\" ON \"u\".\"X\" <= COALESCE(CARDINALITY((t.tags)), 0) "
                + "WHERE \"u\".\"X\" IS NOT NULL order by 1"), list);
        String inner = h2("select t.id, x.v from t join unnest(t.tags) with ordinality x(v, n) on x.n > 1 order by 1");
        assertTrue(inner.contains("from t LEFT JOIN SYSTEM_RANGE(1, 2147483647) AS \"x\" on \"x\".\"X\" <= COALESCE(CARDINALITY((t.tags)), 0) "
                + "AND ( \"x\".\"X\" > 1 ) WHERE \"x\".\"X\" IS NOT NULL order by 1"), inner);
        // unnest of a literal or a parameter stays H2's own
        assertEquals("select * from unnest(array[1,2])", h2("select * from unnest(array[1,2])"));
    }

    @Test
    void literalsAssignedToArrayAndByteaColumnsTakeTheirType() {
        ColumnLookup lookup = new ColumnLookup() {
            @Override
            public java.util.List<String> columns(String table) {
                return java.util.List.of("\"id\"", "\"tags\"", "\"raw\"", "\"doc\"");
            }

            @Override
            public java.util.Map<String, String> columnTypes(String table) {
                java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
                m.put("id", "INTEGER");
                m.put("tags", "CHARACTER VARYING ARRAY");
                m.put("raw", "BINARY VARYING");
                m.put("doc", "JSON");
                return m;
            }
        };
        assertEquals("insert into t values (1, ARRAY['a', 'b'], X'00ff', ('{\"k\": 1}' FORMAT JSON)), (2, ARRAY[], X'', ('{}' FORMAT JSON))",
                SqlTranslator.translateUncached("insert into t values (1, '{a,b}', '\\x00ff', '{\"k\": 1}'), (2, '{}', '\\x', '{}')",
                        lookup).engineSql());
        assertEquals("insert into t (doc, tags) values (('{}' FORMAT JSON), ARRAY[NULL, 'x y'])",
                SqlTranslator.translateUncached("insert into t (doc, tags) values ('{}', '{NULL,\"x y\"}')", lookup).engineSql());
        assertEquals("update t set tags = ARRAY['1'], doc = ('{}' FORMAT JSON) where id = 1",
                SqlTranslator.translateUncached("update t set tags = '{1}', doc = '{}' where id = 1", lookup).engineSql());
        assertTrue(h2("create table d(tags text[] default '{}', doc jsonb default '{}')").contains("ARRAY ARRAY[]") == false);
        assertTrue(h2("create table d(tags text[] default '{}', doc jsonb default '{}')").contains("default ARRAY[]"));
        assertTrue(h2("create table d(tags text[] default '{}', doc jsonb default '{}')").contains("default ('{}' FORMAT JSON)"));
    }

    @Test
    void arrayEqualityTreatsNullElementsAsEqual() {
        String sql = h2("select $1::int2[] = a from t");
        assertTrue(sql.contains("CASE WHEN (?1::int2 ARRAY) IS NULL OR (a) IS NULL THEN NULL ELSE (?1::int2 ARRAY) "
                + "IS NOT DISTINCT FROM (a) END"), sql);
        sql = h2("select * from t where tags <> ARRAY['x', NULL]");
        assertTrue(sql.contains("IS DISTINCT FROM (ARRAY['x', NULL])"), sql);
        // an assignment, a scalar comparison and = ANY stay as they are
        assertEquals("update t set tags = CAST(ARRAY['a'] AS text ARRAY) where id = 1", h2("update t set tags = '{a}'::text[] where id = 1"));
        assertEquals("select * from t where id = 1 and v = ANY(?1)", h2("select * from t where id = 1 and v = ANY($1)"));
    }

    @Test
    void arrayLiteralsInParenthesesAndInCast() {
        // Django's bulk insert with psycopg's client-side binding: UNNEST(('{a,b}')::varchar(255)[], ...)
        assertEquals("select * from unnest(CAST(ARRAY['a', 'b'] AS varchar(255) ARRAY), CAST(ARRAY['1', '2'] AS int ARRAY))",
                h2("select * from unnest(('{a,b}')::varchar(255)[], (('{1,2}'))::int[])"));
        assertEquals("select CAST(ARRAY['x', NULL] AS text ARRAY) AS \"text\"", h2("select CAST('{x,NULL}' AS text[])"));
        assertEquals("select CAST(ARRAY[] AS text ARRAY) AS \"text\"", h2("select '{}'::text[]"));
        assertTrue(h2("create table m(id int, m int[][], t text[] default '{}')").contains("m int ARRAY ARRAY, t text ARRAY default ARRAY[]"));
    }

    @Test
    void catalogRelationsAndFunctions() {
        Translation t = SqlTranslator.translateUncached(
                "SELECT c.oid::pg_catalog.regclass FROM pg_catalog.pg_class c WHERE c.relname OPERATOR(pg_catalog.~) '^(t)$' "
                        + "COLLATE pg_catalog.default AND pg_catalog.pg_table_is_visible(c.oid)", null);
        assertEquals("SELECT borealis_catalog.regclass_name(borealis_catalog.regclass_oid(CAST(c.oid AS VARCHAR))) AS \"oid\" FROM borealis_catalog.pg_class c WHERE "
                + "c.relname ~ '^(t)$' AND borealis_catalog.pg_table_is_visible(c.oid)", t.engineSql());
        assertTrue(t.readsCatalog());
        assertEquals("select count(*) AS \"count\" from borealis_catalog.pg_class where oid = borealis_catalog.regclass_oid('t')",
                h2("select count(*) from pg_class where oid = 't'::regclass"));
    }

    @Test
    void regCastsInEveryForm() {
        String in = "borealis_catalog.regclass_oid(";
        // an OID whatever the spelling: literal, parameter, column, expression; CAST(... AS ...) or ::
        assertEquals("select relname from borealis_catalog.pg_class c where c.oid = " + in + "'t')",
                h2("select relname from pg_class c where c.oid = CAST('t' AS REGCLASS)"));
        assertEquals("select 1 AS \"?column?\" from borealis_catalog.pg_description d where d.classoid = " + in + "?1)",
                h2("select 1 from pg_description d where d.classoid = cast($1 as regclass)"));
        assertEquals("select relname from borealis_catalog.pg_class c where c.oid = " + in + "CAST(c.relname AS VARCHAR))",
                h2("select relname from pg_class c where c.oid = c.relname::regclass"));
        assertEquals("select relname from borealis_catalog.pg_class c where c.oid = " + in + "'t')::NUMERIC(1001)",
                h2("select relname from pg_class c where c.oid = 't'::regclass::oid"));
        // SQLAlchemy's identity query: regclass to text, a function of it back to regclass, then oid
        assertEquals("select 1 AS \"?column?\" from borealis_catalog.pg_attribute a where x = CAST(" + in + "CAST("
                        + "borealis_catalog.pg_get_serial_sequence(CAST(borealis_catalog.regclass_name(" + in
                        + "CAST(a.attrelid AS VARCHAR))) AS VARCHAR(999999999)), a.attname) AS VARCHAR)) AS NUMERIC(1001))",
                h2("select 1 from pg_attribute a where x = CAST(CAST(pg_catalog.pg_get_serial_sequence(CAST(CAST(a.attrelid AS REGCLASS)"
                        + " AS TEXT), a.attname) AS REGCLASS) AS OID)"));
        // printed or read as text: the name
        assertEquals("select borealis_catalog.regclass_name(" + in + "'t')) AS \"regclass\"", h2("select 't'::regclass"));
        assertEquals("select borealis_catalog.regclass_name(" + in + "CAST(oid AS VARCHAR))) as n from borealis_catalog.pg_class"
                + " order by " + in + "CAST(oid AS VARCHAR))", h2("select oid::regclass as n from pg_class order by oid::regclass"));
        // (cast to text: marked so, described as text as PostgreSQL does)
        assertEquals("select relname from borealis_catalog.pg_class where CAST(borealis_catalog.regclass_name(" + in
                + "CAST(oid AS VARCHAR))) AS VARCHAR(999999999)) like 'pg%'",
                h2("select relname from pg_class where oid::regclass::text like 'pg%'"));
        // the other reg* types
        assertEquals("select borealis_catalog.regtype_name(borealis_catalog.regtype_oid('int4')) AS \"regtype\"",
                h2("select 'int4'::pg_catalog.regtype"));
        assertEquals("select 1 AS \"?column?\" from borealis_catalog.pg_type where oid = borealis_catalog.regtype_oid(?1)",
                h2("select 1 from pg_type where oid = CAST($1 AS REGTYPE)"));
        assertEquals("select borealis_catalog.regnamespace_name(borealis_catalog.regnamespace_oid(CAST(relnamespace AS VARCHAR)))"
                + " AS \"relnamespace\" from borealis_catalog.pg_class", h2("select relnamespace::regnamespace from pg_class"));
        // CAST(x AS t) is named as x::t is: after a column or function operand, else after the type
        assertTrue(h2("select CAST(CAST(c.oid AS REGCLASS) AS TEXT), CAST(1 + 1 AS TEXT) from pg_class c")
                .matches(".* AS \"oid\" , .* AS \"text\" from .*"));
        // a scalar subquery keeps the OID
        assertEquals("select relname from borealis_catalog.pg_class where oid = (select " + in
                + "CAST(objoid AS VARCHAR)) from borealis_catalog.pg_description)",
                h2("select relname from pg_class where oid = (select objoid::regclass from pg_description)"));
    }

    @Test
    void setReturningFunctionsInTheSelectList() {
        // no FROM: a counter up to the array's length
        assertEquals("select (CASE WHEN borealis_srf1.borealis_n <= COALESCE(CARDINALITY(ARRAY[1,2]), 0) THEN (ARRAY[1,2])[borealis_srf1.borealis_n] END)"
                + " AS \"unnest\" FROM SYSTEM_RANGE(1, COALESCE(CARDINALITY(ARRAY[1,2]), 0)) AS borealis_srf1(borealis_n)",
                h2("select unnest(array[1,2])").replace("array[", "ARRAY["));
        // with FROM and WHERE: lockstep, a left join kept in order, rows without elements dropped; indkey counts from 0
        String sql = h2("select i.indexrelid, unnest(i.indkey) as attnum, generate_subscripts(i.indkey, 1) as ord"
                + " from pg_index i, pg_class c where c.oid = i.indexrelid order by 1");
        assertTrue(sql.contains("from borealis_catalog.pg_index i CROSS JOIN borealis_catalog.pg_class c LEFT JOIN SYSTEM_RANGE(1, "
                + "2147483647) AS borealis_srf1(borealis_n) ON borealis_srf1.borealis_n <= GREATEST(COALESCE(CARDINALITY(i.indkey), 0), CASE WHEN 1 = 1 THEN "
                + "COALESCE(CARDINALITY(i.indkey), 0) ELSE 0 END) where ( c.oid = i.indexrelid ) AND borealis_srf1.borealis_n IS NOT NULL order by 1"),
                sql);
        assertTrue(sql.contains("(CASE WHEN borealis_srf1.borealis_n <= COALESCE(CARDINALITY(i.indkey), 0) THEN (i.indkey)[borealis_srf1.borealis_n] END)"
                + " as attnum"), sql);
        assertTrue(sql.contains("THEN CAST(borealis_srf1.borealis_n - 1 AS INTEGER) END) as ord"), sql);
        // a subquery's unaliased call keeps PostgreSQL's column name; aggregates are left alone
        assertTrue(h2("select u from (select unnest(a) from t) s(u)").contains("END) AS \"unnest\" from t LEFT JOIN SYSTEM_RANGE"));
        assertEquals("select count(*) AS \"count\" , unnest(a) AS \"unnest\" from t", h2("select count(*), unnest(a) from t"));
    }

    @Test
    void alwaysEmptyCatalogQueriesAreAnsweredWithoutH2() {
        Translation t = SqlTranslator.translateUncached("SELECT t.tgname, t.tgenabled FROM pg_catalog.pg_trigger t WHERE t.tgrelid = '1'",
                null);
        assertEquals(List.of("tgname", "tgenabled"), t.emptyColumns());
        assertNull(SqlTranslator.translateUncached("SELECT c.relname FROM pg_class c LEFT JOIN pg_trigger t ON t.tgrelid = c.oid",
                null).emptyColumns());
    }

    @Test
    void pgjdbcExpandArrayBecomesAJoin() {
        String sql = h2("SELECT (information_schema._pg_expandarray(i.indkey)).n AS KEY_SEQ, information_schema._pg_expandarray(i.indkey)"
                + " AS KEYS FROM pg_catalog.pg_index i ON (true) WHERE (result.KEYS).x = 1");
        assertTrue(sql.contains("_ek_i.n AS KEY_SEQ, _ek_i.x AS keys_x, _ek_i.n AS keys_n"), sql);
        assertTrue(sql.contains("JOIN borealis_catalog.pg_index_keys _ek_i ON _ek_i.indexrelid = i.indexrelid"), sql);
        assertTrue(sql.contains("result.keys_x = 1"), sql);
    }

    @Test
    void dmlForms() {
        assertEquals("SELECT id FROM FINAL TABLE (insert into t(v) values (?1)) AS t", h2("insert into t(v) values ($1) returning id"));
        assertEquals("SELECT * FROM OLD TABLE (delete from t WHERE EXISTS (SELECT 1 FROM u WHERE t.id = u.id)) AS t",
                h2("delete from t using u where t.id = u.id returning *"));
        assertEquals("MERGE INTO t USING (values (1, 2)) AS excluded(id, v) ON t.id = excluded.id WHEN MATCHED THEN UPDATE SET v = "
                + "excluded.v WHEN NOT MATCHED THEN INSERT (id, v) VALUES (excluded.id, excluded.v)",
                h2("insert into t values (1, 2) on conflict (id) do update set v = excluded.v"));
        // an arbiter: only its conflicts are skipped (H2's ON CONFLICT DO NOTHING skips any unique key's)
        assertEquals("MERGE INTO t USING (values (1, 2)) AS excluded(id, v) ON t.id = excluded.id WHEN NOT MATCHED THEN INSERT (id, v) "
                + "VALUES (excluded.id, excluded.v)", h2("insert into t values (1, 2) on conflict (id) do nothing"));
        assertEquals("insert into t values (1) on conflict do nothing", h2("insert into t values (1) on conflict do nothing"));
        assertEquals("select * from t for update", h2("select * from t for no key update"));
        assertEquals("SELECT * FROM (VALUES (1, 'a')) AS \"*VALUES*\"(column1, column2)", h2("VALUES (1, 'a')"));
    }

    @Test
    void ddlForms() {
        assertEquals("create table a(id int CONSTRAINT \"a_pkey\" primary key, b int CONSTRAINT \"a_b_fkey\" references c(id))",
                h2("create unlogged table a(id int primary key, b int references c(id)) with (fillfactor=100)"));
        assertEquals("TRUNCATE TABLE a RESTART IDENTITY; TRUNCATE TABLE b RESTART IDENTITY", h2("truncate a, b restart identity"));
        assertEquals("TRUNCATE TABLE pgbench_history", h2("truncate pgbench_history"));
        assertEquals("ALTER TABLE t ALTER COLUMN id SET NOT NULL; alter table t add CONSTRAINT \"t_pkey\" primary key (id)",
                h2("alter table t add primary key (id)"));
        assertEquals("create index \"t_v_idx\" on t (v)", h2("create index concurrently on t using btree (v)"));
        assertTrue(SqlTranslator.translateUncached("create table x(a int)", null).changesSchema());
        assertTrue(h2("create index i on t(v) where v > 0").startsWith("create index i on t(v); COMMENT ON INDEX"), "a partial index");
    }

    @Test
    void arrayLiteralsKeepTheirDimensionsAndElementSpellings() {
        assertEquals("select CAST(ARRAY[ARRAY['1', '2'], ARRAY['3', NULL]] AS int4 ARRAY ARRAY) as m",
                h2("select '{{1,2},{3,NULL}}'::int4[] as m"));
        assertEquals("select CAST(ARRAY['Infinity', '-Infinity', 'NaN', '1.5'] AS float8 ARRAY) as f, CAST('Infinity' AS REAL) as r",
                h2("select '{inf,-Infinity,nan,1.5}'::float8[] as f, 'inf'::real as r"));
        assertTrue(h2("create table t (id int, d interval[])").contains("d INTERVAL DAY TO SECOND ARRAY"), h2("create table t (id int, d interval[])"));
    }

    @Test
    void cteNamesAreTheirOwnAndRecursiveOnesGetAColumnList() {
        // the CTE, not the table of the same name, wherever the CTE is visible; its alias keeps orders.id working
        assertEquals("WITH \"orders__cte\" AS (SELECT * FROM orders WHERE v > 1) SELECT orders.id FROM \"orders__cte\" AS orders",
                h2("WITH orders AS (SELECT * FROM orders WHERE v > 1) SELECT orders.id FROM orders"));
        assertEquals("WITH RECURSIVE \"tree__cte\"(\"id\", \"depth\") AS (SELECT id, 1 AS depth FROM n UNION ALL "
                        + "SELECT n.id, tree.depth + 1 FROM n JOIN \"tree__cte\" AS tree ON n.p = tree.id) SELECT id FROM \"tree__cte\" AS tree",
                h2("WITH RECURSIVE tree AS (SELECT id, 1 AS depth FROM n UNION ALL SELECT n.id, tree.depth + 1 FROM n JOIN tree ON n.p = tree.id) "
                        + "SELECT id FROM tree"));
        // the name is also a column: left as written
        assertEquals("WITH total AS (SELECT sum(v) AS total FROM t) SELECT total FROM total",
                h2("WITH total AS (SELECT sum(v) AS total FROM t) SELECT total FROM total"));
    }

    @Test
    void explainOptionsReduceToWhatTheEngineHas() {
        assertEquals("explain select * from t", h2("explain (costs off, verbose) select * from t"));
        assertEquals("explain ANALYZE select * from t", h2("explain (analyze, buffers on, timing) select * from t"));
        assertEquals("explain select 1", h2("explain (analyze off, summary) select 1"));
        assertEquals("explain ANALYZE update t set v = 1", h2("explain analyse verbose update t set v = 1"));
        assertEquals("explain select 1", h2("explain verbose select 1"));
        assertEquals("42601", assertThrows(PgException.class, () -> h2("explain (nonsense) select 1")).error.sqlState());
        assertEquals("22023", assertThrows(PgException.class, () -> h2("explain (timing) select 1")).error.sqlState());
        assertEquals("0A000", assertThrows(PgException.class, () -> h2("explain (format yaml) select 1")).error.sqlState());
    }

    @Test
    void functionsAreTypedAsPostgresTypesThem() {
        assertEquals("select CAST(length('abc') AS INTEGER) AS \"length\" , avg((x) * CAST(1 AS NUMERIC(1000, 999))) AS \"avg\" from t",
                h2("select length('abc'), avg(x) from t"));
        // a bare alias after a cast is kept as the alias, a type's last word is not taken for one
        assertEquals("select 1::int x, 2::double precision y", h2("select 1::int x, 2::double precision y"));
        assertEquals("select 2::double precision AS \"float8\"", h2("select 2::double precision"));
        assertTrue(h2("select m[2][1] from t").contains("AS \"m\""), h2("select m[2][1] from t"));
    }

    @Test
    void operators() {
        // d -> 'a' is typed as d (COALESCE with a NULL of d's type): jsonb for a jsonb column, json for json
        assertEquals("select borealis_catalog.json_get_text(COALESCE(CAST((borealis_catalog.json_get(d, 'a') FORMAT JSON) AS JSON(999999999)),"
                + " NULLIF(d, d)), 'b') AS \"?column?\" from t", h2("select d->'a'->>'b' from t"));
        assertEquals("select POWER(2, 10) AS \"?column?\" , BITAND(a, 1) AS \"?column?\" from t", h2("select 2 ^ 10, a & 1 from t"));
        assertEquals("select id from t where borealis_catalog.jsonb_contains(t.d, '{\"a\":1}') and borealis_catalog.jsonb_contained(x, y)",
                h2("select id from t where t.d @> '{\"a\":1}' and x <@ y"));
        // a parenthesis after SELECT is not a call of a function named select
        assertEquals("select COALESCE(CAST((borealis_catalog.json_get((d), 'a') FORMAT JSON) AS JSON(999999999)), NULLIF((d), (d)))"
                + " AS \"?column?\" from t", h2("select (d) -> 'a' from t"));
        assertEquals("select borealis_catalog.array_get(i.indoption, (k - 1) + 1) AS \"indoption\" from t",
                h2("select i.indoption[k - 1] from t"));
    }

    @Test
    void translationsAreCachedByText() {
        Translation a = SqlTranslator.translate("select 1 as cached", null);
        assertNotNull(a);
        assertSame(a, SqlTranslator.translate("select 1 as cached", null));
    }

    @Test
    void onlyOneStatementOfAPostgresKindReachesTheEngine() {
        assertEquals("42601", assertThrows(PgException.class, () -> h2("select 1; drop table t")).error.sqlState());
        assertEquals("42601", assertThrows(PgException.class, () -> h2("runscript from '/etc/passwd'")).error.sqlState());
        assertEquals("42601", assertThrows(PgException.class, () -> h2("create alias x for \"java.lang.System.exit\"")).error.sqlState());
        assertEquals("0A000", assertThrows(PgException.class, () -> h2("create function f() returns int as 'select 1' language sql"))
                .error.sqlState());
        assertEquals("42601", assertThrows(PgException.class, () -> h2("select 1 // 'x'")).error.sqlState());
        assertEquals("42601", assertThrows(PgException.class, () -> h2("select {fn now()}")).error.sqlState());
        assertEquals("42710", assertThrows(PgException.class, () -> h2("create domain integer as int")).error.sqlState());
        assertEquals("select 1 AS \"?column?\" ;", h2("select 1;"));
    }

    @Test
    void aTranslationStopsAtItsDeadlineAndOnCancel() throws Exception {
        StringBuilder b = new StringBuilder("select 1");
        for (int i = 0; i < 200_000; i++) {
            b.append(", '{1,2}'::int[]");
        }
        String sql = b.toString();
        long t0 = System.nanoTime();
        try (AutoCloseable limit = StatementLimit.within(200, () -> 0)) {
            PgException e = assertThrows(PgException.class, () -> h2(sql));
            assertEquals("57014", e.error.sqlState());
            assertTrue(e.error.message().contains("statement timeout"), e.error.message());
        }
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "stopped soon after its deadline");
        java.util.concurrent.atomic.AtomicLong cancels = new java.util.concurrent.atomic.AtomicLong();
        new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            cancels.incrementAndGet();
        }).start();
        try (AutoCloseable limit = StatementLimit.within(0, cancels::get)) {
            PgException e = assertThrows(PgException.class, () -> h2(sql));
            assertTrue(e.error.message().contains("user request"), e.error.message());
        }
    }

    @Test
    void correlatedWithSubqueryRunsOnItsOwnWithTheOuterColumnsAsParameters() {
        ColumnLookup lookup = new ColumnLookup() {
            @Override
            public List<String> columns(String table) {
                return List.of();
            }

            @Override
            public String resultType(String engineSql) {
                return "INTEGER";
            }
        };
        Translation tr = SqlTranslator.translateUncached("select t.id, (with recursive up(id, p) as (select id, parent from tree x "
                + "where x.id = t.id and x.k = $2 union all select p.id, p.parent from tree p, up where p.id = up.p) "
                + "select id from up limit 1) from tree t where t.k = $1", lookup);
        // the CTE under a name of its own (CteNames), its references aliased with the written name
        String inner = "with recursive \"up__cte\"(id, p) as (select id, parent from tree x where x.id = ?1 and x.k = ?2 union all "
                + "select p.id, p.parent from tree p, \"up__cte\" AS up where p.id = up.p) select id from \"up__cte\" AS up limit 1";
        assertEquals("select t.id, CAST(borealis_catalog.subquery_value('" + inner + "', '" + CorrelatedSubqueries.sign(inner)
                + "', t.id, ?2) AS INTEGER) from tree t where t.k = ?1", tr.engineSql().replace(" AS \"id\"", ""));
        assertTrue(CorrelatedSubqueries.signed(inner, CorrelatedSubqueries.sign(inner)));
        assertTrue(!CorrelatedSubqueries.signed(inner + " ", CorrelatedSubqueries.sign(inner)));
        assertTrue(!tr.cacheable());
        // an uncorrelated one in a plain statement is H2's own
        assertEquals("select (with \"a__cte\"(x) as (select 1) select x from \"a__cte\" AS a) AS \"x\"",
                h2("select (with a(x) as (select 1) select x from a)"));
    }

    @Test
    void oneColumnFunctionsInFromNameTheirColumnAfterTheAlias() {
        assertTrue(h2("select foo from regexp_split_to_table('a b', ' ') as foo").contains("as foo (foo)"),
                h2("select foo from regexp_split_to_table('a b', ' ') as foo"));
        assertTrue(h2("select * from string_to_table('a|b', '|')").contains("AS string_to_table(string_to_table)"));
        assertTrue(h2("select v from string_to_table('a|b', '|') g(v)").contains("g(v)"));
    }

    @Test
    void regexpMatchesInASelectListYieldsARowPerMatch() {
        String sql = h2("select regexp_matches('ab', '(a)', 'g')");
        assertTrue(sql.contains("FROM SYSTEM_RANGE(1, COALESCE(CARDINALITY(regexp_matches_array('ab', '(a)', 'g')), 0))"), sql);
        assertTrue(sql.contains("AS \"regexp_matches\""), sql);
    }

    @Test
    void overlayBecomesACallOfTheCatalogsFunction() {
        assertTrue(h2("select overlay('babosa' placing 'ubb' from 2 for 4)").contains("overlay('babosa' , 'ubb' , 2 , 4)"),
                h2("select overlay('babosa' placing 'ubb' from 2 for 4)"));
        String column = h2("select overlay(v placing 'x' from 2) from t");
        assertTrue(column.contains("overlay(v , 'x' , 2)") && column.endsWith(" from t"), column);
    }
}
