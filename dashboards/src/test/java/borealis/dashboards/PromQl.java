package borealis.dashboards;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Just enough of a PromQL lexer and parser to name the metrics a query selects: identifiers are
 * metric names unless they call a function or aggregation, are keywords, or are label names
 * (inside a selector's braces or the parenthesized list of {@code by}, {@code without}, {@code on},
 * {@code ignoring}, {@code group_left}, {@code group_right}). Grafana's variables are replaced
 * before parsing, as Grafana would.
 */
final class PromQl {

    enum Kind { IDENT, STRING, NUMBER, DURATION, LPAREN, RPAREN, LBRACE, RBRACE, LBRACKET, RBRACKET, COMMA, OP }

    record Token(Kind kind, String text) {}

    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "offset", "bool", "inf", "nan");
    /** Aggregation operators may take their by/without clause before the parenthesis: sum by (x) (...). */
    private static final Set<String> AGGREGATIONS = Set.of("sum", "avg", "min", "max", "count", "stddev", "stdvar", "topk",
            "bottomk", "quantile", "count_values", "group", "limitk", "limit_ratio");
    private static final Set<String> LABEL_LIST_KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

    private PromQl() {}

    /** Replaces Grafana's built-in and template variables with values PromQL accepts. */
    static String substituteGrafanaVariables(String expr) {
        return expr.replace("$__rate_interval", "1m").replace("$__interval", "1m").replace("$__range", "5m")
                .replaceAll("\\$\\{[A-Za-z0-9_:]+}", "x").replaceAll("\\$[A-Za-z_][A-Za-z0-9_]*", "x");
    }

    static List<Token> tokenize(String q) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        while (i < q.length()) {
            char c = q.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#') {
                while (i < q.length() && q.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '"' || c == '\'' || c == '`') {
                int j = i + 1;
                while (j < q.length() && q.charAt(j) != c) {
                    j += q.charAt(j) == '\\' && c != '`' ? 2 : 1;
                }
                if (j >= q.length()) {
                    throw new IllegalArgumentException("unterminated string in: " + q);
                }
                out.add(new Token(Kind.STRING, q.substring(i, j + 1)));
                i = j + 1;
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < q.length() && Character.isDigit(q.charAt(i + 1)))) {
                int j = i;
                while (j < q.length() && (Character.isLetterOrDigit(q.charAt(j)) || q.charAt(j) == '.')) {
                    j++;
                }
                String t = q.substring(i, j);
                out.add(new Token(t.matches("(\\d+(ms|s|m|h|d|w|y))+") ? Kind.DURATION : Kind.NUMBER, t));
                i = j;
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                int j = i;
                while (j < q.length() && (Character.isLetterOrDigit(q.charAt(j)) || q.charAt(j) == '_' || q.charAt(j) == ':')) {
                    j++;
                }
                out.add(new Token(Kind.IDENT, q.substring(i, j)));
                i = j;
            } else {
                Kind k = switch (c) {
                    case '(' -> Kind.LPAREN;
                    case ')' -> Kind.RPAREN;
                    case '{' -> Kind.LBRACE;
                    case '}' -> Kind.RBRACE;
                    case '[' -> Kind.LBRACKET;
                    case ']' -> Kind.RBRACKET;
                    case ',' -> Kind.COMMA;
                    default -> Kind.OP;
                };
                int j = i + 1;
                if (k == Kind.OP) {
                    while (j < q.length() && "=!~<>".indexOf(q.charAt(j)) >= 0 && "=!<>".indexOf(c) >= 0) {
                        j++;
                    }
                    if ("+-*/%^=!~<>@".indexOf(c) < 0) {
                        throw new IllegalArgumentException("unexpected character '" + c + "' in: " + q);
                    }
                }
                out.add(new Token(k, q.substring(i, j)));
                i = j;
            }
        }
        return out;
    }

    /** The metric names a query selects, in order of appearance. */
    static Set<String> metricNames(String expr) {
        List<Token> t = tokenize(substituteGrafanaVariables(expr));
        Set<String> names = new LinkedHashSet<>();
        int braceDepth = 0;
        int bracketDepth = 0;
        // Paren depth at which a label list (by/without/on/...) opened, or -1.
        int labelListDepth = -1;
        int parenDepth = 0;
        for (int i = 0; i < t.size(); i++) {
            Token tok = t.get(i);
            switch (tok.kind()) {
                case LBRACE -> braceDepth++;
                case RBRACE -> braceDepth--;
                case LBRACKET -> bracketDepth++;
                case RBRACKET -> bracketDepth--;
                case LPAREN -> parenDepth++;
                case RPAREN -> {
                    parenDepth--;
                    if (labelListDepth >= 0 && parenDepth < labelListDepth) {
                        labelListDepth = -1;
                    }
                }
                case IDENT -> {
                    String id = tok.text();
                    boolean call = i + 1 < t.size() && (t.get(i + 1).kind() == Kind.LPAREN
                            || AGGREGATIONS.contains(id.toLowerCase()) && t.get(i + 1).kind() == Kind.IDENT
                            && LABEL_LIST_KEYWORDS.contains(t.get(i + 1).text().toLowerCase()));
                    if (LABEL_LIST_KEYWORDS.contains(id.toLowerCase())) {
                        if (call) {
                            labelListDepth = parenDepth + 1;
                        }
                        continue;
                    }
                    if (braceDepth > 0 || bracketDepth > 0 || labelListDepth >= 0 || call || KEYWORDS.contains(id.toLowerCase())) {
                        continue;
                    }
                    names.add(id);
                }
                default -> { }
            }
            if (braceDepth < 0 || parenDepth < 0 || bracketDepth < 0) {
                throw new IllegalArgumentException("unbalanced brackets in: " + expr);
            }
        }
        if (braceDepth != 0 || parenDepth != 0 || bracketDepth != 0) {
            throw new IllegalArgumentException("unbalanced brackets in: " + expr);
        }
        return names;
    }

    /** A histogram's series names end in _bucket, _sum or _count; the family is the base name. */
    static String family(String seriesName) {
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
            if (seriesName.endsWith(suffix)) {
                return seriesName.substring(0, seriesName.length() - suffix.length());
            }
        }
        return seriesName;
    }
}
