package borealis.engine.pg.catalog;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A parsed SQL/JSON path ({@link JsonPathParser}) and its evaluation over a document as
 * {@link JsonTree} holds it, with PostgreSQL 15's semantics: an expression yields a sequence of
 * items; a predicate is true, false or unknown, and comparisons are existential over both
 * sequences. In lax mode (the default) arrays are unwrapped for member access, filters and
 * comparisons, a non-array is wrapped for [*] and subscripts, and structural errors (a missing key,
 * a subscript out of range) yield nothing; strict mode raises them.
 */
final class JsonPath {

    /** A path expression node. */
    sealed interface Node permits Root, Current, Variable, Literal, Last, Member, AnyMember, AnyElement, Elements, AnyLevel, Method,
            Filter, Arith, Unary, Compare, And, Or, Not, IsUnknown, Exists, LikeRegex, StartsWith {}

    record Root() implements Node {}
    record Current() implements Node {}
    record Variable(String name) implements Node {}
    record Literal(JsonTree.Raw value) implements Node {}
    record Last() implements Node {}
    record Member(Node base, String key) implements Node {}
    record AnyMember(Node base) implements Node {}
    record AnyElement(Node base) implements Node {}
    record Elements(Node base, List<Node[]> ranges) implements Node {}
    record AnyLevel(Node base, int from, int to) implements Node {}
    record Method(Node base, String name, String argument) implements Node {}
    record Filter(Node base, Node predicate) implements Node {}
    record Arith(char op, Node left, Node right) implements Node {}
    record Unary(char op, Node operand) implements Node {}
    record Compare(String op, Node left, Node right) implements Node {}
    record And(Node left, Node right) implements Node {}
    record Or(Node left, Node right) implements Node {}
    record Not(Node operand) implements Node {}
    record IsUnknown(Node operand) implements Node {}
    record Exists(Node operand) implements Node {}
    record LikeRegex(Node operand, Pattern pattern) implements Node {}
    record StartsWith(Node operand, Node prefix) implements Node {}

    /** A predicate's three values. */
    enum Truth { TRUE, FALSE, UNKNOWN }

    /** An error the path raised; in lax mode a structural one yields nothing instead. */
    static final class PathError extends Exception {
        final String sqlState;
        final boolean structural;
        /** Raised whatever catches it (a missing variable): predicates and silent do not turn it into unknown. */
        final boolean hard;

        PathError(String message, String sqlState, boolean structural) {
            this(message, sqlState, structural, false);
        }

        PathError(String message, String sqlState, boolean structural, boolean hard) {
            super(message, null, false, false);
            this.sqlState = sqlState;
            this.structural = structural;
            this.hard = hard;
        }

        /** Unknown, as a predicate reads an error, unless the error is a hard one. */
        Truth unknown() throws PathError {
            if (hard) {
                throw this;
            }
            return Truth.UNKNOWN;
        }

        SQLException sql() {
            return new SQLException(getMessage(), sqlState);
        }
    }

    final Node root;
    final boolean strict;

    JsonPath(Node root, boolean strict) {
        this.root = root;
        this.strict = strict;
    }

    /** Whether the path's top is a predicate (its result is one boolean, or null for unknown). */
    boolean isPredicate() {
        return isPredicate(root);
    }

    private static boolean isPredicate(Node n) {
        return n instanceof Compare || n instanceof And || n instanceof Or || n instanceof Not || n instanceof IsUnknown
                || n instanceof Exists || n instanceof LikeRegex || n instanceof StartsWith;
    }

    /** The items the path yields over {@code document} (a JsonTree), with {@code vars} an object or null. */
    List<Object> evaluate(Object document, Map<String, Object> vars) throws PathError {
        Context c = new Context(document, vars);
        if (isPredicate(root)) {
            Truth t = c.predicate(root, document);
            List<Object> out = new ArrayList<>(1);
            out.add(t == Truth.UNKNOWN ? JsonTree.Raw.NULL : new JsonTree.Raw(t == Truth.TRUE ? "true" : "false"));
            return out;
        }
        return c.items(root, document);
    }

    private final class Context {
        private final Object document;
        private final Map<String, Object> vars;
        private Integer last; // the last subscript of the array being subscripted, null outside one

        Context(Object document, Map<String, Object> vars) {
            this.document = document;
            this.vars = vars;
        }

        private PathError structural(String message, String sqlState) {
            return new PathError(message, sqlState, true);
        }

        /** A structural error: raised in strict mode, nothing in lax mode. */
        private List<Object> missing(String message, String sqlState) throws PathError {
            if (strict) {
                throw structural(message, sqlState);
            }
            return List.of();
        }

        List<Object> items(Node n, Object current) throws PathError {
            if (n instanceof Root r) {
                return List.of(document);
            }
            if (n instanceof Current r) {
                return List.of(current);
            }
            if (n instanceof Literal l) {
                return List.of(l.value());
            }
            if (n instanceof Variable v) {
                if (vars == null || !vars.containsKey(v.name())) {
                    throw new PathError("could not find jsonpath variable \"" + v.name() + "\"", "42704", false, true);
                }
                return List.of(vars.get(v.name()));
            }
            if (n instanceof Last l) {
                if (last == null) {
                    throw new PathError("evaluating jsonpath LAST outside of array subscript", "22033", false, true);
                }
                return List.of(new JsonTree.Raw(Integer.toString(last)));
            }
            if (n instanceof Member m) {
                return member(m, current);
            }
            if (n instanceof AnyMember m) {
                List<Object> out = new ArrayList<>();
                for (Object item : unwrapped(items(m.base(), current))) {
                    if (item instanceof Map<?, ?> o) {
                        out.addAll(JsonPathItems.values(o));
                    } else if (strict) {
                        throw structural("jsonpath wildcard member accessor can only be applied to an object", "2203C");
                    }
                }
                return out;
            }
            if (n instanceof AnyElement e) {
                List<Object> out = new ArrayList<>();
                for (Object item : items(e.base(), current)) {
                    if (item instanceof List<?> a) {
                        out.addAll(a);
                    } else if (strict) {
                        throw structural("jsonpath wildcard array accessor can only be applied to an array", "22039");
                    } else {
                        out.add(item);
                    }
                }
                return out;
            }
            if (n instanceof Elements e) {
                return elements(e, current);
            }
            if (n instanceof AnyLevel a) {
                List<Object> out = new ArrayList<>();
                for (Object item : items(a.base(), current)) {
                    descend(item, 0, a.from(), a.to(), out);
                }
                return out;
            }
            if (n instanceof Method m) {
                return method(m, current);
            }
            if (n instanceof Filter f) {
                List<Object> out = new ArrayList<>();
                for (Object item : unwrapped(items(f.base(), current))) {
                    if (predicate(f.predicate(), item) == Truth.TRUE) {
                        out.add(item);
                    }
                }
                return out;
            }
            if (n instanceof Arith a) {
                return List.of(arith(a, current));
            }
            if (n instanceof Unary u) {
                List<Object> out = new ArrayList<>();
                for (Object item : unwrapped(items(u.operand(), current))) {
                    BigDecimal d = JsonPathItems.number(item);
                    if (d == null) {
                        throw new PathError("operand of unary jsonpath operator " + u.op() + " is not a numeric value", "2203B", false);
                    }
                    out.add(u.op() == '-' ? JsonPathItems.numberItem(d.negate()) : item);
                }
                return out;
            }
            Truth t = predicate(n, current);
            return List.of(t == Truth.UNKNOWN ? JsonTree.Raw.NULL : new JsonTree.Raw(t == Truth.TRUE ? "true" : "false"));
        }

        /** Lax mode reads an array as its elements where an item is expected. */
        private List<Object> unwrapped(List<Object> items) {
            if (strict) {
                return items;
            }
            List<Object> out = null;
            for (int i = 0; i < items.size(); i++) {
                Object item = items.get(i);
                if (item instanceof List<?> a) {
                    if (out == null) {
                        out = new ArrayList<>(items.subList(0, i));
                    }
                    out.addAll(a);
                } else if (out != null) {
                    out.add(item);
                }
            }
            return out == null ? items : out;
        }

        private List<Object> member(Member m, Object current) throws PathError {
            List<Object> out = new ArrayList<>();
            for (Object item : unwrapped(items(m.base(), current))) {
                if (item instanceof Map<?, ?> o) {
                    if (o.containsKey(m.key())) {
                        out.add(o.get(m.key()));
                    } else if (strict) {
                        throw structural("JSON object does not contain key \"" + m.key() + "\"", "2203A");
                    }
                } else if (strict) {
                    throw structural("jsonpath member accessor can only be applied to an object", "2203A");
                }
            }
            return out;
        }

        private List<Object> elements(Elements e, Object current) throws PathError {
            List<Object> out = new ArrayList<>();
            for (Object item : items(e.base(), current)) {
                List<?> array;
                if (item instanceof List<?> a) {
                    array = a;
                } else if (strict) {
                    throw structural("jsonpath array accessor can only be applied to an array", "22039");
                } else {
                    array = List.of(item);
                }
                Integer saved = last;
                last = array.size() - 1;
                try {
                    for (Node[] range : e.ranges()) {
                        int from = subscript(range[0], item);
                        int to = range[1] == null ? from : subscript(range[1], item);
                        if (from < 0 || to >= array.size() || from > to) {
                            if (strict) {
                                throw structural("jsonpath array subscript is out of bounds", "22033");
                            }
                        }
                        for (int i = Math.max(0, from); i <= Math.min(to, array.size() - 1); i++) {
                            out.add(array.get(i));
                        }
                    }
                } finally {
                    last = saved;
                }
            }
            return out;
        }

        private int subscript(Node n, Object current) throws PathError {
            List<Object> items = items(n, current);
            BigDecimal d = items.size() == 1 ? JsonPathItems.number(items.get(0)) : null;
            if (d == null) {
                throw new PathError("jsonpath array subscript is not a single numeric value", "22033", false);
            }
            try {
                return d.setScale(0, RoundingMode.DOWN).intValueExact();
            } catch (ArithmeticException x) {
                throw new PathError("jsonpath array subscript is out of integer range", "22033", false);
            }
        }

        private void descend(Object item, int level, int from, int to, List<Object> out) {
            // "last" (-1) as a level is unbounded, as PostgreSQL reads it
            int f = from < 0 ? Integer.MAX_VALUE : from;
            int t = to < 0 ? Integer.MAX_VALUE : to;
            if (level >= f && level <= t) {
                out.add(item);
            }
            if (level >= t) {
                return;
            }
            if (item instanceof Map<?, ?> o) {
                for (Object v : JsonPathItems.values(o)) {
                    descend(v, level + 1, from, to, out);
                }
            } else if (item instanceof List<?> a) {
                for (Object v : a) {
                    descend(v, level + 1, from, to, out);
                }
            }
        }

        private List<Object> method(Method m, Object current) throws PathError {
            List<Object> base = items(m.base(), current);
            List<Object> out = new ArrayList<>();
            String name = m.name();
            if (name.equals("type")) {
                for (Object item : base) {
                    out.add(JsonTree.Raw.string(JsonPathItems.type(item)));
                }
                return out;
            }
            if (name.equals("size")) {
                for (Object item : base) {
                    if (item instanceof List<?> a) {
                        out.add(new JsonTree.Raw(Integer.toString(a.size())));
                    } else if (strict) {
                        throw structural("jsonpath item method .size() can only be applied to an array", "22039");
                    } else {
                        out.add(new JsonTree.Raw("1"));
                    }
                }
                return out;
            }
            for (Object item : unwrapped(base)) {
                BigDecimal d = JsonPathItems.number(item);
                switch (name) {
                    case "double" -> {
                        if (d == null && item instanceof JsonTree.Raw r && r.json().startsWith("\"")) {
                            try {
                                d = new BigDecimal(r.text().trim());
                            } catch (NumberFormatException x) {
                                throw new PathError("numeric argument of jsonpath item method .double() is an invalid representation of a double",
                                        "22036", false);
                            }
                        }
                        if (d == null) {
                            throw new PathError("jsonpath item method .double() can only be applied to a string or numeric value", "22036",
                                    false);
                        }
                        out.add(JsonPathItems.numberItem(new BigDecimal(Double.toString(d.doubleValue())).stripTrailingZeros()));
                    }
                    case "abs", "floor", "ceiling" -> {
                        if (d == null) {
                            throw new PathError("jsonpath item method ." + name + "() can only be applied to a numeric value", "22036", false);
                        }
                        out.add(JsonPathItems.numberItem(switch (name) {
                            case "abs" -> d.abs();
                            case "floor" -> d.setScale(0, RoundingMode.FLOOR);
                            default -> d.setScale(0, RoundingMode.CEILING);
                        }));
                    }
                    default -> throw new PathError("jsonpath item method ." + name + "() is not supported by Borealis", "0A000", false);
                }
            }
            return out;
        }

        private Object arith(Arith a, Object current) throws PathError {
            BigDecimal l = single(items(a.left(), current), "left", a.op());
            BigDecimal r = single(items(a.right(), current), "right", a.op());
            return JsonPathItems.numberItem(switch (a.op()) {
                case '+' -> l.add(r);
                case '-' -> l.subtract(r);
                case '*' -> l.multiply(r);
                case '/' -> divide(l, r);
                default -> {
                    if (r.signum() == 0) {
                        throw new PathError("division by zero", "22012", false);
                    }
                    yield l.remainder(r);
                }
            });
        }

        private BigDecimal divide(BigDecimal l, BigDecimal r) throws PathError {
            if (r.signum() == 0) {
                throw new PathError("division by zero", "22012", false);
            }
            BigDecimal q = l.divide(r, MathContext.DECIMAL128);
            // numeric division's scale: about 16 significant digits, at least the operands' scales
            BigDecimal s = q.stripTrailingZeros();
            int exponent = s.signum() == 0 ? 0 : s.precision() - s.scale() - 1;
            int scale = Math.max(Math.max(l.scale(), r.scale()), Math.max(0, 16 - Math.floorDiv(exponent, 4) * 4));
            return l.divide(r, Math.min(scale, 1000), RoundingMode.HALF_UP);
        }

        private BigDecimal single(List<Object> items, String side, char op) throws PathError {
            List<Object> u = unwrapped(items);
            BigDecimal d = u.size() == 1 ? JsonPathItems.number(u.get(0)) : null;
            if (d == null) {
                throw new PathError(side + " operand of jsonpath operator " + op + " is not a single numeric value", "22038", false);
            }
            return d;
        }

        Truth predicate(Node n, Object current) throws PathError {
            if (n instanceof And a) {
                Truth l = predicate(a.left(), current);
                if (l == Truth.FALSE) {
                    return Truth.FALSE;
                }
                Truth r = predicate(a.right(), current);
                return r == Truth.FALSE ? Truth.FALSE : l == Truth.TRUE && r == Truth.TRUE ? Truth.TRUE : Truth.UNKNOWN;
            }
            if (n instanceof Or o) {
                Truth l = predicate(o.left(), current);
                if (l == Truth.TRUE) {
                    return Truth.TRUE;
                }
                Truth r = predicate(o.right(), current);
                return r == Truth.TRUE ? Truth.TRUE : l == Truth.FALSE && r == Truth.FALSE ? Truth.FALSE : Truth.UNKNOWN;
            }
            if (n instanceof Not x) {
                Truth t = predicate(x.operand(), current);
                return t == Truth.UNKNOWN ? t : t == Truth.TRUE ? Truth.FALSE : Truth.TRUE;
            }
            if (n instanceof IsUnknown u) {
                return predicate(u.operand(), current) == Truth.UNKNOWN ? Truth.TRUE : Truth.FALSE;
            }
            if (n instanceof Exists e) {
                try {
                    return items(e.operand(), current).isEmpty() ? Truth.FALSE : Truth.TRUE;
                } catch (PathError x) {
                    return x.unknown();
                }
            }
            if (n instanceof Compare c) {
                return compare(c, current);
            }
            if (n instanceof LikeRegex l) {
                return existential(l.operand(), current, item -> item instanceof JsonTree.Raw r && r.json().startsWith("\"")
                        ? (l.pattern().matcher(r.text()).find() ? Truth.TRUE : Truth.FALSE) : Truth.UNKNOWN);
            }
            if (n instanceof StartsWith s) {
                List<Object> prefixes;
                try {
                    prefixes = items(s.prefix(), current);
                } catch (PathError x) {
                    return x.unknown();
                }
                if (prefixes.size() != 1 || !(prefixes.get(0) instanceof JsonTree.Raw p) || !p.json().startsWith("\"")) {
                    return Truth.UNKNOWN;
                }
                String prefix = p.text();
                return existential(s.operand(), current, item -> item instanceof JsonTree.Raw r && r.json().startsWith("\"")
                        ? (r.text().startsWith(prefix) ? Truth.TRUE : Truth.FALSE) : Truth.UNKNOWN);
            }
            // an expression where a predicate is expected: PostgreSQL's grammar refuses it
            throw new PathError("syntax error: a jsonpath filter expression must be a predicate", "42601", false);
        }

        private Truth existential(Node operand, Object current, java.util.function.Function<Object, Truth> test) throws PathError {
            List<Object> items;
            try {
                items = unwrapped(items(operand, current));
            } catch (PathError x) {
                return x.unknown();
            }
            return fold(items, test);
        }

        /** Comparisons are existential over both sides' items: every pair is compared. */
        private Truth compare(Compare c, Object current) throws PathError {
            List<Object> left;
            List<Object> right;
            try {
                left = unwrapped(items(c.left(), current));
                right = unwrapped(items(c.right(), current));
            } catch (PathError x) {
                return x.unknown();
            }
            return fold(left, l -> fold(right, r -> JsonPathItems.compare(c.op(), l, r)));
        }

        /** A test over items, as PostgreSQL folds it: lax stops at the first true; strict is unknown at the first unknown. */
        private Truth fold(List<Object> items, java.util.function.Function<Object, Truth> test) {
            boolean error = false;
            boolean found = false;
            for (Object item : items) {
                Truth t = test.apply(item);
                if (t == Truth.UNKNOWN) {
                    if (strict) {
                        return Truth.UNKNOWN;
                    }
                    error = true;
                } else if (t == Truth.TRUE) {
                    if (!strict) {
                        return Truth.TRUE;
                    }
                    found = true;
                }
            }
            return found ? Truth.TRUE : error ? Truth.UNKNOWN : Truth.FALSE;
        }
    }
}
