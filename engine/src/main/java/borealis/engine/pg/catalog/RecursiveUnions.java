package borealis.engine.pg.catalog;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.WeakHashMap;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.value.Value;

/**
 * The rows a run of a recursive UNION (not UNION ALL) has produced, for the translator's rewrite
 * of it (borealis.engine.pg.sql.RecursiveUnion): PostgreSQL feeds each round only rows that are
 * new, H2 all of them. A run is one evaluation of the CTE: H2 computes the base term's rows
 * first, then round after round of the recursive term, so a base row after recursive ones, or a
 * new statement, begins a new run. Kept per session (one statement runs at a time in each); a
 * session's sets go when its next statement begins one.
 */
public final class RecursiveUnions {

    private RecursiveUnions() {}

    private static final class Run {
        Value statement;
        boolean recursing;
        /** Compared as SQL compares them (1 and 1.0 are one row; NULLs are alike, as UNION takes them). */
        final Set<Value> seen;

        Run(SessionLocal session) {
            seen = new TreeSet<>((a, b) -> a.compareTo(b, session, session.getDatabase().getCompareMode()));
        }
    }

    private static final Map<SessionLocal, Map<String, Run>> RUNS = new WeakHashMap<>();

    /** Whether {@code row} is new to this run of the CTE at {@code site} (and so is kept); {@code base}: a base-term row. */
    public static Boolean recursion_new_row(Connection conn, String site, Boolean base, Value row) throws SQLException {
        SessionLocal session = (SessionLocal) conn.unwrap(JdbcConnection.class).getSession();
        Value statement = session.getCommandStartOrEnd();
        Run run;
        synchronized (RUNS) {
            Map<String, Run> runs = RUNS.computeIfAbsent(session, s -> new HashMap<>());
            run = runs.get(site);
            if (run != null && !statement.equals(run.statement)) {
                runs.clear(); // an earlier statement's sets
                run = null;
            }
            if (run == null) {
                run = new Run(session);
                run.statement = statement;
                runs.put(site, run);
            }
        }
        boolean isBase = Boolean.TRUE.equals(base);
        if (isBase && run.recursing) {
            run.seen.clear(); // the CTE is evaluated again in this statement
            run.recursing = false;
        }
        run.recursing |= !isBase;
        return run.seen.add(row);
    }
}
