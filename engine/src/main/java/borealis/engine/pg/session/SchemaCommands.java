package borealis.engine.pg.session;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.SessionSettings;
import borealis.engine.pg.sql.SqlLexer;
import borealis.engine.pg.wire.BackendWriter;
import java.sql.SQLException;
import java.util.List;

/**
 * CREATE SCHEMA and ALTER SCHEMA as PostgreSQL reads them, run through the instance's
 * {@link SchemaAdmin}: {@code CREATE SCHEMA [IF NOT EXISTS] name [AUTHORIZATION role]},
 * {@code CREATE SCHEMA [IF NOT EXISTS] AUTHORIZATION role}, {@code ALTER SCHEMA name RENAME TO new},
 * {@code ALTER SCHEMA name OWNER TO role}. Every database user of a cluster is one principal in the
 * engine today, so the only role a schema can be given is the session's own.
 */
final class SchemaCommands {

    private final SchemaAdmin admin;
    private final SessionSettings settings;

    SchemaCommands(SchemaAdmin admin, SessionSettings settings) {
        this.admin = admin;
        this.settings = settings;
    }

    /** Runs the statement and answers its CommandComplete (and a NOTICE where PostgreSQL gives one). */
    void run(String sql, BackendWriter out) throws SQLException {
        List<SqlLexer.Token> t = SqlLexer.code(sql);
        Cursor c = new Cursor(t);
        boolean create = c.take("CREATE");
        if (!create) {
            c.expect("ALTER");
        }
        c.expect("SCHEMA");
        if (create) {
            boolean ifNotExists = c.take("IF");
            if (ifNotExists) {
                c.expect("NOT");
                c.expect("EXISTS");
            }
            String name = c.peekIs("AUTHORIZATION") ? null : c.name();
            if (c.take("AUTHORIZATION")) {
                String role = c.name();
                checkRole(role);
                name = name == null ? role : name;
            }
            if (!c.atEnd()) {
                throw new PgException(PgError.error("0A000", "CREATE SCHEMA with schema elements is not supported by Borealis;"
                        + " create the schema, then its objects"));
            }
            checkName(name);
            if (!admin.create(settings.sessionUser(), name, ifNotExists)) {
                out.noticeResponse("NOTICE", "42P06", "schema \"" + name + "\" already exists, skipping");
            }
            out.commandComplete("CREATE SCHEMA");
            return;
        }
        String name = c.name();
        if (c.take("RENAME")) {
            c.expect("TO");
            String to = c.name();
            c.end();
            checkName(to);
            admin.rename(settings.sessionUser(), name, to);
        } else {
            c.expect("OWNER");
            c.expect("TO");
            checkRole(c.name());
            c.end();
        }
        out.commandComplete("ALTER SCHEMA");
    }

    private void checkRole(String role) {
        String me = settings.get("session_authorization");
        boolean self = role.equals(me) || role.equals("current_user") || role.equals("session_user") || role.equals("current_role");
        if (!self) {
            throw new PgException(PgError.error("42501", "must be member of role \"" + role + "\""));
        }
    }

    private static void checkName(String name) {
        if (name.startsWith("pg_")) {
            throw new PgException(new PgError("ERROR", "42939", "unacceptable schema name \"" + name + "\"",
                    "The prefix \"pg_\" is reserved for system schemas.", null));
        }
    }

    /** Reads the statement's tokens in order. */
    private static final class Cursor {
        private final List<SqlLexer.Token> t;
        private int i;

        Cursor(List<SqlLexer.Token> t) {
            this.t = t;
        }

        boolean atEnd() {
            return i >= t.size() || t.get(i).kind() == SqlLexer.Kind.SEMICOLON;
        }

        boolean peekIs(String keyword) {
            return !atEnd() && t.get(i).is(keyword);
        }

        boolean take(String keyword) {
            if (peekIs(keyword)) {
                i++;
                return true;
            }
            return false;
        }

        void expect(String keyword) {
            if (!take(keyword)) {
                throw syntax();
            }
        }

        void end() {
            if (!atEnd()) {
                throw syntax();
            }
        }

        /** An identifier, folded as PostgreSQL folds it. */
        String name() {
            if (atEnd()) {
                throw syntax();
            }
            SqlLexer.Token k = t.get(i++);
            if (k.kind() == SqlLexer.Kind.QUOTED_IDENT) {
                String n = k.text().substring(1, k.text().length() - 1).replace("\"\"", "\"");
                if (n.isEmpty()) {
                    throw new PgException(PgError.error("42601", "zero-length delimited identifier"));
                }
                return n;
            }
            if (k.kind() != SqlLexer.Kind.WORD) {
                i--;
                throw syntax();
            }
            return k.text().toLowerCase(java.util.Locale.ROOT);
        }

        private PgException syntax() {
            String where = atEnd() ? "at end of input" : "at or near \"" + t.get(i).text() + "\"";
            return new PgException(PgError.error("42601", "syntax error " + where));
        }
    }
}
