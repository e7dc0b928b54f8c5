package borealis.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The build's check that no SQL text is built by concatenating something that is not a constant:
 * in the main sources of the engine and the actors, a string literal that starts like a SQL
 * statement or holds a SQL clause (upper case: the style of every statement we write) may be joined only with string literals, constants
 * (UPPER_CASE names), numbers and {@code SqlQuoting.*(...)} calls. A statement that must join
 * something else (a value computed by our code, never by a client) says why on its line with
 * {@code // sql-built: <reason>}. The SQL translator (engine/pg/sql) is exempt: it re-emits the
 * client's lexed tokens by design, and StatementGuard checks what it hands to H2.
 */
class SqlConcatenationScanTest {

    private static final Pattern SQL_LITERAL = Pattern.compile(
            "\"\\s*(SELECT|INSERT|UPDATE|DELETE|ALTER|CREATE|DROP|SET|GRANT|REVOKE|CALL|WITH|MERGE|TRUNCATE|COMMENT|EXPLAIN|RUNSCRIPT"
                    + "|SCRIPT|BACKUP|SHUTDOWN|VALUES)\\b[^\"]*\"|\"[^\"]*\\b(FROM|WHERE|INTO|VALUES|AND|OR|JOIN|ON|RESTART WITH|PASSWORD)\\s[^\"]*\"");
    private static final Pattern SAFE_OPERAND = Pattern.compile(
            "\"(?:[^\"\\\\]|\\\\.)*\"|'.'|[A-Z][A-Z0-9_]*|(?:[A-Za-z_][A-Za-z0-9_]*\\.)+[A-Z][A-Z0-9_]*|\\d+|SqlQuoting\\.\\w+\\(.*");

    @Test
    void noSqlIsBuiltFromVariables() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path root : List.of(Path.of("src/main/java"), Path.of("../actors/src/main/java"))) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    if (f.toString().replace('\\', '/').contains("borealis/engine/pg/sql/")) {
                        continue;
                    }
                    offenders.addAll(scan(f));
                }
            }
        }
        assertEquals(List.of(), offenders, "SQL built by concatenation: bind it, quote it with SqlQuoting, or say why");
    }

    @Test
    void theScanFindsAConcatenatedName() {
        assertTrue(!statementOffends("s.execute(\"ALTER SEQUENCE \" + SqlQuoting.identifier(n) + \" RESTART WITH 1\");"));
        assertTrue(statementOffends("s.execute(\"ALTER SEQUENCE \" + sequence + \" RESTART WITH \" + next);"));
        assertTrue(statementOffends("String sql = \"SELECT * FROM t WHERE s = '\" + schema.replace(\"'\", \"''\") + \"'\";"));
        assertTrue(!statementOffends("String sql = \"SELECT oid FROM \" + CatalogNames.SCHEMA + \".pg_class WHERE relname = ?\";"));
        assertTrue(!statementOffends("throw new SQLException(\"relation \" + name + \" does not exist\");"));
        assertTrue(statementOffends("return \"SELECT * FROM \" + table;"));
        assertTrue(!statementOffends("return \"SELECT \" + (cols.isEmpty() ? \"*\" : SqlQuoting.identifiers(cols)) + \" FROM t\";"));
    }

    private static List<String> scan(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        StringBuilder statement = new StringBuilder();
        int startLine = 1;
        boolean reviewed = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String code = line.replaceAll("//.*$", "").trim();
            if (code.startsWith("*") || code.startsWith("/*")) {
                continue;
            }
            if (statement.length() == 0) {
                startLine = i + 1;
            }
            statement.append(' ').append(code);
            reviewed |= line.contains("// sql-built:");
            if (code.endsWith(";") || code.endsWith("{") || code.endsWith("}")) {
                if (!reviewed && statementOffends(statement.toString())) {
                    out.add(file + ":" + startLine);
                }
                statement.setLength(0);
                reviewed = false;
            }
        }
        return out;
    }

    static boolean statementOffends(String statement) {
        Matcher sql = SQL_LITERAL.matcher(statement);
        while (sql.find()) {
            for (String operand : operands(statement, sql.start())) {
                if (!safe(operand)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A safe operand, or a parenthesised {@code cond ? a : b} whose branches are safe. */
    private static boolean safe(String operand) {
        if (SAFE_OPERAND.matcher(operand).matches()) {
            return true;
        }
        if (operand.startsWith("(") && operand.endsWith(")")) {
            String inner = operand.substring(1, operand.length() - 1);
            int q = inner.indexOf(" ? ");
            int c = inner.lastIndexOf(" : ");
            return q > 0 && c > q && safe(inner.substring(q + 3, c).trim()) && safe(inner.substring(c + 3).trim());
        }
        return false;
    }

    /**
     * The operands of the '+' chain a string literal at {@code at} belongs to: the expression is
     * walked left and right of the literal, at its own parenthesis depth, up to a ',', an unmatched
     * parenthesis, a ';' or a '?:' branch.
     */
    static List<String> operands(String s, int at) {
        int begin = at;
        int depth = 0;
        for (int i = at - 1; i >= 0; i--) {
            char c = s.charAt(i);
            if (c == ')') {
                depth++;
            } else if (c == '(') {
                if (depth == 0) {
                    break;
                }
                depth--;
            } else if (depth == 0 && (c == ',' || c == ';' || c == '=' || c == '?' || c == ':' || c == '{' || c == '}')) {
                break;
            } else if (c == '"') {
                int open = s.lastIndexOf('"', i - 1);
                i = open < 0 ? 0 : open;
            }
            begin = i;
        }
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        depth = 0;
        for (int i = begin; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                int close = i + 1;
                while (close < s.length() && s.charAt(close) != '"') {
                    close += s.charAt(close) == '\\' ? 2 : 1;
                }
                cur.append(s, i, Math.min(close + 1, s.length()));
                i = close;
                continue;
            }
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                if (depth == 0) {
                    break;
                }
                depth--;
            } else if (depth == 0 && (c == ',' || c == ';' || c == '?' || c == ':' || c == '{' || c == '}')) {
                break;
            } else if (depth == 0 && c == '+') {
                out.add(cur.toString().trim());
                cur.setLength(0);
                continue;
            }
            cur.append(c);
        }
        out.add(cur.toString().trim());
        if (!out.isEmpty()) {
            out.set(0, out.get(0).replaceFirst("^(return|throw)\\s+", ""));
        }
        return out.size() > 1 ? out : List.of();
    }

    private static int count(String s, char c) {
        return (int) s.chars().filter(x -> x == c).count();
    }
}
