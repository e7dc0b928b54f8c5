package borealis.actors.pgcompat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DEFERRABLE foreign keys against PostgreSQL 15 as the oracle: a reference left unproven inside a
 * transaction is accepted until COMMIT and fails the COMMIT with PostgreSQL's 23503 message and
 * detail (Borealis checked every foreign key at once, so a Django fixture that names a row before
 * the row it refers to failed at its first INSERT); SET CONSTRAINTS, multi-column and
 * self-referencing keys, a table copied by ALTER TABLE, renames, ON DELETE CASCADE (which acts at
 * once), a load too large to remember key by key, another session's commit proving a key, and the
 * catalog's condeferrable / condeferred / pg_get_constraintdef.
 */
class DeferredConstraintsOracleIT {

    private static Oracle oracle;

    @BeforeAll
    static void start() throws Exception {
        oracle = Oracle.start("deferredoracle");
    }

    @AfterAll
    static void stop() throws Exception {
        if (oracle != null) {
            oracle.close();
        }
    }

    @Test
    void deferredForeignKeysAreCheckedAtCommit() throws Exception {
        List<String> postgres = run(true);
        assertEquals(String.join("\n", postgres), String.join("\n", run(false)));
        String all = String.join("\n", postgres);
        assertTrue(all.contains("a: commit -> error 23503 ERROR: insert or update on table \"child\" violates foreign key constraint"
                + " \"child_pid_fkey\" / Detail: Key (pid)=(20) is not present in table \"parent\"."), all);
        assertTrue(all.contains("a: select id, pid from child order by id -> id | pid / 1 | 10 / 3 | 30"), all);
    }

    private static List<String> run(boolean postgres) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection a = oracle.connect(postgres); Statement sa = a.createStatement();
             Connection b = oracle.connect(postgres); Statement sb = b.createStatement()) {
            step(out, "a", sa, "create table parent(id int primary key)");
            step(out, "a", sa, "create table child(id int primary key, pid int references parent(id) deferrable initially deferred)");
            step(out, "a", sa, "create table later(id int primary key, pid int)");
            step(out, "a", sa, "alter table later add constraint later_pid_fkey foreign key (pid) references parent(id) deferrable");
            step(out, "a", sa, "select conname, condeferrable, condeferred, pg_get_constraintdef(oid) from pg_constraint"
                    + " where contype = 'f' order by 1");
            step(out, "a", sa, "select constraint_name, is_deferrable, initially_deferred from information_schema.table_constraints"
                    + " where constraint_type = 'FOREIGN KEY' order by 1");
            // the child first, its parent later in the same transaction
            step(out, "a", sa, "begin");
            step(out, "a", sa, "insert into child values (1, 10)");
            step(out, "a", sa, "insert into parent values (10)");
            step(out, "a", sa, "commit");
            // never proven: the COMMIT fails and nothing of the transaction stays
            step(out, "a", sa, "begin");
            step(out, "a", sa, "insert into parent values (11)");
            step(out, "a", sa, "insert into child values (2, 20)");
            step(out, "a", sa, "commit");
            step(out, "a", sa, "select count(*) from parent where id = 11");
            // a statement outside a transaction is its own transaction
            step(out, "a", sa, "insert into child values (4, 40)");
            // INITIALLY IMMEDIATE until SET CONSTRAINTS defers it
            step(out, "a", sa, "begin");
            step(out, "a", sa, "insert into later values (1, 99)");
            step(out, "a", sa, "rollback");
            step(out, "a", sa, "begin");
            step(out, "a", sa, "set constraints later_pid_fkey deferred");
            step(out, "a", sa, "insert into later values (1, 99)");
            step(out, "a", sa, "insert into parent values (99)");
            step(out, "a", sa, "commit");
            // a parent removed while children still refer to it, and one removed and put back
            step(out, "a", sa, "begin");
            step(out, "a", sa, "delete from parent where id = 10");
            step(out, "a", sa, "commit");
            step(out, "a", sa, "begin");
            step(out, "a", sa, "delete from parent where id = 10");
            step(out, "a", sa, "insert into parent values (10)");
            step(out, "a", sa, "commit");
            // SET CONSTRAINTS ... IMMEDIATE checks what is pending at once
            step(out, "a", sa, "begin");
            step(out, "a", sa, "insert into child values (5, 50)");
            step(out, "a", sa, "set constraints all immediate");
            step(out, "a", sa, "rollback");
            step(out, "a", sa, "begin");
            step(out, "a", sa, "set constraints child_pid_fkey immediate");
            step(out, "a", sa, "insert into child values (6, 60)");
            step(out, "a", sa, "rollback");
            step(out, "a", sa, "begin");
            step(out, "a", sa, "set constraints parent_pkey deferred");
            step(out, "a", sa, "rollback");
            step(out, "a", sa, "begin");
            step(out, "a", sa, "set constraints no_such_constraint deferred");
            step(out, "a", sa, "rollback");
            // another session's commit proves a key before this one commits
            step(out, "a", sa, "begin");
            step(out, "a", sa, "insert into child values (3, 30)");
            step(out, "b", sb, "insert into parent values (30)");
            step(out, "a", sa, "commit");
            step(out, "a", sa, "select id, pid from child order by id");
            // multi-column and self-referencing keys, a table H2 copies, renamed constraint and table
            step(out, "a", sa, "create table pair(a int, b text, primary key (a, b))");
            step(out, "a", sa, "create table node(id int primary key, a int, b text, up int,"
                    + " foreign key (a, b) references pair deferrable initially deferred)");
            step(out, "a", sa, "alter table node add constraint node_up_fkey foreign key (up) references node(id) deferrable initially deferred");
            step(out, "a", sa, "begin");
            step(out, "a", sa, "insert into node values (1, 1, 'x', 2)");
            step(out, "a", sa, "insert into node values (2, null, null, 1)");
            step(out, "a", sa, "insert into pair values (1, 'x')");
            step(out, "a", sa, "commit");
            step(out, "a", sa, "alter table node add column extra int");
            step(out, "a", sa, "alter table node rename constraint node_a_b_fkey to node_pair");
            step(out, "a", sa, "alter table node rename to tree");
            step(out, "a", sa, "begin");
            step(out, "a", sa, "insert into tree(id, a, b, up) values (3, 5, 'y', 9)");
            step(out, "a", sa, "insert into tree(id, a, b, up) values (9, 1, 'x', null)");
            step(out, "a", sa, "commit");
            step(out, "a", sa, "select conname, condeferred from pg_constraint where contype = 'f' and conrelid = 'tree'::regclass order by 1");
            // more keys than are remembered one by one
            step(out, "a", sa, "begin");
            step(out, "a", sa, "insert into tree(id, a, b) select g, 7, 'w' from generate_series(100, 20100) g");
            step(out, "a", sa, "insert into pair values (7, 'w')");
            step(out, "a", sa, "commit");
            step(out, "a", sa, "begin");
            step(out, "a", sa, "insert into tree(id, a, b) select g, 8, 'v' from generate_series(30000, 50100) g");
            step(out, "a", sa, "commit");
            step(out, "a", sa, "select count(*) from tree");
            // ON DELETE CASCADE acts at once even when deferred
            step(out, "a", sa, "create table owner(id int primary key)");
            step(out, "a", sa, "create table owned(id int primary key, oid int references owner on delete cascade deferrable initially deferred)");
            step(out, "a", sa, "insert into owner values (1)");
            step(out, "a", sa, "insert into owned values (1, 1)");
            step(out, "a", sa, "begin");
            step(out, "a", sa, "delete from owner");
            step(out, "a", sa, "select count(*) from owned");
            step(out, "a", sa, "commit");
            // a dropped deferrable key checks nothing any more
            step(out, "a", sa, "alter table tree drop constraint node_pair");
            step(out, "a", sa, "insert into tree(id, a, b) values (60000, 99, 'nope')");
        }
        return out;
    }

    private static void step(List<String> out, String session, Statement s, String sql) {
        String outcome = Oracle.outcome(s, sql, true);
        out.add(session + ": " + sql + " -> " + outcome.replace("\n", " / ").replaceAll("\\s+/", " /").replaceAll(" {2,}", " "));
    }
}
