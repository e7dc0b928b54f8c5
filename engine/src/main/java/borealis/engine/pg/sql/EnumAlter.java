package borealis.engine.pg.sql;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ALTER TYPE name ADD VALUE [IF NOT EXISTS] 'label' [BEFORE | AFTER 'label']} on an enum,
 * which H2 holds as a domain over an ENUM data type that no command alters. The domain is made
 * again with the new labels: dropped with CASCADE (its columns keep the old ENUM type, their values,
 * defaults and NOT NULL), created with the new list, and each column is given it back; H2 converts
 * the values by label. {@code ALTER TYPE ... OWNER TO} is accepted (every role is one principal).
 */
final class EnumAlter {

    /** A statement that changes nothing and returns no rows (ALTER TYPE has no result). */
    private static final String NO_OP = "SET @borealis_no_op = NULL";

    private final TokenList t;
    private final ColumnLookup lookup;
    private final List<String> instead;

    EnumAlter(TokenList t, ColumnLookup lookup, List<String> instead) {
        this.t = t;
        this.lookup = lookup;
        this.instead = instead;
    }

    void rewrite() {
        int i = 2;
        int nameEnd = i + 1;
        while (t.get(nameEnd) != null && t.get(nameEnd).isDot()) {
            nameEnd += 2;
        }
        if (t.get(nameEnd - 1) == null) {
            return;
        }
        String typeRef = t.text(i, nameEnd);
        if (t.is(nameEnd, "OWNER") && t.is(nameEnd + 1, "TO")) {
            instead.add(NO_OP);
            return;
        }
        if (!(t.is(nameEnd, "ADD") && t.is(nameEnd + 1, "VALUE"))) {
            throw new PgException(PgError.error("0A000", "this form of ALTER TYPE is not supported by Borealis (only ADD VALUE and OWNER TO)"));
        }
        int j = nameEnd + 2;
        boolean ifNotExists = t.is(j, "IF") && t.is(j + 1, "NOT") && t.is(j + 2, "EXISTS");
        j += ifNotExists ? 3 : 0;
        String label = string(j);
        j++;
        String neighbour = null;
        boolean before = false;
        if (t.is(j, "BEFORE") || t.is(j, "AFTER")) {
            before = t.is(j, "BEFORE");
            neighbour = string(j + 1);
            j += 2;
        }
        while (t.get(j) != null && t.get(j).kind == SqlLexer.Kind.SEMICOLON) {
            j++;
        }
        if (t.get(j) != null) {
            throw syntax(j);
        }
        ColumnLookup.EnumType type = lookup.enumType(typeRef);
        if (type == null) {
            throw new PgException(PgError.error("42704", "type \"" + t.get(nameEnd - 1).name() + "\" does not exist"));
        }
        List<String> labels = new ArrayList<>(type.labels());
        if (labels.contains(label)) {
            if (!ifNotExists) {
                throw new PgException(PgError.error("42710", "enum label \"" + label + "\" already exists"));
            }
            instead.add(NO_OP); // PostgreSQL skips with a notice
            return;
        }
        int at = labels.size();
        if (neighbour != null) {
            int n = labels.indexOf(neighbour);
            if (n < 0) {
                throw new PgException(PgError.error("22023", "\"" + neighbour + "\" is not an existing enum label"));
            }
            at = before ? n : n + 1;
        }
        labels.add(at, label);
        String domain = SqlQuoting.qualified(type.schema(), type.name());
        StringBuilder values = new StringBuilder();
        for (String l : labels) {
            values.append(values.length() > 0 ? ", " : "").append(SqlQuoting.literal(l));
        }
        instead.add("DROP DOMAIN " + domain + " CASCADE");
        instead.add("CREATE DOMAIN " + domain + " AS ENUM(" + values + ")");
        for (List<String> column : type.columns()) {
            instead.add("ALTER TABLE " + SqlQuoting.qualified(column.get(0), column.get(1)) + " ALTER COLUMN "
                    + SqlQuoting.identifier(column.get(2)) + " SET DATA TYPE " + domain);
        }
    }

    private String string(int i) {
        Tok k = t.get(i);
        if (k == null || !k.isString()) {
            throw syntax(i);
        }
        return k.stringValue();
    }

    private PgException syntax(int i) {
        Tok k = t.get(i);
        return new PgException(PgError.error("42601", k == null ? "syntax error at end of input" : "syntax error at or near \"" + k.text + "\""));
    }
}
