package borealis.engine.pg.sql;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Scalar subqueries with a WITH clause that H2 cannot run where they stand: H2 resolves a CTE
 * without the enclosing query's row (a reference to an outer column is "not found") and refuses a
 * WITH nested inside another statement's WITH. PostgreSQL evaluates such a subquery once per outer
 * row, so it becomes exactly that: a call that runs the subquery, as H2 SQL of its own (where its
 * WITH is at the top and H2 evaluates it, recursion included), with the outer columns it reads bound
 * as parameters, cast back to the type the subquery has.
 *
 * <p>The function runs only SQL this class produced: the text carries a MAC under a key of the
 * process, so a client calling the function directly cannot run H2 SQL past the translator.
 *
 * <p>Runs last, on H2 tokens. Outer references are found as qualified names ({@code alias.column})
 * whose qualifier names nothing inside the subquery; an unqualified outer column is not found.
 */
public final class CorrelatedSubqueries {

    /** The catalog functions running a signed subquery. */
    static final String VALUE_FUNCTION = CatalogNames.SCHEMA + ".subquery_value";
    static final String ARRAY_FUNCTION = CatalogNames.SCHEMA + ".subquery_array";

    /** Tokens after which '(' opens a table, a set or a CTE body rather than a scalar subquery. */
    private static final Set<String> NOT_SCALAR = Set.of("FROM", "JOIN", "IN", "EXISTS", "ANY", "ALL", "SOME", "AS", "LATERAL",
            "UNION", "INTERSECT", "EXCEPT", "ARRAY");
    /** Qualifiers that are schemas rather than outer tables. */
    private static final Set<String> SCHEMAS = Set.of("pg_catalog", "information_schema", "public", CatalogNames.SCHEMA);

    private static final byte[] KEY = new byte[32];

    static {
        new SecureRandom().nextBytes(KEY);
    }

    private final TokenList t;
    private final ColumnLookup lookup;
    boolean rewrote;

    CorrelatedSubqueries(TokenList t, ColumnLookup lookup) {
        this.t = t;
        this.lookup = lookup;
    }

    void rewrite() {
        if (lookup == null) {
            return;
        }
        // from the end: the innermost subquery is replaced before the one around it is read
        for (int i = t.size() - 2; i > 0; i--) {
            if (!t.get(i).isOpen() || !t.is(i + 1, "WITH") || !scalarContext(i)) {
                continue;
            }
            int close = t.closing(i);
            if (close >= t.size()) {
                continue;
            }
            Map<String, String> args = new LinkedHashMap<>();
            String inner = innerSql(i + 1, close, args);
            boolean nested = t.find(0, i, "WITH") >= 0;
            if (args.isEmpty() && !nested) {
                continue; // H2 runs an uncorrelated WITH subquery of a plain statement itself
            }
            String type = lookup.resultType(inner);
            if (type == null) {
                continue;
            }
            boolean array = type.toUpperCase(Locale.ROOT).endsWith(" ARRAY");
            StringBuilder call = new StringBuilder("CAST(").append(array ? ARRAY_FUNCTION : VALUE_FUNCTION).append('(')
                    .append(SqlQuoting.literal(inner)).append(", ").append(SqlQuoting.literal(sign(inner)));
            for (String arg : args.keySet()) {
                call.append(", ").append(arg);
            }
            call.append(") AS ").append(type).append(')');
            t.replace(i, close + 1, call.toString());
            rewrote = true;
        }
    }

    private boolean scalarContext(int open) {
        Tok prev = t.get(open - 1);
        return !(prev.isWord() && NOT_SCALAR.contains(prev.text.toUpperCase(Locale.ROOT)));
    }

    /**
     * The subquery's text with each outer reference and each parameter of the statement replaced by
     * a parameter of its own; {@code args} collects what each stands for, in parameter order.
     */
    private String innerSql(int from, int to, Map<String, String> args) {
        Set<String> inner = new HashSet<>();
        for (int j = from; j < to; j++) {
            if (t.get(j).isName() && !t.get(j - 1).isDot() && !(j + 1 < to && t.get(j + 1).isDot())) {
                inner.add(t.get(j).name());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int j = from; j < to; j++) {
            Tok k = t.get(j);
            String text = k.text;
            int consumed = 1;
            if (k.kind == SqlLexer.Kind.PARAM) {
                text = param(args, k.text);
            } else if (outerReference(j, to, inner)) {
                text = param(args, t.text(j, j + 3));
                consumed = 3;
            }
            if (sb.length() > 0 && k.spaceBefore) {
                sb.append(' ');
            }
            sb.append(text);
            j += consumed - 1;
        }
        return sb.toString();
    }

    private boolean outerReference(int j, int to, Set<String> inner) {
        Tok q = t.get(j);
        if (!q.isName() || j + 2 >= to || !t.get(j + 1).isDot() || !t.get(j + 2).isName() || t.get(j - 1).isDot()) {
            return false;
        }
        if (inner.contains(q.name()) || SCHEMAS.contains(q.name())) {
            return false;
        }
        Tok after = j + 3 < to ? t.get(j + 3) : null;
        if (after != null && (after.isDot() || after.isOpen())) {
            return false; // schema.table.column or schema.function(...)
        }
        Tok before = t.get(j - 1);
        return !(before.is("FROM") || before.is("JOIN"));
    }

    private static String param(Map<String, String> args, String arg) {
        args.putIfAbsent(arg, "?" + (args.size() + 1));
        return args.get(arg);
    }

    /** The MAC of a subquery's text under this process's key (hex). */
    static String sign(String sql) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(mac.doFinal(sql.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code mac} is this process's MAC of {@code sql}. */
    public static boolean signed(String sql, String mac) {
        return mac != null && sql != null
                && MessageDigest.isEqual(sign(sql).getBytes(StandardCharsets.US_ASCII), mac.getBytes(StandardCharsets.US_ASCII));
    }
}
