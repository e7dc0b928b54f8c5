package borealis.engine.pg.session;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.sql.SqlLexer;
import borealis.engine.pg.sql.SqlTranslator;
import borealis.engine.pg.types.PgType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * SQL-level prepared statements. {@code PREPARE name [(type, ...)] AS statement} stores a named
 * statement as a Parse message does (one namespace with those, as in PostgreSQL; pg_prepared_statements
 * shows it with from_sql true); {@code EXECUTE name [(value, ...)]} runs it with the values, each an
 * expression evaluated first and cast to its parameter's type; DEALLOCATE closes it.
 */
final class SqlPreparedStatements {

    /** What PostgreSQL lets PREPARE hold (PreparableStmt in its grammar). */
    private static final Set<String> PREPARABLE = Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "VALUES", "WITH", "TABLE", "MERGE");

    /** A statement EXECUTE runs, and its parameters as a Bind message would carry them: text, and the type of each. */
    record Execution(PreparedQuery query, byte[][] values, int[] types) {

        /** Binds the values to the statement borrowed for a portal, as Bind does. */
        void bind(java.sql.PreparedStatement ps, borealis.engine.pg.types.DateOrder order) throws SQLException {
            for (int i = 0; i < values.length; i++) {
                borealis.engine.pg.types.PgValues.bind(ps, i + 1, types[i], false, values[i], order);
            }
        }
    }

    private SqlPreparedStatements() {}

    static void prepare(String sql, NamedStatements named, Connection conn) throws SQLException {
        List<SqlLexer.Token> code = statementCode(sql);
        if (code.size() < 2 || !isName(code.get(1))) {
            throw syntax(code, 1);
        }
        String name = Command.classify(sql).name();
        int i = 2;
        List<Integer> types = new ArrayList<>();
        if (i < code.size() && code.get(i).kind() == SqlLexer.Kind.LPAREN) {
            int close = closing(code, i);
            for (String type : items(sql, code, i, close)) {
                int oid = SqlTranslator.typeOid(type);
                if (oid < 0) {
                    throw new PgException(PgError.error("42704", "type \"" + type + "\" does not exist"));
                }
                types.add(oid);
            }
            i = close + 1;
        }
        if (i + 1 >= code.size() || !code.get(i).is("AS")) {
            throw syntax(code, i);
        }
        SqlLexer.Token first = code.get(i + 1);
        if (!PREPARABLE.contains(first.keyword()) && first.kind() != SqlLexer.Kind.LPAREN) {
            throw syntax(code, i + 1);
        }
        int[] declared = types.stream().mapToInt(Integer::intValue).toArray();
        String statement = sql.substring(first.start(), code.get(code.size() - 1).end());
        named.prepareFromSql(name, sql.strip(), statement, declared);
    }

    /** EXECUTE name [(value, ...)]: the statement and its parameters' values. */
    static Execution execution(String sql, NamedStatements named, Connection conn) throws SQLException {
        List<SqlLexer.Token> code = statementCode(sql);
        if (code.size() < 2 || !isName(code.get(1))) {
            throw syntax(code, 1);
        }
        String name = Command.classify(sql).name();
        PreparedQuery q = named.named(name);
        List<String> args = List.of();
        if (code.size() > 2) {
            if (code.get(2).kind() != SqlLexer.Kind.LPAREN || closing(code, 2) != code.size() - 1) {
                throw syntax(code, 2);
            }
            args = items(sql, code, 2, code.size() - 1);
        }
        if (args.size() != q.parameterCount) {
            throw new PgException(new PgError("ERROR", "42601", "wrong number of parameters for prepared statement \"" + name + "\"",
                    "Expected " + q.parameterCount + " parameters but got " + args.size() + ".", null));
        }
        byte[][] values = new byte[args.size()][];
        if (args.isEmpty()) {
            return new Execution(q, values, new int[0]);
        }
        int[] types = q.parameterTypes(conn, pg -> SqlTranslator.translate(pg, named.lookup()).engineSql()).clone();
        StringBuilder select = new StringBuilder("SELECT ");
        for (int a = 0; a < args.size(); a++) {
            String type = typeName(a < types.length ? types[a] : 0);
            select.append(a > 0 ? ", " : "").append('(').append(args.get(a)).append(')').append(type == null ? "" : "::" + type);
        }
        // the values are the client's own expressions, run with its own rights, as a SELECT of them would be
        String engineSql = SqlTranslator.translate(select.toString(), named.lookup()).engineSql();
        try (PreparedStatement ps = conn.prepareStatement(engineSql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            for (int a = 0; a < values.length; a++) {
                if (types[a] == 0) {
                    types[a] = PgType.oidOf(rs.getMetaData(), a + 1);
                }
                // the value's text (a timestamptz with its offset), read back as the parameter's type
                values[a] = borealis.engine.pg.types.PgValues.encode(rs, a + 1, types[a], false);
            }
        }
        return new Execution(q, values, types);
    }

    /** The name a parameter's type is cast to, or null (not known: the value goes as it is). */
    private static String typeName(int oid) {
        PgType t = PgType.byOid(oid);
        if (t != null) {
            return t.typname;
        }
        PgType element = PgType.elementOfArray(oid);
        return element == null ? null : element.typname + "[]";
    }

    /** The statement's code tokens without the semicolons that end it. */
    private static List<SqlLexer.Token> statementCode(String sql) {
        List<SqlLexer.Token> code = new ArrayList<>(SqlLexer.code(sql));
        while (!code.isEmpty() && code.get(code.size() - 1).kind() == SqlLexer.Kind.SEMICOLON) {
            code.remove(code.size() - 1);
        }
        return code;
    }

    private static boolean isName(SqlLexer.Token t) {
        return t.kind() == SqlLexer.Kind.WORD || t.kind() == SqlLexer.Kind.QUOTED_IDENT;
    }

    private static int closing(List<SqlLexer.Token> code, int open) {
        int depth = 0;
        for (int i = open; i < code.size(); i++) {
            SqlLexer.Kind k = code.get(i).kind();
            if (k == SqlLexer.Kind.LPAREN) {
                depth++;
            } else if (k == SqlLexer.Kind.RPAREN && --depth == 0) {
                return i;
            }
        }
        throw new PgException(PgError.error("42601", "syntax error at end of input"));
    }

    /** The comma-separated items between the parentheses at {@code open} and {@code close}, as written. */
    private static List<String> items(String sql, List<SqlLexer.Token> code, int open, int close) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int from = open + 1;
        for (int i = open + 1; i <= close; i++) {
            SqlLexer.Kind k = code.get(i).kind();
            String text = code.get(i).text();
            if (k == SqlLexer.Kind.LPAREN || k == SqlLexer.Kind.OPERATOR && text.equals("[")) {
                depth++;
            } else if ((k == SqlLexer.Kind.RPAREN || k == SqlLexer.Kind.OPERATOR && text.equals("]")) && depth > 0) {
                depth--;
            } else if (depth == 0 && (i == close || k == SqlLexer.Kind.COMMA)) {
                if (i == from) {
                    throw syntax(code, i);
                }
                out.add(sql.substring(code.get(from).start(), code.get(i - 1).end()).strip());
                from = i + 1;
            }
        }
        return out;
    }

    private static PgException syntax(List<SqlLexer.Token> code, int at) {
        return new PgException(PgError.error("42601", at < code.size()
                ? "syntax error at or near \"" + code.get(at).text() + "\"" : "syntax error at end of input"));
    }
}
