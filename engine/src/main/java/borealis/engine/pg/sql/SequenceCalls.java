package borealis.engine.pg.sql;

import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;

/**
 * {@code nextval('name')} and {@code currval('name')}, with or without {@code ::regclass} (the
 * form every serial default and pg_dump writes): PostgreSQL reads the text as a qualified name,
 * folding unquoted parts to lower case ({@code 'serialTest2_f2_seq'} is serialtest2_f2_seq). H2's
 * functions of those names take the text as written, cannot read the OID a regclass cast makes, and
 * do not know a serial column's sequence by its PostgreSQL name (t_id_seq), so the name is parsed
 * here and handed to the catalog's nextval_of / currval_of, schema (NULL when unqualified: the
 * search path) and name exactly. setval is the catalog's, which parses the text itself: it only
 * loses the cast.
 */
final class SequenceCalls {

    private static final Set<String> FUNCTIONS = Set.of("nextval", "currval", "setval");
    private static final Set<String> NAME_CASTS = Set.of("regclass", "text", "varchar", "name");

    private SequenceCalls() {}

    static void rewrite(TokenList t) {
        for (int i = 0; i + 3 < t.size(); i++) {
            Tok k = t.get(i);
            if (!k.isWord() || !FUNCTIONS.contains(k.text.toLowerCase(Locale.ROOT)) || !t.get(i + 1).isOpen()) {
                continue;
            }
            int start = i;
            if (i >= 2 && t.get(i - 1).isDot()) {
                if (!t.is(i - 2, "pg_catalog")) {
                    continue;
                }
                start = i - 2;
            }
            Tok literal = t.get(i + 2);
            if (!literal.isString()) {
                continue;
            }
            int end = i + 3;
            while (t.get(end) != null && t.get(end).isOp("::") && t.get(end + 1) != null
                    && NAME_CASTS.contains(t.get(end + 1).text.toLowerCase(Locale.ROOT))) {
                end += 2;
            }
            if (t.get(end) == null || !(t.get(end).isComma() || t.get(end).isClose())) {
                continue;
            }
            String fn = k.text.toLowerCase(Locale.ROOT);
            if (fn.equals("setval")) {
                t.remove(i + 3, end);
                continue;
            }
            QualifiedName name;
            try {
                name = QualifiedName.parse(literal.stringValue());
            } catch (SQLException e) {
                continue; // H2 reports the text it cannot read
            }
            String schema = name.schema() == null ? "NULL" : StringLiterals.quote(name.schema());
            t.replace(start, end, CatalogNames.SCHEMA + "." + fn + "_of(" + schema + ", " + StringLiterals.quote(name.name()));
            i = start;
        }
    }
}
