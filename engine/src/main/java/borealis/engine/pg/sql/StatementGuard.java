package borealis.engine.pg.sql;

import borealis.engine.pg.PgError;
import borealis.engine.pg.RefusedStatement;
import java.util.Locale;
import java.util.Set;

/**
 * What of a tenant's statement may reach H2: one statement, of a kind PostgreSQL has, written with
 * tokens that H2 reads as PostgreSQL does. H2 refuses its host-reaching commands to the tenant's
 * user anyway; this keeps H2's own dialect (RUNSCRIPT, CREATE ALIAS, CREATE LINKED TABLE, EXECUTE
 * IMMEDIATE...) out of reach altogether, and closes the gaps where the two lexers disagree: H2
 * reads {@code //} as a comment and a back-quote as a quote, and applies JDBC escapes in braces, all
 * of which PostgreSQL reads as (invalid) operators.
 */
final class StatementGuard {

    /** Statements handed to H2 (the session runs transaction control, settings, COPY and cursors itself). */
    private static final Set<String> FIRST = Set.of("SELECT", "VALUES", "TABLE", "WITH", "INSERT", "UPDATE", "DELETE", "MERGE",
            "TRUNCATE", "CREATE", "ALTER", "DROP", "COMMENT", "GRANT", "REVOKE", "EXPLAIN", "CALL");

    /** Objects a tenant may create, alter or drop (after the modifiers OR REPLACE, TEMP, UNIQUE...). */
    private static final Set<String> OBJECTS = Set.of("TABLE", "INDEX", "VIEW", "SEQUENCE", "DOMAIN", "TYPE", "SCHEMA", "MATERIALIZED",
            "EXTENSION", "RECURSIVE");

    /** PostgreSQL objects Borealis cannot hold: a clear 0A000 rather than H2's take on the words. */
    private static final Set<String> UNSUPPORTED = Set.of("FUNCTION", "PROCEDURE", "TRIGGER", "AGGREGATE", "OPERATOR", "RULE",
            "POLICY", "PUBLICATION", "SUBSCRIPTION", "ROLE", "USER", "GROUP", "DATABASE", "TABLESPACE", "EVENT", "CAST",
            "CONVERSION", "COLLATION", "LANGUAGE", "SERVER", "FOREIGN", "STATISTICS", "TEXT", "ACCESS", "TRANSFORM", "ROUTINE",
            "DEFAULT", "OWNED", "SYSTEM");

    private static final Set<String> MODIFIERS = Set.of("OR", "REPLACE", "UNIQUE", "TEMP", "TEMPORARY", "UNLOGGED", "LOCAL", "GLOBAL",
            "IF", "NOT", "EXISTS", "CONCURRENTLY");

    private StatementGuard() {}

    /** Throws a PostgreSQL error unless {@code t} is one statement H2 may run for a tenant. */
    static void check(TokenList t, String sql) {
        if (t.size() == 0) {
            return;
        }
        for (int i = 0; i < t.size(); i++) {
            Tok k = t.get(i);
            if (k.kind == SqlLexer.Kind.SEMICOLON) {
                for (int j = i + 1; j < t.size(); j++) {
                    if (t.get(j).kind != SqlLexer.Kind.SEMICOLON) {
                        throw new RefusedStatement(sql, PgError.error("42601", "cannot insert multiple commands into a prepared statement"));
                    }
                }
                break;
            }
            if (k.kind == SqlLexer.Kind.OPERATOR && (k.text.contains("//") || k.text.contains("`") || k.text.contains("{")
                    || k.text.contains("}"))) {
                throw new RefusedStatement(sql, PgError.error("42601", "syntax error at or near \"" + k.text + "\""));
            }
        }
        refuseDataModifyingWith(t, sql);
        Tok first = t.get(0);
        if (first.isOpen()) {
            return;
        }
        String verb = first.isWord() ? first.text.toUpperCase(Locale.ROOT) : "";
        if (!FIRST.contains(verb)) {
            throw new RefusedStatement(sql, PgError.error("42601", "syntax error at or near \"" + first.text + "\""));
        }
        if (verb.equals("CREATE") || verb.equals("ALTER") || verb.equals("DROP")) {
            int i = 1;
            while (i < t.size() && t.get(i).isWord() && MODIFIERS.contains(t.get(i).text.toUpperCase(Locale.ROOT))) {
                i++;
            }
            String object = t.get(i) != null && t.get(i).isWord() ? t.get(i).text.toUpperCase(Locale.ROOT) : "";
            if (UNSUPPORTED.contains(object)) {
                throw new RefusedStatement(sql, PgError.error("0A000", verb + " " + object + " is not supported by Borealis"));
            }
            if (!OBJECTS.contains(object)) {
                throw new RefusedStatement(sql, PgError.error("42601", "syntax error at or near \"" + (t.get(i) == null ? verb : t.get(i).text) + "\""));
            }
            if (!verb.equals("DROP") && (object.equals("DOMAIN") || object.equals("TYPE"))) {
                checkTypeName(t, i + 1, sql);
            }
        }
    }

    /**
     * {@code WITH u AS (UPDATE ... RETURNING ...) SELECT ...}: H2 runs a data change in a WITH once
     * per reference to it (twice, or never) and the main query would see its changes; PostgreSQL
     * runs it exactly once, against the statement's snapshot. Refused rather than run differently.
     */
    private static void refuseDataModifyingWith(TokenList t, String sql) {
        boolean with = false;
        for (int i = 0; i < t.size() && !with; i++) {
            with = t.is(i, "WITH");
        }
        for (int i = 0; with && i + 2 < t.size(); i++) {
            if (!t.is(i, "AS")) {
                continue;
            }
            int j = i + 1;
            if (t.is(j, "NOT")) {
                j++;
            }
            if (t.is(j, "MATERIALIZED")) {
                j++;
            }
            Tok open = t.get(j);
            Tok verb = t.get(j + 1);
            if (open != null && open.isOpen() && verb != null && (verb.is("INSERT") || verb.is("UPDATE") || verb.is("DELETE")
                    || verb.is("MERGE"))) {
                throw new RefusedStatement(sql, PgError.error("0A000", "data-modifying statements in WITH (" + verb.text.toUpperCase(Locale.ROOT)
                        + " inside a common table expression) are not supported by Borealis"));
            }
        }
    }

    /**
     * A domain or type may not be named like a built-in type. PostgreSQL resolves INTEGER, VARCHAR
     * and the like to its own types whatever the search path holds; H2 resolves a domain of that
     * name first, even when it re-reads the definitions of tables created before the domain (the
     * instance's catalog among them): such a domain would bind those columns to a tenant's checks,
     * or leave the database unable to open.
     */
    private static void checkTypeName(TokenList t, int at, String sql) {
        int i = at;
        if (t.is(i, "IF") && t.is(i + 1, "NOT") && t.is(i + 2, "EXISTS")) {
            i += 3;
        }
        Tok name = null;
        for (; i < t.size() && t.get(i).isName(); i += 2) {
            name = t.get(i);
            if (!(t.get(i + 1) != null && t.get(i + 1).isDot())) {
                break;
            }
        }
        // ALTER DOMAIN d RENAME TO n: the new name is the one to check
        int rename = t.find(at, t.size(), "RENAME");
        if (rename >= 0 && t.is(rename + 1, "TO") && t.get(rename + 2) != null && t.get(rename + 2).isName()) {
            name = t.get(rename + 2);
        }
        if (name == null) {
            return;
        }
        String n = name.name();
        if (org.h2.value.DataType.getTypeByName(n.toUpperCase(Locale.ROOT), org.h2.engine.Mode.getInstance("PostgreSQL")) != null) {
            throw new RefusedStatement(sql, PgError.error("42710", "type \"" + n + "\" already exists"));
        }
    }
}
