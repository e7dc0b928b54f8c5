package borealis.engine.pg.sql;

import java.util.Locale;

/**
 * The special values of float4 and float8 as PostgreSQL reads them: {@code inf}, {@code +inf},
 * {@code -inf}, {@code infinity} and {@code nan} in any case and with surrounding spaces. H2 reads
 * only {@code Infinity}, {@code -Infinity} and {@code NaN}.
 */
final class FloatLiterals {

    private FloatLiterals() {}

    /** The H2 type of a PostgreSQL floating-point type name, or null for other types. */
    static String h2Type(String pgType) {
        return switch (pgType.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ")) {
            case "float8", "float", "double precision" -> "DOUBLE PRECISION";
            case "float4", "real" -> "REAL";
            default -> null;
        };
    }

    /** H2's spelling of a special value ({@code Infinity}, {@code -Infinity}, {@code NaN}), or null when {@code text} is none. */
    static String special(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "inf", "+inf", "infinity", "+infinity" -> "Infinity";
            case "-inf", "-infinity" -> "-Infinity";
            case "nan" -> "NaN";
            default -> null;
        };
    }

    /** {@code CAST('Infinity' AS DOUBLE PRECISION)} for a special value of a floating-point type, else null. */
    static String literal(String pgType, String text) {
        String h2 = h2Type(pgType);
        String special = h2 == null ? null : special(text);
        return special == null ? null : "CAST(" + SqlQuoting.literal(special) + " AS " + h2 + ")";
    }
}
