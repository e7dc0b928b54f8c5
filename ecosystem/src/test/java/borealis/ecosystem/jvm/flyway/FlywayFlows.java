package borealis.ecosystem.jvm.flyway;

import static borealis.ecosystem.jvm.Check.column;
import static borealis.ecosystem.jvm.Check.eq;
import static borealis.ecosystem.jvm.Check.raises;

import borealis.ecosystem.Db;
import borealis.ecosystem.JvmFlow;
import borealis.ecosystem.jvm.Check;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.output.MigrateResult;

/** Flyway: SQL migrations from a temporary directory, into public, into a tenant's schema, and two runs at once. */
public final class FlywayFlows {

    private FlywayFlows() {}

    static String library() {
        return "Flyway " + org.flywaydb.core.internal.license.VersionPrinter.getVersion() + " + pgjdbc " + org.postgresql.util.DriverInfo.DRIVER_VERSION;
    }

    public static List<JvmFlow> flows() {
        String lib = library();
        return List.of(
                JvmFlow.of("flyway.migrate_info_validate", lib, FlywayFlows::migrateInfoValidate),
                JvmFlow.of("flyway.tenant_schema", lib, FlywayFlows::tenantSchema),
                JvmFlow.of("flyway.concurrent_migrate", lib, FlywayFlows::concurrentMigrate));
    }

    static Map<String, String> migrations() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("V1__create_accounts.sql", """
                create table account (
                    id bigserial primary key,
                    name varchar(100) not null unique,
                    created timestamptz not null default now()
                );
                create index account_created_idx on account (created);
                """);
        m.put("V2__ledger.sql", """
                create table ledger (
                    id bigserial primary key,
                    account_id bigint not null references account (id),
                    amount numeric(12,2) not null check (amount <> 0)
                );
                alter table account add column currency char(3) not null default 'EUR';
                insert into account (name) values ('house');
                """);
        m.put("R__balances_view.sql", """
                create or replace view balances as
                    select a.name, coalesce(sum(l.amount), 0) as balance
                    from account a left join ledger l on l.account_id = a.id group by a.name;
                """);
        return m;
    }

    static Flyway flyway(Db db, Path dir, String... schemas) {
        var cfg = Flyway.configure().dataSource(db.jdbcUrl(), db.user(), db.password())
                .locations("filesystem:" + dir.toAbsolutePath());
        if (schemas.length > 0) {
            cfg = cfg.schemas(schemas);
        }
        return cfg.load();
    }

    static void migrateInfoValidate(Db db) throws Exception {
        Path dir = Check.files("eco-flyway-", migrations());
        Flyway f = flyway(db, dir);
        MigrateResult r = f.migrate();
        eq(r.success, true, "migrate succeeded");
        eq(r.migrationsExecuted, 3, "migrations executed");
        eq(r.targetSchemaVersion, "2", "target version");
        MigrationInfo[] all = f.info().all();
        eq(Arrays.stream(all).map(i -> i.getDescription() + ":" + i.getState()).toList(),
                List.of("create accounts:" + MigrationState.SUCCESS, "ledger:" + MigrationState.SUCCESS, "balances view:" + MigrationState.SUCCESS),
                "info().all()");
        eq(f.info().current().getVersion().getVersion(), "2", "info().current()");
        eq(f.info().pending().length, 0, "nothing pending");
        f.validate();
        eq(column(db, "select version from flyway_schema_history where success order by installed_rank"),
                Arrays.asList("1", "2", null), "flyway_schema_history");
        eq(column(db, "select name || '=' || balance from balances"), List.of("house=0"), "the repeatable view works");
        eq(f.migrate().migrationsExecuted, 0, "a second migrate does nothing");
        // a new migration is pending, then applied; the repeatable one reruns only when it changes
        Files.writeString(dir.resolve("V3__seed.sql"), "insert into ledger (account_id, amount) select id, 12.50 from account;\n");
        dir.resolve("V3__seed.sql").toFile().deleteOnExit(); // registered after the directory: deleted before it
        eq(f.info().pending().length, 1, "V3 pending");
        eq(f.migrate().migrationsExecuted, 1, "V3 applied");
        eq(column(db, "select name || '=' || balance from balances"), List.of("house=12.50"), "view over the new rows");
        // an applied migration edited afterwards fails validation (checksum mismatch)
        Files.writeString(dir.resolve("V1__create_accounts.sql"), migrations().get("V1__create_accounts.sql") + "-- edited\n");
        raises(FlywayValidateException.class, "validate after editing V1", f::validate);
        raises(FlywayValidateException.class, "migrate after editing V1", f::migrate);
        eq(column(db, "select count(*) from flyway_schema_history"), List.of("4"), "history rows unchanged");
    }

    static void tenantSchema(Db db) throws Exception {
        Path dir = Check.files("eco-flyway-", migrations());
        for (String tenant : List.of("tenant_a", "tenant_b")) {
            MigrateResult r = flyway(db, dir, tenant).migrate();
            eq(r.migrationsExecuted, 3, tenant + ": migrations executed");
            eq(r.schemaName, tenant, tenant + ": schema");
            eq(column(db, "select table_schema from information_schema.tables where table_name = 'account' order by 1").contains(tenant), true,
                    tenant + ": account created in " + tenant + " (tables named account are in "
                    + column(db, "select table_schema from information_schema.tables where table_name = 'account' order by 1") + ")");
        }
        eq(column(db, "select table_schema || '.' || table_name from information_schema.tables where table_schema like 'tenant_%'"
                + " and table_type = 'BASE TABLE' order by 1"),
                List.of("tenant_a.account", "tenant_a.flyway_schema_history", "tenant_a.ledger",
                        "tenant_b.account", "tenant_b.flyway_schema_history", "tenant_b.ledger"), "tables per tenant");
        eq(column(db, "select count(*) from information_schema.tables where table_schema = 'public'"), List.of("0"), "nothing in public");
        eq(column(db, "select name from tenant_a.account"), List.of("house"), "tenant_a data");
        eq(column(db, "select table_schema from information_schema.views where table_name = 'balances' order by 1"),
                List.of("tenant_a", "tenant_b"), "views per tenant");
        // tenant_a moves on alone
        Files.writeString(dir.resolve("V3__tenant_note.sql"), "alter table account add column note text;\n");
        dir.resolve("V3__tenant_note.sql").toFile().deleteOnExit(); // registered after the directory: deleted before it
        eq(flyway(db, dir, "tenant_a").migrate().migrationsExecuted, 1, "tenant_a: V3");
        eq(flyway(db, dir, "tenant_b").info().pending().length, 1, "tenant_b: V3 pending");
        eq(flyway(db, dir, "tenant_a").info().current().getVersion().getVersion(), "3", "tenant_a at 3");
        eq(column(db, "select column_name from information_schema.columns where table_name = 'account' and column_name = 'note'"),
                List.of("note"), "only tenant_a has the new column");
        flyway(db, dir, "tenant_a").validate();
    }

    static void concurrentMigrate(Db db) throws Exception {
        Map<String, String> m = migrations();
        // a slow first migration: the second run reaches Flyway's lock while the first one holds it, and must wait
        m.put("V1__create_accounts.sql", "select pg_sleep(2);\n" + m.get("V1__create_accounts.sql"));
        m.put("V3__slow.sql", "insert into account (name) select 'bulk-' || g from generate_series(1, 2000) g;\n");
        Path dir = Check.files("eco-flyway-", m);
        int runs = 2;
        CyclicBarrier start = new CyclicBarrier(runs);
        ExecutorService ex = Executors.newFixedThreadPool(runs);
        try {
            List<Future<MigrateResult>> fs = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                fs.add(ex.submit(() -> {
                    Flyway f = flyway(db, dir);
                    start.await(30, TimeUnit.SECONDS);
                    return f.migrate();
                }));
            }
            int executed = 0;
            for (Future<MigrateResult> f : fs) {
                MigrateResult r = f.get(120, TimeUnit.SECONDS);
                eq(r.success, true, "each run succeeds");
                executed += r.migrationsExecuted;
            }
            eq(executed, 4, "migrations executed by both runs together");
        } finally {
            ex.shutdownNow();
        }
        eq(column(db, "select coalesce(version, 'R') || ':' || count(*) from flyway_schema_history group by version order by 1"),
                List.of("1:1", "2:1", "3:1", "R:1"), "each migration recorded once");
        eq(column(db, "select count(*) from account"), List.of("2001"), "each data migration ran once");
        flyway(db, dir).validate();
    }
}
