package borealis.engine.pg.sql;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * pgjdbc's metadata queries expand pg_index.indkey with {@code information_schema._pg_expandarray},
 * a set-returning function yielding (x, n) records, used in the select list and read back through
 * composite field access: {@code (information_schema._pg_expandarray(i.indkey)).n}, or
 * {@code _pg_expandarray(i.indkey) AS keys} then {@code (result.keys).x}. H2 has neither, so the
 * expansion becomes a join with the catalog's pg_index_keys (one row per index column) and the
 * fields become plain columns ({@code keys_x}, {@code keys_n}). pg_constraint.conkey expands the same
 * way (pgjdbc 42.7.13+ reads primary keys so): its keys are in pg_index_keys under the constraint's OID.
 */
final class ExpandArrayRewriter {

    private final TokenList t;
    /** Each expanded alias, with the catalog table it names ("pg_index" or "pg_constraint"). */
    private final java.util.Map<String, String> aliases = new java.util.LinkedHashMap<>();
    private final Set<String> recordNames = new LinkedHashSet<>();

    ExpandArrayRewriter(TokenList t) {
        this.t = t;
    }

    /** Returns true if the statement used _pg_expandarray. */
    boolean rewrite() {
        for (int i = 0; i < t.size(); i++) {
            if (!isCall(i)) {
                continue;
            }
            int open = i + 3;
            int close = t.closing(open);
            // argument: alias.indkey
            if (close != open + 4 || !(t.get(open + 3).name().equals("indkey") || t.get(open + 3).name().equals("conkey"))) {
                continue;
            }
            String alias = t.get(open + 1).name();
            String keys = "_ek_" + alias;
            aliases.put(alias, t.get(open + 3).name().equals("indkey") ? "pg_index" : "pg_constraint");
            boolean wrapped = i > 0 && t.get(i - 1).isOpen() && t.get(close + 1) != null && t.get(close + 1).isClose()
                    && t.get(close + 2) != null && t.get(close + 2).isDot() && t.get(close + 3) != null;
            if (wrapped) {
                String field = t.get(close + 3).name();
                t.replace(i - 1, close + 4, keys + "." + field);
                i--;
            } else if (t.is(close + 1, "AS") && t.get(close + 2) != null) {
                String name = t.get(close + 2).name();
                recordNames.add(name);
                t.replace(i, close + 3, keys + ".x AS " + name + "_x, " + keys + ".n AS " + name + "_n");
            } else {
                t.replace(i, close + 1, keys + ".x");
            }
        }
        if (aliases.isEmpty()) {
            return false;
        }
        fieldAccess();
        aliases.forEach(this::joinKeys);
        return true;
    }

    private boolean isCall(int i) {
        return t.get(i) != null && t.get(i).isWord() && t.get(i).name().equals("information_schema") && t.get(i + 1) != null
                && t.get(i + 1).isDot() && t.get(i + 2) != null && t.get(i + 2).name().equals("_pg_expandarray")
                && t.get(i + 3) != null && t.get(i + 3).isOpen();
    }

    /** (q.keys).x and (keys).x become q.keys_x and keys_x. */
    private void fieldAccess() {
        for (int i = 0; i < t.size(); i++) {
            if (!t.get(i).isOpen()) {
                continue;
            }
            int close = t.closing(i);
            if (close >= t.size() || t.get(close + 1) == null || !t.get(close + 1).isDot() || t.get(close + 2) == null) {
                continue;
            }
            String field = t.get(close + 2).name();
            if (close == i + 2 && recordNames.contains(t.get(i + 1).name())) {
                t.replace(i, close + 3, t.get(i + 1).name() + "_" + field);
            } else if (close == i + 4 && t.get(i + 2).isDot() && recordNames.contains(t.get(i + 3).name())) {
                t.replace(i, close + 3, t.get(i + 1).text + "." + t.get(i + 3).name() + "_" + field);
            }
        }
    }

    /** After "pg_index alias [ON (...)]" (or pg_constraint), joins the alias' keys. */
    private void joinKeys(String alias, String table) {
        for (int i = 0; i < t.size(); i++) {
            if (!t.get(i).isWord() || !t.get(i).name().equals(table)) {
                continue;
            }
            int a = i + 1;
            if (t.is(a, "AS")) {
                a++;
            }
            if (t.get(a) == null || !t.get(a).name().equals(alias)) {
                continue;
            }
            int at = a + 1;
            if (t.is(at, "ON")) {
                if (t.get(at + 1) != null && t.get(at + 1).isOpen()) {
                    at = t.closing(at + 1) + 1;
                } else {
                    int end = t.findAny(at + 1, t.size(), "JOIN", "WHERE", "LEFT", "RIGHT", "INNER", "CROSS", "GROUP", "ORDER");
                    int region = t.regionEnd(at + 1);
                    at = end < 0 ? region : Math.min(end, region);
                }
            }
            String keys = "_ek_" + alias;
            String key = table.equals("pg_index") ? ".indexrelid" : ".oid";
            t.insert(at, "JOIN " + CatalogNames.SCHEMA + ".pg_index_keys " + keys + " ON " + keys + ".indexrelid = " + alias + key);
            return;
        }
    }
}
