package borealis.engine.pg.catalog;

import borealis.engine.pg.catalog.JsonPath.Node;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads SQL/JSON path text as PostgreSQL 15's jsonpath grammar does: an optional {@code lax} or
 * {@code strict} mode, then an expression or a predicate. Expressions are accessor chains on
 * {@code $}, {@code @}, {@code $var}, literals or {@code last} ({@code .key}, {@code ."key"},
 * {@code .*}, {@code [*]}, {@code [1, 2 to last]}, {@code .**{1 to 2}}, {@code .method()},
 * {@code ? (predicate)}) joined by arithmetic; predicates compare, test with {@code exists},
 * {@code like_regex}, {@code starts with}, {@code is unknown}, and combine with &&, ||, !.
 */
final class JsonPathParser {

    private final String text;
    private int pos;

    private JsonPathParser(String text) {
        this.text = text;
    }

    static JsonPath parse(String text) throws SQLException {
        JsonPathParser p = new JsonPathParser(text);
        boolean strict = false;
        p.space();
        if (p.keywordAhead("strict")) {
            p.pos += 6;
            strict = true;
        } else if (p.keywordAhead("lax")) {
            p.pos += 3;
        }
        Node root = p.or();
        p.space();
        if (p.pos < text.length()) {
            throw p.syntax("syntax error at or near \"" + text.substring(p.pos, Math.min(text.length(), p.pos + 10)) + "\"");
        }
        return new JsonPath(root, strict);
    }

    private SQLException syntax(String message) {
        return new SQLException(message + " of jsonpath input", "42601");
    }

    private void space() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private boolean ahead(String s) {
        space();
        return text.startsWith(s, pos);
    }

    private boolean take(String s) {
        if (ahead(s)) {
            pos += s.length();
            return true;
        }
        return false;
    }

    private void expect(String s) throws SQLException {
        if (!take(s)) {
            throw syntax(pos >= text.length() ? "syntax error at end" : "syntax error at or near \"" + text.charAt(pos) + "\"");
        }
    }

    private boolean keywordAhead(String word) {
        space();
        if (!text.regionMatches(true, pos, word, 0, word.length())) {
            return false;
        }
        int end = pos + word.length();
        return end >= text.length() || !isIdentifierPart(text.charAt(end));
    }

    private boolean takeKeyword(String word) {
        if (keywordAhead(word)) {
            pos += word.length();
            return true;
        }
        return false;
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private Node or() throws SQLException {
        Node left = and();
        while (take("||")) {
            left = new JsonPath.Or(left, and());
        }
        return left;
    }

    private Node and() throws SQLException {
        Node left = not();
        while (take("&&")) {
            left = new JsonPath.And(left, not());
        }
        return left;
    }

    private Node not() throws SQLException {
        if (ahead("!") && !ahead("!=")) {
            pos++;
            return new JsonPath.Not(not());
        }
        Node n = comparison();
        if (takeKeyword("is")) {
            if (!takeKeyword("unknown")) {
                throw syntax("syntax error at or near \"is\"");
            }
            n = new JsonPath.IsUnknown(n);
        }
        return n;
    }

    private Node comparison() throws SQLException {
        Node left = additive();
        for (String op : new String[] {"==", "!=", "<>", "<=", ">=", "<", ">"}) {
            if (take(op)) {
                return new JsonPath.Compare(op.equals("<>") ? "!=" : op, left, additive());
            }
        }
        if (takeKeyword("like_regex")) {
            String pattern = string();
            String flags = takeKeyword("flag") ? string() : "";
            return new JsonPath.LikeRegex(left, JsonPathItems.regex(pattern, flags));
        }
        if (takeKeyword("starts")) {
            if (!takeKeyword("with")) {
                throw syntax("syntax error at or near \"starts\"");
            }
            return new JsonPath.StartsWith(left, additive());
        }
        return left;
    }

    private Node additive() throws SQLException {
        Node left = multiplicative();
        while (true) {
            if (take("+")) {
                left = new JsonPath.Arith('+', left, multiplicative());
            } else if (ahead("-")) {
                pos++;
                left = new JsonPath.Arith('-', left, multiplicative());
            } else {
                return left;
            }
        }
    }

    private Node multiplicative() throws SQLException {
        Node left = unary();
        while (true) {
            if (ahead("*") && !ahead("**")) {
                pos++;
                left = new JsonPath.Arith('*', left, unary());
            } else if (take("/")) {
                left = new JsonPath.Arith('/', left, unary());
            } else if (take("%")) {
                left = new JsonPath.Arith('%', left, unary());
            } else {
                return left;
            }
        }
    }

    private Node unary() throws SQLException {
        if (take("+")) {
            return new JsonPath.Unary('+', unary());
        }
        if (take("-")) {
            return new JsonPath.Unary('-', unary());
        }
        return accessors(primary());
    }

    private Node primary() throws SQLException {
        space();
        if (pos >= text.length()) {
            throw syntax("syntax error at end");
        }
        char c = text.charAt(pos);
        if (c == '$') {
            pos++;
            if (pos < text.length() && text.charAt(pos) == '"') {
                return new JsonPath.Variable(string());
            }
            int start = pos;
            while (pos < text.length() && isIdentifierPart(text.charAt(pos))) {
                pos++;
            }
            return start == pos ? new JsonPath.Root() : new JsonPath.Variable(text.substring(start, pos));
        }
        if (c == '@') {
            pos++;
            return new JsonPath.Current();
        }
        if (c == '"') {
            return new JsonPath.Literal(JsonTree.Raw.string(string()));
        }
        if (c == '(') {
            pos++;
            Node n = or();
            expect(")");
            return n;
        }
        if (Character.isDigit(c) || c == '.' && pos + 1 < text.length() && Character.isDigit(text.charAt(pos + 1))) {
            return new JsonPath.Literal(new JsonTree.Raw(number().toString()));
        }
        if (takeKeyword("true")) {
            return new JsonPath.Literal(new JsonTree.Raw("true"));
        }
        if (takeKeyword("false")) {
            return new JsonPath.Literal(new JsonTree.Raw("false"));
        }
        if (takeKeyword("null")) {
            return new JsonPath.Literal(JsonTree.Raw.NULL);
        }
        if (takeKeyword("last")) {
            return new JsonPath.Last();
        }
        if (takeKeyword("exists")) {
            expect("(");
            Node n = or();
            expect(")");
            return new JsonPath.Exists(n);
        }
        throw syntax("syntax error at or near \"" + c + "\"");
    }

    private Node accessors(Node base) throws SQLException {
        Node n = base;
        while (true) {
            space();
            if (take("[")) {
                n = subscripts(n);
            } else if (ahead("?") ) {
                pos++;
                expect("(");
                Node predicate = or();
                expect(")");
                n = new JsonPath.Filter(n, predicate);
            } else if (ahead(".") && !(pos + 1 < text.length() && Character.isDigit(text.charAt(pos + 1)))) {
                pos++;
                n = member(n);
            } else {
                return n;
            }
        }
    }

    private Node member(Node base) throws SQLException {
        if (take("**")) {
            int from = 0;
            int to = Integer.MAX_VALUE;
            if (take("{")) {
                from = level();
                to = takeKeyword("to") ? level() : from;
                expect("}");
            }
            return new JsonPath.AnyLevel(base, from, to);
        }
        if (take("*")) {
            return new JsonPath.AnyMember(base);
        }
        space();
        String key;
        if (pos < text.length() && text.charAt(pos) == '"') {
            key = string();
        } else {
            int start = pos;
            while (pos < text.length() && (isIdentifierPart(text.charAt(pos)) || text.charAt(pos) == '$')) {
                pos++;
            }
            if (start == pos) {
                throw syntax(pos >= text.length() ? "syntax error at end" : "syntax error at or near \"" + text.charAt(pos) + "\"");
            }
            key = text.substring(start, pos);
            if (ahead("(")) {
                pos++;
                String argument = ahead("\"") ? string() : null;
                expect(")");
                return new JsonPath.Method(base, key.toLowerCase(java.util.Locale.ROOT), argument);
            }
        }
        return new JsonPath.Member(base, key);
    }

    private int level() throws SQLException {
        if (takeKeyword("last")) {
            return -1;
        }
        space();
        int start = pos;
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
            pos++;
        }
        if (start == pos) {
            throw syntax("syntax error at or near \"" + (pos < text.length() ? text.charAt(pos) : ' ') + "\"");
        }
        return Integer.parseInt(text.substring(start, pos));
    }

    private Node subscripts(Node base) throws SQLException {
        if (take("*")) {
            expect("]");
            return new JsonPath.AnyElement(base);
        }
        List<Node[]> ranges = new ArrayList<>();
        do {
            Node from = additive();
            Node to = takeKeyword("to") ? additive() : null;
            ranges.add(new Node[] {from, to});
        } while (take(","));
        expect("]");
        return new JsonPath.Elements(base, ranges);
    }

    private BigDecimal number() throws SQLException {
        int start = pos;
        while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
            pos++;
        }
        if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            int mark = pos++;
            if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                pos++;
            }
            if (pos >= text.length() || !Character.isDigit(text.charAt(pos))) {
                pos = mark;
            }
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
            }
        }
        if (pos < text.length() && Character.isLetter(text.charAt(pos))) {
            throw syntax("trailing junk after numeric literal at or near \"" + text.substring(start, pos + 1) + "\"");
        }
        try {
            return new BigDecimal(text.substring(start, pos));
        } catch (NumberFormatException e) {
            throw syntax("syntax error at or near \"" + text.substring(start, pos) + "\"");
        }
    }

    private String string() throws SQLException {
        space();
        if (pos >= text.length() || text.charAt(pos) != '"') {
            throw syntax("syntax error at or near \"" + (pos < text.length() ? text.charAt(pos) : ' ') + "\"");
        }
        pos++;
        StringBuilder out = new StringBuilder();
        while (pos < text.length() && text.charAt(pos) != '"') {
            char c = text.charAt(pos++);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (pos >= text.length()) {
                break;
            }
            char e = text.charAt(pos++);
            switch (e) {
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'v' -> out.append('\u000B');
                case 'u' -> {
                    if (pos < text.length() && text.charAt(pos) == '{') {
                        int close = text.indexOf('}', pos);
                        out.appendCodePoint(Integer.parseInt(text.substring(pos + 1, close), 16));
                        pos = close + 1;
                    } else {
                        out.append((char) Integer.parseInt(text.substring(pos, Math.min(text.length(), pos + 4)), 16));
                        pos += 4;
                    }
                }
                case 'x' -> {
                    out.append((char) Integer.parseInt(text.substring(pos, Math.min(text.length(), pos + 2)), 16));
                    pos += 2;
                }
                default -> out.append(e);
            }
        }
        if (pos >= text.length()) {
            throw syntax("unterminated quoted string");
        }
        pos++;
        return out.toString();
    }
}
