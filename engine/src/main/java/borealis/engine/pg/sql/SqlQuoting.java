package borealis.engine.pg.sql;

/**
 * The one way a name or a value that is not a constant of ours enters SQL text: as a quoted
 * identifier or a quoted literal. Prefer a bind parameter where the statement allows one (H2 does
 * not take parameters for identifiers, nor in some DDL). {@code SqlQuotingScanTest} fails the
 * build on SQL strings built by concatenation anywhere else.
 */
public final class SqlQuoting {

    private SqlQuoting() {}

    /** {@code name} as a quoted identifier: {@code "a""b"}; case is kept, as PostgreSQL and H2 keep it for quoted names. */
    public static String identifier(String name) {
        if (name == null || name.isEmpty() || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("invalid identifier");
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /**
     * {@code name} as PostgreSQL prints it (its quote_ident): bare when it is lower case letters,
     * digits and underscores, not starting with a digit, and not a reserved word; quoted otherwise.
     */
    public static String displayIdentifier(String name) {
        boolean plain = !name.isEmpty() && (Character.isLowerCase(name.charAt(0)) || name.charAt(0) == '_');
        for (int i = 0; i < name.length() && plain; i++) {
            char c = name.charAt(i);
            plain = Character.isLowerCase(c) || Character.isDigit(c) || c == '_';
        }
        return plain && !Keywords.isReserved(name) ? name : '"' + name.replace("\"", "\"\"") + '"';
    }

    /** {@code value} as PostgreSQL's quote_literal prints it: an E'' string when it holds a backslash. */
    public static String displayLiteral(String value) {
        if (value.contains("\\")) {
            return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
        }
        return literal(value);
    }

    /** A qualified name {@code "schema"."name"}, or just {@code "name"} when {@code schema} is null. */
    public static String qualified(String schema, String name) {
        return schema == null ? identifier(name) : identifier(schema) + "." + identifier(name);
    }

    /** Names as a comma-separated list of quoted identifiers. */
    public static String identifiers(java.util.List<String> names) {
        StringBuilder sb = new StringBuilder();
        for (String n : names) {
            sb.append(sb.length() > 0 ? ", " : "").append(identifier(n));
        }
        return sb.toString();
    }

    /** {@code value} as a standard string literal: {@code 'it''s'} (no backslash escapes in H2 or standard PostgreSQL strings). */
    public static String literal(String value) {
        if (value == null) {
            return "NULL";
        }
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a string literal cannot hold NUL");
        }
        return '\'' + value.replace("'", "''") + '\'';
    }
}
