package borealis.engine.pg.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Built-in pg_catalog objects beyond Borealis' own wire types: more base types for pg_type (so that
 * a driver's type listing, pgjdbc's getTypeInfo, finds the usual ones), and the built-in functions
 * clients look up in pg_proc (pgjdbc's getFunctions, {@code 'array_in'::regproc} against
 * pg_type.typinput). The types are listed only; Borealis does not store values of them.
 */
final class BuiltinRows {

    /** Functions get OIDs from here, in the order they are listed (stable across versions that only append). */
    private static final int FIRST_PROC_OID = 8000;

    /** oid, name, length, array oid, category: types PostgreSQL has that Borealis only names. */
    static final Object[][] EXTRA_TYPES = {
        {18, "char", 1, 1002, "Z"}, {24, "regproc", 4, 1008, "N"}, {142, "xml", -1, 143, "U"}, {600, "point", 16, 1017, "G"},
        {650, "cidr", -1, 651, "I"}, {790, "money", 8, 791, "N"}, {829, "macaddr", 6, 1040, "U"}, {869, "inet", -1, 1041, "I"},
        {1560, "bit", -1, 1561, "V"}, {1562, "varbit", -1, 1563, "V"}, {2205, "regclass", 4, 2210, "N"},
        {2206, "regtype", 4, 2211, "N"}, {3614, "tsvector", -1, 3643, "U"}, {4089, "regnamespace", 4, 4090, "N"},
        {4096, "regrole", 4, 4097, "N"}, {1790, "refcursor", -1, 2201, "U"},
    };

    /** name, argument type OIDs (space separated, as oidvector prints), result type OID, kind ('f' or 'a'), returns a set. */
    private static final String[] FUNCTIONS = {
        "lower 25 25 f", "upper 25 25 f", "length 25 23 f", "substr 25 23 23 25 f", "substring 25 23 23 25 f", "replace 25 25 25 25 f",
        "btrim 25 25 f", "ltrim 25 25 f", "rtrim 25 25 f", "strpos 25 25 23 f", "concat 2276 25 f", "left 25 23 25 f",
        "right 25 23 25 f", "md5 25 25 f", "abs 701 701 f", "round 1700 23 1700 f", "ceil 701 701 f", "floor 701 701 f",
        "random - 701 f", "now - 1184 f", "date_trunc 25 1184 1184 f", "to_char 1184 25 25 f", "age 1184 1184 1186 f",
        "nextval 2205 20 f", "currval 2205 20 f", "setval 2205 20 20 f", "lastval - 20 f", "pg_get_serial_sequence 25 25 25 f",
        "current_database - 19 f", "current_schema - 19 f", "version - 25 f", "format_type 26 23 25 f", "gen_random_uuid - 2950 f",
        "generate_series 23 23 23 f set", "unnest 2277 2283 f set", "array_length 2277 23 23 f", "jsonb_build_object 2276 3802 f",
        "json_build_object 2276 114 f", "to_jsonb 2283 3802 f", "jsonb_typeof 3802 25 f", "count - 20 a", "sum 23 20 a",
        "max 2283 2283 a", "min 2283 2283 a", "avg 23 1700 a", "array_agg 2283 2277 a", "string_agg 25 25 25 a",
        "bool_and 16 16 a", "bool_or 16 16 a", "jsonb_agg 2283 3802 a",
    };

    private static final Map<String, Integer> OIDS = new LinkedHashMap<>();

    static {
        List<String> names = new ArrayList<>();
        for (String f : FUNCTIONS) {
            names.add(f.split(" ")[0]);
        }
        for (String io : List.of("array", "enum", "record")) {
            names.add(io + "_in");
            names.add(io + "_out");
            names.add(io + "_recv");
            names.add(io + "_send");
        }
        for (borealis.engine.pg.types.PgType t : borealis.engine.pg.types.PgType.values()) {
            names.add(t.typname + "in");
            names.add(t.typname + "out");
            names.add(t.typname + "recv");
            names.add(t.typname + "send");
        }
        for (Object[] t : EXTRA_TYPES) {
            for (String suffix : List.of("in", "out", "recv", "send")) {
                names.add(t[1] + suffix);
            }
        }
        for (String n : names) {
            OIDS.putIfAbsent(n, FIRST_PROC_OID + OIDS.size());
        }
    }

    private BuiltinRows() {}

    /** The pg_proc OID of a built-in function listed here (a type's I/O functions included), or 0. */
    static int procOid(String name) {
        Integer oid = OIDS.get(name);
        return oid == null ? 0 : oid;
    }

    static void rows(Map<String, List<Object[]>> rows) {
        for (Object[] t : EXTRA_TYPES) {
            String name = (String) t[1];
            int len = (Integer) t[2];
            int array = (Integer) t[3];
            add(rows, "pg_type", t[0], name, CatalogBuilder.PG_CATALOG_NS, CatalogBuilder.OWNER, (short) len, len > 0 && len <= 8, "b",
                    t[4], false, true, ",", 0, null, 0, array, procOid(name + "in"), procOid(name + "out"), procOid(name + "recv"),
                    procOid(name + "send"), null, null, null, "i", "p", false, 0, -1, 0, 0, null, null, null);
            add(rows, "pg_type", array, "_" + name, CatalogBuilder.PG_CATALOG_NS, CatalogBuilder.OWNER, (short) -1, false, "b", "A",
                    false, true, ",", 0, "array_subscript_handler", t[0], 0, procOid("array_in"), procOid("array_out"),
                    procOid("array_recv"), procOid("array_send"), null, null, null, "i", "x", false, 0, -1, 0, 0, null, null, null);
        }
        Map<String, Boolean> described = new LinkedHashMap<>();
        for (String f : FUNCTIONS) {
            String[] p = f.split(" ");
            boolean set = p[p.length - 1].equals("set");
            int kindAt = set ? p.length - 2 : p.length - 1;
            String kind = p[kindAt];
            int result = Integer.parseInt(p[kindAt - 1]);
            List<String> args = new ArrayList<>();
            for (int i = 1; i < kindAt - 1; i++) {
                if (!p[i].equals("-")) {
                    args.add(p[i]);
                }
            }
            proc(rows, p[0], String.join(" ", args), args.size(), result, kind, set);
            described.put(p[0], true);
        }
        for (String name : OIDS.keySet()) {
            if (!described.containsKey(name)) {
                // a type's input, output, receive and send functions
                boolean input = name.endsWith("in") || name.endsWith("recv");
                proc(rows, name, input ? "2275" : "2283", 1, input ? 2283 : 2275, "f", false);
            }
        }
    }

    private static void proc(Map<String, List<Object[]>> rows, String name, String argTypes, int nargs, int result, String kind,
                             boolean set) {
        add(rows, "pg_proc", procOid(name), name, CatalogBuilder.PG_CATALOG_NS, CatalogBuilder.OWNER, 12, 1f, set ? 1000f : 0f, 0,
                "-", kind, false, false, true, set, "i", "s", (short) nargs, (short) 0, result, argTypes, null, null, null, null, null,
                name, null, null, null, null);
    }

    private static void add(Map<String, List<Object[]>> rows, String table, Object... values) {
        rows.computeIfAbsent(table, k -> new ArrayList<>()).add(values);
    }
}
