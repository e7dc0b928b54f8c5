package borealis.engine.pg.sql;

import java.util.Locale;
import java.util.Set;

/**
 * Arrays of a domain or an enum ({@code posint[]}, {@code mood[]}) in column definitions and casts.
 * H2 has no arrays of a domain (an enum is a domain over ENUM here): the array holds the domain's
 * data type instead ({@code INTEGER ARRAY}, {@code ENUM('sad', 'ok') ARRAY}). The domain's CHECK
 * does not reach the elements, which PostgreSQL checks.
 */
final class DomainArrays {

    /** Built-in type names (and the last words of multi-word ones): never a user's domain, so never looked up. */
    static final Set<String> BUILT_IN = Set.of("int", "integer", "int2", "int4", "int8", "smallint", "bigint", "real", "float",
            "float4", "float8", "precision", "numeric", "decimal", "text", "varchar", "varying", "char", "character", "bpchar", "bool",
            "boolean", "bytea", "date", "time", "timetz", "timestamp", "timestamptz", "zone", "interval", "uuid", "json", "jsonb", "name",
            "oid", "regclass", "regtype", "regproc", "regnamespace", "inet", "cidr", "macaddr", "money", "xml", "citext", "serial",
            "bigserial", "tsvector", "xid", "cid", "int2vector", "oidvector");

    private final TokenList t;
    private final ColumnLookup lookup;
    boolean usedLookup;

    DomainArrays(TokenList t, ColumnLookup lookup) {
        this.t = t;
        this.lookup = lookup;
    }

    void rewrite() {
        if (lookup == null) {
            return;
        }
        for (int i = 0; i + 1 < t.size(); i++) {
            Tok k = t.get(i);
            boolean arrayFollows = t.get(i + 1).isOp("[") && t.get(i + 2) != null && t.get(i + 2).isOp("]")
                    || t.is(i + 1, "ARRAY") && !(t.get(i + 2) != null && t.get(i + 2).isOp("["));
            if (!k.isName() || !arrayFollows || BUILT_IN.contains(k.text.toLowerCase(Locale.ROOT)) || Keywords.isReserved(k.name())) {
                continue;
            }
            int start = i >= 2 && t.get(i - 1).isDot() && t.get(i - 2).isName() ? i - 2 : i;
            usedLookup = true;
            String element = lookup.domainElementType(t.text(start, i + 1));
            if (element != null) {
                t.replace(start, i + 1, element);
                i = start;
            }
        }
    }
}
