package borealis.engine.pg.sql;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The translation layer in front of H2: turns one PostgreSQL statement into what H2 runs.
 *
 * <p>The statement is tokenized ({@link borealis.engine.pg.sql.SqlLexer}), then rewritten in passes:
 * result column names (on the original tokens), whole-statement forms ({@link StatementRewriter}),
 * then expressions ({@link ExpressionRewriter}). Translations that depend on the text alone are
 * cached by text, or by shape when the text has integer literals ({@link LiteralShapes}), shared by
 * every session of the process.
 */
public final class SqlTranslator {

    /** Cached translations; cleared when full (client statement texts are few and repeat). */
    private static final int CACHE_LIMIT = 20_000;
    /**
     * The cache is shared by every tenant of the node, so it is bounded in characters too: a
     * tenant sending thousands of distinct 4 MiB statements must not fill the heap with them.
     */
    private static final long CACHE_CHARS_LIMIT = 16L << 20;
    /** Longer statements are translated every time (bulk INSERTs with literals rarely repeat). */
    private static final int CACHEABLE_CHARS = 64 * 1024;
    private static final Map<String, Translation> CACHE = new ConcurrentHashMap<>();
    private static final java.util.concurrent.atomic.AtomicLong CACHED_CHARS = new java.util.concurrent.atomic.AtomicLong();
    /** Translations of statements that differ only in integer literals, by shape ({@link LiteralShapes}). */
    private static final Map<String, LiteralShapes.Template> SHAPES = new ConcurrentHashMap<>();

    private SqlTranslator() {}

    /**
     * The OID of a built-in type named as PostgreSQL's SQL writes it ({@code int}, {@code float},
     * {@code double precision}, {@code text[]}); 0 for {@code unknown}; -1 when it names no built-in type.
     */
    public static int typeOid(String pgTypeName) {
        String name = pgTypeName.trim().toLowerCase(java.util.Locale.ROOT).replaceAll("\\s+", " ");
        boolean array = name.endsWith("[]");
        if (array) {
            name = name.substring(0, name.length() - 2).trim();
        }
        if (name.equals("unknown") && !array) {
            return 0;
        }
        String canonical = TypeNames.canonical(name);
        for (borealis.engine.pg.types.PgType t : borealis.engine.pg.types.PgType.values()) {
            if (t.typname.equals(canonical)) {
                return array ? (t.arrayOid == 0 ? -1 : t.arrayOid) : t.oid;
            }
        }
        return -1;
    }

    public static Translation translate(String sql, ColumnLookup lookup) {
        StatementLimit.checkCancel(); // a cancel that came before this statement started (a cached translation checks nothing else)
        Translation cached = CACHE.get(sql);
        if (cached != null) {
            return cached;
        }
        LiteralShapes.Shape shape = sql.length() <= CACHEABLE_CHARS ? LiteralShapes.shape(sql) : null;
        LiteralShapes.Template template = shape == null ? null : SHAPES.get(shape.key());
        if (template != null && template != LiteralShapes.NOT_SHARED) {
            return LiteralShapes.fill(template, shape);
        }
        Translation tr = translateUncached(sql, lookup);
        if (shape != null && template == null) {
            template = LiteralShapes.template(shape, sql, tr, text -> translateUncached(text, lookup));
            remember(shape.key().length() + (template == LiteralShapes.NOT_SHARED ? 0 : tr.engineSql().length()));
            SHAPES.put(shape.key(), template);
        }
        if (tr.cacheable() && sql.length() <= CACHEABLE_CHARS && (shape == null || template == LiteralShapes.NOT_SHARED)) {
            remember(sql.length() + tr.engineSql().length());
            CACHE.put(sql, tr);
        }
        return tr;
    }

    /** Counts {@code chars} more into the caches, emptying both first when they would exceed their bounds. */
    private static void remember(long chars) {
        if (CACHE.size() + SHAPES.size() >= CACHE_LIMIT || CACHED_CHARS.get() + chars > CACHE_CHARS_LIMIT) {
            CACHE.clear();
            SHAPES.clear();
            CACHED_CHARS.set(0);
        }
        CACHED_CHARS.addAndGet(chars);
    }

    static Translation translateUncached(String sql, ColumnLookup lookup) {
        TokenList t = TokenList.of(sql);
        StatementGuard.check(t, sql);
        List<String> actions = AlterTableActions.split(t);
        if (actions != null) {
            return each(actions, lookup);
        }
        WindowCalls.apply(t, sql);
        ExplainOptions.apply(t);
        RecursiveTerms.check(t); // before CteNames renames a CTE named like a table
        CteNames.apply(t);
        KeywordLabels.apply(t);
        SmallClauses.apply(t);
        String first = t.size() > 0 ? t.get(0).text.toUpperCase(Locale.ROOT) : "";
        boolean ddl = first.equals("CREATE") || first.equals("ALTER") || first.equals("DROP") || first.equals("COMMENT")
                || first.equals("GRANT") || first.equals("REVOKE");
        List<String> empty = alwaysEmpty(t) ? ColumnNaming.apply(t) : null;
        if (empty == null) {
            ColumnNaming.apply(t);
        }
        LimitAfterOffset.apply(t);
        JoinUsing.apply(t);
        RowNotIn.apply(t);
        VariadicArguments.apply(t);
        SimilarTo.apply(t);
        ArraySlices.apply(t);
        JsonRecords records = new JsonRecords(t, lookup);
        records.rewrite();
        new LateralJoins(t).rewrite(sql);
        RowValues rows = new RowValues(t, lookup);
        rows.rewrite();
        boolean expanded = new ExpandArrayRewriter(t).rewrite();
        new LateralUnnest(t).rewrite();
        new SelectListFunctions(t).rewrite();
        StatementRewriter statements = new StatementRewriter(t, lookup);
        statements.rewrite();
        DateTimeLiterals dates = new DateTimeLiterals(DateTimeLiterals.orderOf(lookup));
        ExpressionRewriter expressions = new ExpressionRewriter(t, ddl, dates);
        int params = expressions.rewrite();
        CorrelatedSubqueries correlated = new CorrelatedSubqueries(t, lookup);
        correlated.rewrite();
        String engineSql;
        if (!statements.instead.isEmpty()) {
            engineSql = String.join("; ", statements.instead);
        } else if (!statements.before.isEmpty()) {
            engineSql = String.join("; ", statements.before) + "; " + t.toSql();
        } else {
            engineSql = t.toSql();
        }
        if (statements.instead.isEmpty() && !statements.after.isEmpty()) {
            engineSql = engineSql + "; " + String.join("; ", statements.after);
        }
        return new Translation(engineSql, params, empty, ddl, expressions.readsCatalog || expanded,
                !statements.usedLookup && !rows.usedLookup && !records.usedLookup && !correlated.rewrote && !dates.usedOrder, statements.upsert,
                statements.conflictTarget);
    }

    /** Statements translated one by one and run in order as one: an ALTER TABLE's actions. */
    private static Translation each(List<String> statements, ColumnLookup lookup) {
        List<String> engine = new java.util.ArrayList<>();
        boolean readsCatalog = false;
        boolean cacheable = true;
        for (String s : statements) {
            Translation tr = translateUncached(s, lookup);
            engine.add(tr.engineSql());
            readsCatalog |= tr.readsCatalog();
            cacheable &= tr.cacheable();
        }
        return new Translation(String.join("; ", engine), 0, null, true, readsCatalog, cacheable, false, null);
    }

    /**
     * Whether every branch of the (SELECT) statement inner-joins a catalog relation that Borealis
     * always has empty (triggers, policies, publications, inheritance): psql's \d asks for these.
     */
    static boolean alwaysEmpty(TokenList t) {
        if (!t.is(0, "SELECT")) {
            return false;
        }
        int start = 0;
        boolean all = true;
        boolean any = false;
        while (start < t.size()) {
            int end = t.findAny(start + 1, t.size(), "UNION", "INTERSECT", "EXCEPT");
            int branchEnd = end < 0 ? t.size() : end;
            boolean empty = branchJoinsEmpty(t, start, branchEnd);
            all &= empty;
            any = true;
            if (end < 0) {
                break;
            }
            start = t.is(end + 1, "ALL") ? end + 2 : end + 1;
            if (!t.is(start, "SELECT")) {
                return false;
            }
        }
        return any && all;
    }

    private static boolean branchJoinsEmpty(TokenList t, int s, int e) {
        int from = t.find(s, e, "FROM");
        if (from < 0) {
            return false;
        }
        int end = t.findAny(from + 1, e, "WHERE", "GROUP", "ORDER", "LIMIT", "HAVING", "OFFSET");
        end = end < 0 ? e : end;
        int depth = 0;
        for (int i = from + 1; i < end; i++) {
            Tok k = t.get(i);
            if (k.isOpen()) {
                depth++;
                continue;
            }
            if (k.isClose()) {
                depth--;
                continue;
            }
            if (depth != 0 || !k.isName()) {
                continue;
            }
            String name = k.name();
            int refStart = i;
            if (name.equals("pg_catalog") && t.get(i + 1) != null && t.get(i + 1).isDot() && t.get(i + 2) != null) {
                name = t.get(i + 2).name();
                i += 2;
            }
            if (!CatalogNames.ALWAYS_EMPTY.contains(name)) {
                continue;
            }
            Tok before = t.get(refStart - 1);
            if (before.is("FROM") || before.isComma()) {
                return true;
            }
            if (before.is("JOIN")) {
                Tok kind = t.get(refStart - 2);
                Tok kind2 = t.get(refStart - 3);
                boolean outer = kind.is("LEFT") || kind.is("RIGHT") || kind.is("FULL")
                        || kind.is("OUTER") && (kind2.is("LEFT") || kind2.is("RIGHT") || kind2.is("FULL"));
                if (!outer) {
                    return true;
                }
            }
        }
        return false;
    }
}
