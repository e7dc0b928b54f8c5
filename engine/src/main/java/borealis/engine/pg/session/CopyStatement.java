package borealis.engine.pg.session;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import borealis.engine.pg.sql.QualifiedName;
import borealis.engine.pg.sql.SqlLexer;
import borealis.engine.pg.sql.SqlQuoting;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A parsed COPY statement: {@code COPY table [(cols)] FROM STDIN} or {@code COPY {table [(cols)] |
 * (query)} TO STDOUT}, with its options in either the modern {@code WITH (FORMAT csv, HEADER)} or
 * the legacy {@code WITH CSV HEADER DELIMITER ','} form. Files and programs on the server are
 * refused: a tenant never reaches the host.
 */
record CopyStatement(boolean in, QualifiedName table, List<String> columns, String query, boolean csv, char delimiter, String nullString,
                     boolean header, char quote, char escape, boolean binary) {

    static CopyStatement parse(String sql) {
        List<SqlLexer.Token> t = SqlLexer.code(sql);
        int i = 1;
        QualifiedName table = null;
        String query = null;
        List<String> columns = new ArrayList<>();
        if (i < t.size() && t.get(i).kind() == SqlLexer.Kind.LPAREN) {
            int depth = 0;
            int start = t.get(i).end();
            int j = i;
            for (; j < t.size(); j++) {
                if (t.get(j).kind() == SqlLexer.Kind.LPAREN) {
                    depth++;
                } else if (t.get(j).kind() == SqlLexer.Kind.RPAREN && --depth == 0) {
                    break;
                }
            }
            query = sql.substring(start, t.get(j).start());
            i = j + 1;
        } else {
            StringBuilder name = new StringBuilder();
            while (i < t.size() && (t.get(i).kind() == SqlLexer.Kind.WORD || t.get(i).kind() == SqlLexer.Kind.QUOTED_IDENT
                    || t.get(i).text().equals(".")) && !t.get(i).is("FROM") && !t.get(i).is("TO")) {
                name.append(t.get(i).text());
                i++;
            }
            try {
                table = QualifiedName.parse(name.toString());
            } catch (java.sql.SQLException e) {
                throw syntax();
            }
            if (i < t.size() && t.get(i).kind() == SqlLexer.Kind.LPAREN) {
                i++;
                while (i < t.size() && t.get(i).kind() != SqlLexer.Kind.RPAREN) {
                    if (t.get(i).kind() == SqlLexer.Kind.WORD || t.get(i).kind() == SqlLexer.Kind.QUOTED_IDENT) {
                        columns.add(identifier(t.get(i)));
                    }
                    i++;
                }
                i++;
            }
        }
        if (i >= t.size() || !(t.get(i).is("FROM") || t.get(i).is("TO"))) {
            throw syntax();
        }
        boolean in = t.get(i).is("FROM");
        i++;
        if (i >= t.size()) {
            throw syntax();
        }
        if (!(t.get(i).is("STDIN") || t.get(i).is("STDOUT"))) {
            throw new PgException(PgError.error("42501", "must be superuser or have privileges of the pg_"
                    + (in ? "read" : "write") + "_server_files role to COPY " + (in ? "from" : "to") + " a file"));
        }
        if (in && query != null) {
            throw new PgException(PgError.error("42601", "COPY (query) FROM is not supported"));
        }
        i++;
        boolean csv = false;
        boolean header = false;
        Character delimiter = null;
        String nullString = null;
        char quote = '"';
        Character escape = null;
        boolean binary = false;
        if (i < t.size() && t.get(i).is("WITH")) {
            i++;
        }
        boolean modern = i < t.size() && t.get(i).kind() == SqlLexer.Kind.LPAREN;
        if (modern) {
            i++;
        }
        while (i < t.size() && t.get(i).kind() != SqlLexer.Kind.RPAREN) {
            SqlLexer.Token k = t.get(i);
            String opt = k.keyword();
            if (!modern && i + 2 < t.size() && t.get(i + 1).is("AS") && t.get(i + 2).kind() == SqlLexer.Kind.STRING) {
                i++; // the legacy form's optional AS: DELIMITER AS '\t' NULL AS '\N' (psycopg2's copy_from)
            }
            String value = i + 1 < t.size() ? t.get(i + 1).text() : null;
            boolean hasValue = value != null && t.get(i + 1).kind() != SqlLexer.Kind.COMMA && t.get(i + 1).kind() != SqlLexer.Kind.RPAREN
                    && (modern || t.get(i + 1).kind() == SqlLexer.Kind.STRING);
            switch (opt) {
                case "FORMAT" -> {
                    String f = unquote(value).toLowerCase(Locale.ROOT);
                    if (!f.equals("text") && !f.equals("csv") && !f.equals("binary")) {
                        throw new PgException(PgError.error("22023", "COPY format \"" + f + "\" not recognized"));
                    }
                    csv = f.equals("csv");
                    binary = f.equals("binary");
                }
                case "CSV" -> csv = true;
                case "BINARY" -> binary = true;
                case "HEADER" -> header = !hasValue || isTrue(value);
                case "DELIMITER" -> delimiter = unquote(value).charAt(0);
                case "NULL" -> nullString = unquote(value);
                case "QUOTE" -> quote = unquote(value).charAt(0);
                case "ESCAPE" -> escape = unquote(value).charAt(0);
                case "FREEZE", "ENCODING", "FORCE_QUOTE", "FORCE_NOT_NULL", "FORCE_NULL", "OIDS" -> { }
                case "" -> { }
                default -> { }
            }
            i += hasValue && !opt.equals("CSV") ? 2 : 1;
            if (i < t.size() && t.get(i).kind() == SqlLexer.Kind.COMMA) {
                i++;
            }
        }
        char delim = delimiter != null ? delimiter : csv ? ',' : '\t';
        String nul = nullString != null ? nullString : csv ? "" : "\\N";
        if (binary && (csv || delimiter != null || nullString != null || header)) {
            throw new PgException(PgError.error("42601", "cannot specify " + (csv ? "CSV" : delimiter != null ? "DELIMITER"
                    : nullString != null ? "NULL" : "HEADER") + " in BINARY mode"));
        }
        return new CopyStatement(in, table, columns, query, csv, delim, nul, header, quote, escape != null ? escape : quote, binary);
    }

    private static boolean isTrue(String v) {
        String s = unquote(v).toLowerCase(Locale.ROOT);
        return s.equals("true") || s.equals("on") || s.equals("1") || s.equals("t");
    }

    private static String unquote(String v) {
        if (v == null) {
            throw syntax();
        }
        if (v.startsWith("'") || v.startsWith("E'") || v.startsWith("e'")) {
            int start = v.indexOf('\'') + 1;
            String body = v.substring(start, v.length() - 1).replace("''", "'");
            if (v.startsWith("E") || v.startsWith("e")) {
                body = body.replace("\\t", "\t").replace("\\n", "\n").replace("\\\\", "\\");
            }
            return body;
        }
        return v;
    }

    private static PgException syntax() {
        return new PgException(PgError.error("42601", "syntax error in COPY statement"));
    }

    /** An identifier token's name, folded as PostgreSQL folds it. */
    private static String identifier(SqlLexer.Token k) {
        if (k.kind() == SqlLexer.Kind.QUOTED_IDENT) {
            return k.text().substring(1, k.text().length() - 1).replace("\"\"", "\"");
        }
        return k.text().toLowerCase(Locale.ROOT);
    }

    /** The SELECT whose rows COPY TO writes. */
    String selectSql() {
        if (query != null) {
            return query;
        }
        return "SELECT " + (columns.isEmpty() ? "*" : SqlQuoting.identifiers(columns)) + " FROM "
                + SqlQuoting.qualified(table.schema(), table.name());
    }
}
