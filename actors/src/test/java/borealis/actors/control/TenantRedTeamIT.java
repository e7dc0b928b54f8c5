package borealis.actors.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import borealis.actors.testkit.AdminClient;
import borealis.actors.testkit.InProcessNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tenant trying to break out, as an attacker would: not only the direct statement, but the second
 * step after it is blocked. Each attempt runs through the wire as tenant alpha and must be refused;
 * after every attempt alpha's engine user still has no admin right and no right on the instance's
 * catalog, no file appeared on the host, and tenant beta's data is what it was.
 *
 * <p>Classes: evaluation in an admin context (defaults, checks, generated columns, domains,
 * triggers, indexes on the catalog), injection through functions that take a name, COPY with a
 * query, H2's own commands and functions, admin-only settings and identities, lexer tricks, and
 * names of other clusters. {@link borealis.engine.h2.EngineSandboxTest} checks that an admin
 * context itself cannot reach the host.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TenantRedTeamIT {

    @TempDir
    static Path tmp;
    static InProcessNode node;
    static Path sentinels;
    static String betaBefore;

    /** One escape attempt: statements run in order on one connection; the last must fail (any state if {@code states} is empty). */
    record Attempt(String name, List<String> statements, List<String> states) {
        static Attempt of(String name, String... statements) {
            return new Attempt(name, List.of(statements), List.of());
        }

        Attempt expect(String... sqlStates) {
            return new Attempt(name, statements, List.of(sqlStates));
        }
    }

    @BeforeAll
    static void start() throws Exception {
        node = InProcessNode.start(tmp.resolve("data"), Map.of("borealis.limits.storage-quota", "64 MiB"));
        AdminClient api = node.admin();
        for (String t : List.of("alpha", "beta")) {
            api.createTenant(t);
            api.createCluster(t, "db", "app", t + "-password");
        }
        sentinels = Files.createDirectories(tmp.resolve("sentinels"));
        try (Connection c = alpha(); Statement s = c.createStatement()) {
            s.execute("create table alpha_t(id int primary key, v text)");
            s.execute("insert into alpha_t values (1, 'one')");
            s.execute("create sequence s1");
        }
        try (Connection c = beta(); Statement s = c.createStatement()) {
            s.execute("create table beta_secret(id int primary key, v text)");
            s.execute("insert into beta_secret select g, 'beta ' || g from generate_series(1, 100) g");
        }
        betaBefore = betaFingerprint();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static Connection alpha() throws SQLException {
        return DriverManager.getConnection(node.jdbcUrl("alpha", "db"), "app", "alpha-password");
    }

    static Connection beta() throws SQLException {
        return DriverManager.getConnection(node.jdbcUrl("beta", "db"), "app", "beta-password");
    }

    static String sentinel(String name) {
        return sentinels.resolve(name).toString();
    }

    static List<Attempt> attempts() {
        String hostFile = "/etc/hostname";
        List<Attempt> a = new ArrayList<>();
        // ---- an expression stored where an admin connection would evaluate it ----
        a.add(Attempt.of("invisible column with a file-reading default on a catalog table",
                "alter table borealis_catalog.pg_class add column pwn varchar invisible default file_read('" + hostFile + "', null)"));
        a.add(Attempt.of("the same through the pg_catalog name",
                "alter table pg_catalog.pg_class add column pwn varchar default file_read('" + hostFile + "', null)"));
        a.add(Attempt.of("check constraint on a catalog table",
                "alter table borealis_catalog.pg_namespace add constraint pwn check (file_write('x', '" + sentinel("check") + "') > 0)"));
        a.add(Attempt.of("generated column on a catalog table",
                "alter table borealis_catalog.pg_type add column g bigint generated always as (file_write('x', '" + sentinel("gen")
                        + "'))"));
        a.add(Attempt.of("index on a catalog table", "create index pwn_idx on borealis_catalog.pg_class(relname)"));
        a.add(Attempt.of("row written into the catalog", "insert into borealis_catalog.pg_class(oid, relname) values (1, 'x')"));
        a.add(Attempt.of("rows deleted from the catalog", "delete from borealis_catalog.pg_attribute"));
        a.add(Attempt.of("table created in the catalog schema", "create table borealis_catalog.pwn(a int)"));
        a.add(Attempt.of("sequence created in the catalog schema", "create sequence borealis_catalog.pwn_seq"));
        a.add(Attempt.of("catalog schema renamed", "alter schema borealis_catalog rename to pwn"));
        a.add(Attempt.of("catalog schema dropped", "drop schema borealis_catalog cascade"));
        a.add(Attempt.of("foreign key whose SET DEFAULT action an admin delete would fire",
                "create table fk_pwn(x int default 1, y varchar default file_read('" + hostFile + "', null),"
                        + " foreign key (x) references borealis_catalog.pg_class(oid) on delete set default)"));
        a.add(Attempt.of("trigger on a catalog table",
                "create trigger pwn_trg before insert on borealis_catalog.pg_class for each row call \"org.h2.tools.TriggerAdapter\"")
                .expect("0A000"));
        a.add(Attempt.of("grant on the catalog", "grant all on borealis_catalog.pg_class to public"));
        a.add(Attempt.of("domain named like a built-in type, then DDL that refreshes the catalog",
                "create domain integer as int check (value is null or file_write('x', '" + sentinel("domain") + "') > 0)",
                "create table after_domain(a int)", "select count(*) from pg_catalog.pg_class where relname = 'after_domain'",
                "select cancel_session(-1)"));
        a.add(Attempt.of("domain named varchar, then a catalog refresh",
                "create domain varchar as text check (file_write('x', '" + sentinel("domain2") + "') > 0)",
                "create table after_domain2(a text)", "select count(*) from pg_catalog.pg_attribute", "select cancel_session(-1)"));
        a.add(Attempt.of("search path set to the catalog, then an unqualified CREATE TABLE",
                "set search_path to borealis_catalog", "create table pwn2(a int)", "select count(*) from borealis_catalog.pwn2")
                .expect("42P01"));
        // ---- functions that take a name ----
        a.add(Attempt.of("setval with SQL in the sequence name",
                "select setval('s1 restart with 1; alter user tenant admin true; --', 5)"));
        a.add(Attempt.of("setval with a quoted name that closes its quote",
                "select setval('\"s1\"\" restart with 1; create alias pwn for \"\"java.lang.System.getProperty\"\"; --\"', 1)"));
        a.add(Attempt.of("setval on a name in another schema than the tenant's",
                "select setval('borealis_catalog.pg_class', 1)"));
        a.add(Attempt.of("nextval with SQL in the name", "select nextval('s1; drop table alpha_t')"));
        a.add(Attempt.of("currval with a quote in the name", "select currval('s1''); alter user tenant admin true; --')"));
        a.add(Attempt.of("regclass cast of a name with a quote", "select 'x'' or ''1''=''1'::regclass"));
        a.add(Attempt.of("to_regclass and pg_get_serial_sequence with SQL in the name",
                "select to_regclass('x''; alter user tenant admin true; --') is null and"
                        + " pg_get_serial_sequence('alpha_t; drop table alpha_t', 'id') is null",
                "select cancel_session(-1)"));
        a.add(Attempt.of("quote_ident output fed back", "select quote_ident('a\"; alter user tenant admin true; --')",
                "select cancel_session(-1)"));
        a.add(Attempt.of("COPY into a table named with SQL", "copy \"alpha_t; drop table alpha_t\" from stdin"));
        // ---- COPY with a query ----
        a.add(Attempt.of("COPY of an H2 command", "copy (create alias pwn for \"java.lang.System.getProperty\") to stdout"));
        a.add(Attempt.of("COPY of two statements", "copy (select 1; alter user tenant admin true) to stdout"));
        a.add(Attempt.of("COPY of RUNSCRIPT", "copy (runscript from '" + hostFile + "') to stdout"));
        a.add(Attempt.of("COPY to a server file", "copy alpha_t to '" + sentinel("copy.txt") + "'").expect("42501"));
        a.add(Attempt.of("COPY from a program", "copy alpha_t from program 'id'"));
        // ---- H2's own commands and functions ----
        a.add(Attempt.of("Java function by class", "create alias pwn for \"java.lang.System.getProperty\""));
        a.add(Attempt.of("Java function by source", "create alias pwn as $$ String f(String k) { return System.getProperty(k); } $$"));
        a.add(Attempt.of("EXECUTE IMMEDIATE", "execute immediate 'create alias pwn for \"java.lang.System.getProperty\"'"));
        a.add(Attempt.of("RUNSCRIPT", "runscript from '" + hostFile + "'"));
        a.add(Attempt.of("SCRIPT TO a file", "script to '" + sentinel("script.sql") + "'"));
        a.add(Attempt.of("BACKUP TO a file", "backup to '" + sentinel("backup.zip") + "'"));
        a.add(Attempt.of("FILE_READ", "select file_read('" + hostFile + "', null)"));
        a.add(Attempt.of("FILE_WRITE", "select file_write('pwned', '" + sentinel("file_write") + "')"));
        a.add(Attempt.of("CSVREAD", "select * from csvread('/etc/passwd')"));
        a.add(Attempt.of("CSVWRITE", "call csvwrite('" + sentinel("csv") + "', 'select 1')"));
        a.add(Attempt.of("LINK_SCHEMA to a file database",
                "select * from link_schema('lnk', '', 'jdbc:h2:" + sentinel("linked") + "', 'sa', 'sa', 'PUBLIC')"));
        a.add(Attempt.of("linked table", "create linked table lt('', 'jdbc:h2:" + sentinel("linked2") + "', 'sa', 'sa', 'T')"));
        a.add(Attempt.of("user made admin", "alter user tenant admin true"));
        a.add(Attempt.of("ALTER ANY SCHEMA granted", "grant alter any schema to tenant"));
        a.add(Attempt.of("new admin user", "create user pwn password 'x' admin"));
        a.add(Attempt.of("DROP ALL OBJECTS", "drop all objects"));
        a.add(Attempt.of("SHUTDOWN", "shutdown"));
        a.add(Attempt.of("engine cache setting", "set cache_size 1").expect("42501"));
        a.add(Attempt.of("engine write delay", "set write_delay 100000").expect("42501"));
        a.add(Attempt.of("engine memory rows", "set max_memory_rows 100000000").expect("42501"));
        a.add(Attempt.of("JAVA_OBJECT serializer setting", "set java_object_serializer 'java.lang.Object'").expect("42501"));
        a.add(Attempt.of("JDBC escape around a file function", "select {fn file_read('" + hostFile + "', null)}"));
        // ---- lexer disagreements: what PostgreSQL reads as code, H2 would read as a comment or quote ----
        a.add(Attempt.of("// comment hiding a second statement from the guard", "select 1 // ';\ndrop table alpha_t; --'").expect("42601"));
        a.add(Attempt.of("back-quote", "select `x` from alpha_t").expect("42601"));
        a.add(Attempt.of("nested block comment", "select 1 /* /* */ ; drop table alpha_t; /* */"));
        // ---- identities ----
        a.add(Attempt.of("session authorization to another user", "set session authorization postgres").expect("42501"));
        a.add(Attempt.of("session_authorization as a parameter", "set session_authorization = 'postgres'").expect("42501"));
        a.add(Attempt.of("role of another user", "set role postgres").expect("42501"));
        a.add(Attempt.of("proxy's client address", "set borealis.client_addr = '10.0.0.1'").expect("42501"));
        // ---- other clusters ----
        a.add(Attempt.of("another cluster's table by catalog name", "select * from \"beta.db\".public.beta_secret"));
        a.add(Attempt.of("another cluster's table by tenant name", "select * from beta.public.beta_secret"));
        return a;
    }

    @Test
    void everyEscapeAttemptIsRefusedAndLeavesNothingBehind() throws Exception {
        List<String> failures = new ArrayList<>();
        List<Attempt> all = attempts();
        assertTrue(all.size() >= 40, "at least 40 attempts: " + all.size());
        for (Attempt attempt : all) {
            String outcome = run(attempt);
            if (outcome != null) {
                failures.add(attempt.name() + ": " + outcome);
            }
            String broken = invariants();
            if (broken != null) {
                failures.add(attempt.name() + ": afterwards " + broken);
            }
        }
        assertEquals(List.of(), failures);
    }

    /** Null if the attempt was refused as expected; else what happened. */
    private static String run(Attempt attempt) throws SQLException {
        try (Connection c = alpha(); Statement s = c.createStatement()) {
            List<String> setup = attempt.statements().subList(0, attempt.statements().size() - 1);
            for (String sql : setup) {
                try {
                    s.execute(sql);
                } catch (SQLException e) {
                    // setup steps may be refused too; the last step is the one judged
                }
            }
            String last = attempt.statements().get(attempt.statements().size() - 1);
            try {
                s.execute(last);
                return "ran: " + last;
            } catch (SQLException e) {
                if (!attempt.states().isEmpty() && !attempt.states().contains(e.getSQLState())) {
                    return "refused with " + e.getSQLState() + " (expected " + attempt.states() + "): " + e.getMessage();
                }
                String m = String.valueOf(e.getMessage());
                if (m.contains("org.h2") || m.contains("Exception") || m.matches("(?s).*\\[\\d{5}-\\d+].*")) {
                    return "the error leaks engine internals: " + e.getMessage();
                }
                return null;
            }
        }
    }

    /** Null if alpha is still contained and beta untouched; else what broke. */
    private static String invariants() throws Exception {
        try (Connection c = alpha(); Statement s = c.createStatement()) {
            String admin = state(s, "select cancel_session(-1)");
            if (!"42501".equals(admin)) {
                return "an admin-only function answered " + admin + " (alpha's engine user has admin rights?)";
            }
            String catalog = state(s, "delete from borealis_catalog.pg_am where false");
            if (!"42501".equals(catalog)) {
                return "a write on the catalog answered " + catalog + " (alpha's engine user has rights on the catalog?)";
            }
            String own = state(s, "select count(*) from alpha_t");
            if (!"OK".equals(own)) {
                return "alpha's own table is gone: " + own;
            }
        }
        try (var files = Files.list(sentinels)) {
            List<Path> written = files.toList();
            if (!written.isEmpty()) {
                return "files appeared on the host: " + written;
            }
        }
        String beta = betaFingerprint();
        if (!beta.equals(betaBefore)) {
            return "beta's data changed: " + beta;
        }
        return null;
    }

    private static String state(Statement s, String sql) {
        try {
            s.execute(sql);
            return "OK";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    private static String betaFingerprint() throws SQLException {
        try (Connection c = beta(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*), sum(id), max(v) from beta_secret")) {
            rs.next();
            return rs.getLong(1) + "/" + rs.getLong(2) + "/" + rs.getString(3);
        }
    }

    @Test
    void identityCommandsFollowPostgresForOneself() throws Exception {
        try (Connection c = alpha(); Statement s = c.createStatement()) {
            // What Flyway sends around every migration, and what pools send on checkout.
            s.execute("set role 'app'");
            assertEquals("app", scalar(s, "show role"));
            s.execute("reset role");
            assertEquals("none", scalar(s, "show role"));
            s.execute("set session authorization app");
            s.execute("set session authorization default");
            s.execute("reset session authorization");
            assertEquals("app", scalar(s, "show session_authorization"));
        }
    }

    @Test
    void aTenantViewOverTheCatalogSurvivesAReopenAndATamperedCatalogDoesNot() throws Exception {
        try (Connection c = alpha(); Statement s = c.createStatement()) {
            s.execute("create view my_tables as select relname from pg_catalog.pg_class where relkind = 'r'");
            assertTrue(scalarList(s, "select relname from my_tables").contains("alpha_t"));
        }
        restartCompute("alpha", "db");
        try (Connection c = alpha(); Statement s = c.createStatement()) {
            List<String> names = scalarList(s, "select relname from my_tables");
            assertTrue(names.contains("alpha_t"), "the view still reads the catalog after a restart: " + names);
            assertNotEquals("OK", state(s, "alter table borealis_catalog.pg_class add column pwn int"));
        }
    }

    @Test
    void aTenantCreatesItsOwnSchemasButNoSystemOnes() throws Exception {
        try (Connection c = alpha(); Statement s = c.createStatement()) {
            s.execute("create schema app_data");
            s.execute("create table app_data.items(id int primary key)");
            s.execute("insert into app_data.items values (1)");
            s.execute("create schema if not exists app_data");
            s.execute("alter schema app_data rename to app_data2");
            assertEquals("1", scalar(s, "select count(*) from app_data2.items"));
            assertEquals("42939", state(s, "create schema pg_mine"));
            assertEquals("42501", state(s, "create schema other authorization postgres"));
            assertEquals("42501", state(s, "alter schema borealis_catalog rename to mine"));
            s.execute("drop schema app_data2 cascade");
        }
    }

    @Test
    void theClustersOtherUsersAreSeparatePrincipals() throws Exception {
        AdminClient api = node.admin();
        api.call("POST", "/v1/clusters/alpha/db/users", Map.of("username", "reporter", "password", "reporter-pass")).ok();
        // Names differing only in case would be one principal in the engine: refused.
        assertEquals(409, api.call("POST", "/v1/clusters/alpha/db/users", Map.of("username", "Reporter", "password", "reporter-pass"))
                .status());
        // The master user owns the database: it cannot be dropped.
        assertEquals(409, api.call("DELETE", "/v1/clusters/alpha/db/users/app", null).status());
        try (Connection app = alpha(); Statement owner = app.createStatement();
             Connection rep = DriverManager.getConnection(node.jdbcUrl("alpha", "db"), "reporter", "reporter-pass");
             Statement s = rep.createStatement()) {
            owner.execute("create table ledger(id int primary key, amount int)");
            owner.execute("insert into ledger values (1, 100)");
            // As in PostgreSQL 15: nothing of the owner's without a grant, no CREATE in public, no schema.
            assertEquals("42501", state(s, "select * from ledger"));
            assertEquals("42501", state(s, "create table mine(a int)"));
            assertEquals("42501", state(s, "create schema mine"));
            assertEquals("42501", state(s, "set role app"));
            assertEquals("42501", state(s, "set session authorization app"));
            owner.execute("grant select on ledger to reporter");
            assertEquals("100", scalar(s, "select amount from ledger"));
            assertEquals("42501", state(s, "update ledger set amount = 0"));
            assertEquals("42501", state(s, "grant update on ledger to reporter"));
            assertEquals("42501", state(s, "drop table ledger"));
            owner.execute("revoke select on ledger from reporter");
            assertEquals("42501", state(s, "select * from ledger"));
            assertEquals("reporter", scalar(s, "select current_user"));
        }
    }

    private static void restartCompute(String tenant, String cluster) throws Exception {
        // Drop every session, then wait for the instance to pause and resume it: H2 reopens the volume.
        node.admin().call("PATCH", "/v1/clusters/" + tenant + "/" + cluster, Map.of("minAcu", 0, "secondsUntilAutoPause", 1)).ok();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String state = node.node().capacity().status(tenant, cluster).toCompletableFuture().get()
                    .map(borealis.actors.capacity.CapacityLedger.ComputeStatus::state).orElse("paused");
            if (state.equals("paused")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the cluster did not pause");
    }

    private static String scalar(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }

    private static List<String> scalarList(Statement s, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

}
