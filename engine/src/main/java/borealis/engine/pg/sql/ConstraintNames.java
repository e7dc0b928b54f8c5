package borealis.engine.pg.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL's names for what CREATE TABLE, ALTER TABLE and CREATE INDEX leave unnamed: t_pkey,
 * t_col_key, t_col_fkey, t_col_check, and the column part of t_col_idx.
 */
final class ConstraintNames {

    private final TokenList t;

    ConstraintNames(TokenList t) {
        this.t = t;
    }

    /**
     * Gives unnamed constraints PostgreSQL's names (t_pkey, t_col_key, t_col_fkey, t_col_check), so
     * that error messages and \d show what PostgreSQL would.
     */
    void nameConstraints(String table, int open, int close) {
        List<Integer> starts = t.splitCommas(open + 1, close);
        List<String> used = new ArrayList<>();
        List<String> columnNames = new ArrayList<>();
        for (int n = 0; n + 1 < starts.size(); n++) {
            Tok f = t.get(starts.get(n));
            if (f != null && f.isName() && !f.is("CONSTRAINT") && !f.is("PRIMARY") && !f.is("UNIQUE") && !f.is("FOREIGN")
                    && !f.is("CHECK") && !f.is("EXCLUDE") && !f.is("LIKE")) {
                columnNames.add(f.name());
            }
        }
        for (int n = starts.size() - 2; n >= 0; n--) {
            int s = starts.get(n);
            int e = starts.get(n + 1) - 1;
            if (e <= s) {
                continue;
            }
            Tok first = t.get(s);
            boolean tableConstraint = first.is("CONSTRAINT") || first.is("PRIMARY") || first.is("UNIQUE") || first.is("FOREIGN")
                    || first.is("CHECK") || first.is("EXCLUDE") || first.is("LIKE");
            if (tableConstraint) {
                if (first.is("CONSTRAINT") || first.is("LIKE") || first.is("EXCLUDE")) {
                    continue;
                }
                String cols = columnsOf(s);
                String name = first.is("PRIMARY") ? table + "_pkey"
                        : first.is("UNIQUE") ? table + "_" + cols + "_key"
                        : first.is("FOREIGN") ? table + "_" + cols + "_fkey"
                        : checkName(table, s, e, columnNames);
                t.insert(s, "CONSTRAINT " + StatementRewriter.quoteIdent(unique(name, used)));
                continue;
            }
            String column = first.name();
            for (int i = e - 1; i > s; i--) {
                Tok k = t.get(i);
                if (k.isClose()) {
                    i = t.opening(i);
                    continue;
                }
                boolean named = t.get(i - 1) != null && t.get(i - 2) != null && t.get(i - 2).is("CONSTRAINT");
                if (named) {
                    continue;
                }
                String suffix = null;
                if (k.is("PRIMARY") && t.is(i + 1, "KEY")) {
                    suffix = "pkey";
                } else if (k.is("UNIQUE")) {
                    suffix = "key";
                } else if (k.is("REFERENCES")) {
                    suffix = "fkey";
                } else if (k.is("CHECK") && t.get(i + 1) != null && t.get(i + 1).isOpen()) {
                    suffix = "check";
                }
                if (suffix != null) {
                    String name = suffix.equals("pkey") ? table + "_pkey" : table + "_" + column + "_" + suffix;
                    t.insert(i, "CONSTRAINT " + StatementRewriter.quoteIdent(unique(name, used)));
                }
            }
        }
    }

    /** A table CHECK is named after the first column its expression reads, as PostgreSQL names it (t_col_check). */
    private String checkName(String table, int s, int e, List<String> columnNames) {
        for (int i = s + 1; i < e; i++) {
            Tok k = t.get(i);
            if (k.isName() && columnNames.contains(k.name()) && !(t.get(i + 1) != null && t.get(i + 1).isOpen())) {
                return table + "_" + k.name() + "_check";
            }
        }
        return table + "_check";
    }

    /** The names of the columns in the first parentheses from token {@code s}, joined by "_" (as constraint names hold them). */
    String columnsOf(int s) {
        int open = s;
        while (t.get(open) != null && !t.get(open).isOpen()) {
            open++;
        }
        if (t.get(open) == null) {
            return "";
        }
        int close = t.closing(open);
        StringBuilder sb = new StringBuilder();
        for (int i = open + 1; i < close; i++) {
            if (t.get(i).isName()) {
                sb.append(sb.length() > 0 ? "_" : "").append(t.get(i).name());
            }
        }
        return sb.toString();
    }

    private static String unique(String name, List<String> used) {
        String base = name.length() > 63 ? name.substring(0, 63) : name;
        String n = base;
        int k = 1;
        while (used.contains(n)) {
            n = base + k++;
        }
        used.add(n);
        return n;
    }
}
