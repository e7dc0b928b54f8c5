package borealis.actors.pgcompat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * psql's backslash commands against a schema with tables, indexes, a view, a sequence and
 * constraints: each must show the rows PostgreSQL would.
 */
class PsqlIT {

    private static PgFixture db;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Processes.available("psql"), "psql is not installed (scripts/ensure-tools.sh installs it)");
        db = PgFixture.start("psql");
        psqlOk("""
                create table authors(id serial primary key, name varchar(60) not null unique, born date);
                create table books(id bigserial primary key, author_id int not null references authors(id) on delete cascade,
                    title text not null, pages int check (pages > 0), price numeric(8,2) default 0);
                create index books_title_idx on books(title);
                create view long_books as select id, title from books where pages > 500;
                create sequence invoice_numbers;
                insert into authors(name) values ('Le Guin'), ('Lem');
                insert into books(author_id, title, pages) values (1, 'The Dispossessed', 387), (2, 'Solaris', 204);
                """);
    }

    @AfterAll
    static void stop() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    private static String psql(String input) throws Exception {
        Processes.Result r = Processes.run(List.of("psql", "-X", "-v", "ON_ERROR_STOP=1", db.conninfo()),
                Map.of("PGPASSWORD", PgFixture.PASSWORD, "PAGER", "", "LANG", "C.UTF-8"), input, 60);
        assertEquals(0, r.exitCode(), "psql failed:\n" + r.output());
        assertFalse(r.output().contains("ERROR"), r.output());
        return r.output();
    }

    /** psql pads columns to their widest value: compare with runs of spaces collapsed. */
    private static void assertContains(String output, String expected) {
        String o = output.replaceAll(" +", " ");
        String e = expected.replaceAll(" +", " ");
        assertTrue(o.contains(e), "expected to find [" + e + "] in:\n" + output);
    }

    private static void psqlOk(String input) throws Exception {
        psql(input);
    }

    /**
     * A syntax error points at its token in the query string psql sent, a later statement of it
     * too (psql -c sends the statements as one string), as PostgreSQL 15 prints it.
     */
    @Test
    void syntaxErrorsPointIntoTheQueryString() throws Exception {
        Processes.Result r = Processes.run(List.of("psql", "-X", db.conninfo(), "-c", "select 1; selec 2"),
                Map.of("PGPASSWORD", PgFixture.PASSWORD, "PAGER", "", "LANG", "C.UTF-8"), "", 60);
        assertContains(r.output(), "ERROR:  syntax error at or near \"selec\"\nLINE 1: select 1; selec 2\n                  ^");
        r = Processes.run(List.of("psql", "-X", db.conninfo(), "-c", "select 1; select 1 +"),
                Map.of("PGPASSWORD", PgFixture.PASSWORD, "PAGER", "", "LANG", "C.UTF-8"), "", 60);
        assertTrue(r.output().contains("ERROR:  syntax error at end of input\nLINE 1: select 1; select 1 +\n"
                + " ".repeat(28) + "^"), r.output());
    }

    @Test
    void listDatabases() throws Exception {
        String out = psql("\\l\n");
        assertContains(out, db.database() + " | app   | UTF8");
    }

    @Test
    void listTables() throws Exception {
        String out = psql("\\dt\n");
        assertContains(out, " public | authors | table | app");
        assertContains(out, " public | books   | table | app");
        assertContains(out, "(2 rows)");
    }

    @Test
    void listRelations() throws Exception {
        String out = psql("\\d\n");
        // as PostgreSQL lists them: the serial columns' sequences too
        assertContains(out, " public | authors_id_seq  | sequence | app");
        assertContains(out, " public | books_id_seq    | sequence | app");
        assertContains(out, " public | invoice_numbers | sequence | app");
        assertContains(out, " public | long_books      | view     | app");
        assertContains(out, "(6 rows)");
    }

    @Test
    void describeTable() throws Exception {
        String out = psql("\\d books\n");
        assertContains(out, "Table \"public.books\"");
        assertContains(out, " id        | bigint                |           | not null | nextval('books_id_seq'::regclass)");
        assertContains(out, " title     | text                  |           | not null | ");
        assertContains(out, " price     | numeric(8,2)          |           |          | 0");
        assertContains(out, "\"books_pkey\" PRIMARY KEY, btree (id)");
        assertContains(out, "\"books_title_idx\" btree (title)");
        assertContains(out, "\"books_pages_check\" CHECK (pages > 0)");
        assertContains(out, "\"books_author_id_fkey\" FOREIGN KEY (author_id) REFERENCES authors(id) ON DELETE CASCADE");
        String authors = psql("\\d authors\n");
        assertContains(authors, "\"authors_name_key\" UNIQUE CONSTRAINT, btree (name)");
        assertContains(authors, "Referenced by:");
        assertContains(authors, "TABLE \"books\" CONSTRAINT \"books_author_id_fkey\"");
    }

    @Test
    void listIndexesSchemasRolesFunctions() throws Exception {
        String di = psql("\\di\n");
        assertContains(di, " public | authors_name_key | index | app   | authors");
        assertContains(di, " public | books_pkey       | index | app   | books");
        assertContains(di, " public | books_title_idx  | index | app   | books");
        assertContains(di, "(4 rows)");
        String dn = psql("\\dn\n");
        assertContains(dn, " public | app");
        String du = psql("\\du\n");
        assertContains(du, " app ");
        String df = psql("\\df\n");
        assertContains(df, "(0 rows)");
    }

    @Test
    void queriesThroughPsql() throws Exception {
        String out = psql("select count(*) from books;\nselect title from books order by pages desc limit 1;\n");
        assertContains(out, " count \n-------\n 2\n");
        assertContains(out, "The Dispossessed");
    }
}
