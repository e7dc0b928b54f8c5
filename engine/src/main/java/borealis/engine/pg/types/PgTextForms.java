package borealis.engine.pg.types;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.HexFormat;

/**
 * PostgreSQL's text forms (format 0) of scalar values that have no class of their own: float as
 * PostgreSQL 12+ prints and reads it, date, time, timestamp and UTC offset output, and boolean and
 * bytea (hex and escape) input. Results, parameters and array elements share them.
 */
public final class PgTextForms {

    private static final HexFormat HEX = HexFormat.of();

    private PgTextForms() {}

    /**
     * A float as PostgreSQL prints it with the session's extra_float_digits: above 0 the shortest
     * exact form; at 0 or below the value rounded to 15 (float4: 6) plus that many significant
     * digits, as C's %g writes it ("131.10703231895", "1e+20"): the older output the regression
     * tests and some applications ask for.
     */
    public static String formatFloat(double v, boolean isFloat4, int extraFloatDigits) {
        if (extraFloatDigits > 0 || Double.isNaN(v) || Double.isInfinite(v) || v == 0) {
            return formatFloat(v, isFloat4);
        }
        int precision = Math.max(1, (isFloat4 ? 6 : 15) + extraFloatDigits);
        BigDecimal d = new BigDecimal(isFloat4 ? (double) (float) v : v).round(new java.math.MathContext(precision,
                java.math.RoundingMode.HALF_EVEN)).stripTrailingZeros();
        return gStyle(d, precision);
    }

    /** C's %g of a value already rounded to {@code precision} digits: exponent form below 1e-4 or from 10^precision. */
    private static String gStyle(BigDecimal d, int precision) {
        int exponent = d.precision() - d.scale() - 1;
        if (exponent < -4 || exponent >= precision) {
            String digits = d.unscaledValue().abs().toString();
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return (d.signum() < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
                    + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
        }
        return d.toPlainString();
    }

    /** Shortest exact form, as PostgreSQL 12+ prints with extra_float_digits 1: "0.1", "1e+20", "Infinity". */
    public static String formatFloat(double v, boolean isFloat4) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Infinity" : "-Infinity";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0" : "0";
        }
        BigDecimal d = new BigDecimal(isFloat4 ? Float.toString((float) v) : Double.toString(v)).stripTrailingZeros();
        int exponent = d.precision() - d.scale() - 1;
        if (exponent < -4 || exponent >= (isFloat4 ? 6 : 15)) {
            String digits = d.unscaledValue().abs().toString();
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return (d.signum() < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
                    + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
        }
        return d.toPlainString();
    }

    public static String formatDate(LocalDate d) {
        return PgDateTimes.formatDate(d);
    }

    public static String formatTime(LocalTime t) {
        String base = String.format("%02d:%02d:%02d", t.getHour(), t.getMinute(), t.getSecond());
        return base + fraction(t.getNano());
    }

    public static String formatTimestamp(LocalDateTime v) {
        return PgDateTimes.formatTimestamp(v, "");
    }

    public static String formatOffset(ZoneOffset o) {
        int s = o.getTotalSeconds();
        String sign = s < 0 ? "-" : "+";
        s = Math.abs(s);
        String out = sign + String.format("%02d", s / 3600);
        if (s % 3600 != 0) {
            out += String.format(":%02d", (s % 3600) / 60);
        }
        return out;
    }

    private static String fraction(int nanos) {
        int micros = nanos / 1000;
        if (micros == 0) {
            return "";
        }
        String f = String.format("%06d", micros);
        int end = f.length();
        while (f.charAt(end - 1) == '0') {
            end--;
        }
        return "." + f.substring(0, end);
    }

    /** float4in / float8in: a number, or (in any case, signed) inf, infinity, nan; {@code type} names it in the error. */
    public static double parseFloat(String text, String type) throws SQLException {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        String unsigned = t.startsWith("+") || t.startsWith("-") ? t.substring(1) : t;
        if (unsigned.equals("inf") || unsigned.equals("infinity")) {
            return t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (t.equals("nan")) {
            return Double.NaN;
        }
        try {
            if (!t.isEmpty() && (Character.isDigit(unsigned.isEmpty() ? 'x' : unsigned.charAt(0)) || unsigned.startsWith("."))) {
                return Double.parseDouble(t);
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new SQLException("invalid input syntax for type " + type + ": \"" + text + "\"", "22P02");
    }

    static boolean parseBool(String text) throws SQLException {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (t) {
            case "t", "true", "y", "yes", "on", "1" -> true;
            case "f", "false", "n", "no", "off", "0" -> false;
            default -> throw new SQLException("invalid input syntax for type boolean: \"" + text + "\"", "22P02");
        };
    }

    /**
     * bytea's text input as PostgreSQL's byteain reads it: {@code \\x} and hex digit pairs (spaces
     * between pairs allowed), or the escape format, where {@code \\\\} is a backslash and
     * {@code \\ooo} an octal byte; any other backslash is an error, as in PostgreSQL.
     */
    public static byte[] parseByteaText(String text) throws SQLException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        if (text.startsWith("\\x")) {
            int i = 2;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                    continue;
                }
                int hi = Character.digit(c, 16);
                if (hi < 0) {
                    throw new SQLException("invalid hexadecimal digit: \"" + c + "\"", "22023");
                }
                if (i + 1 >= text.length()) {
                    throw new SQLException("invalid hexadecimal data: odd number of digits", "22023");
                }
                int lo = Character.digit(text.charAt(i + 1), 16);
                if (lo < 0) {
                    throw new SQLException("invalid hexadecimal digit: \"" + text.charAt(i + 1) + "\"", "22023");
                }
                out.write(hi * 16 + lo);
                i += 2;
            }
            return out.toByteArray();
        }
        byte[] raw = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] != '\\') {
                out.write(raw[i]);
            } else if (i + 1 < raw.length && raw[i + 1] == '\\') {
                out.write('\\');
                i++;
            } else if (i + 3 < raw.length && octal(raw[i + 1], '3') && octal(raw[i + 2], '7') && octal(raw[i + 3], '7')) {
                out.write(((raw[i + 1] - '0') << 6) | ((raw[i + 2] - '0') << 3) | (raw[i + 3] - '0'));
                i += 3;
            } else {
                throw new SQLException("invalid input syntax for type bytea", "22P02");
            }
        }
        return out.toByteArray();
    }

    /** bytea's escape output (bytea_output = escape): printable ASCII as is, a backslash doubled, other bytes \\ooo. */
    public static byte[] byteaEscaped(byte[] v) {
        if (v == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(v.length);
        for (byte b : v) {
            int c = b & 0xff;
            if (c == '\\') {
                out.append("\\\\");
            } else if (c < 0x20 || c > 0x7e) {
                out.append('\\').append((char) ('0' + (c >> 6))).append((char) ('0' + ((c >> 3) & 7))).append((char) ('0' + (c & 7)));
            } else {
                out.append((char) c);
            }
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static boolean octal(byte b, char max) {
        return b >= '0' && b <= max;
    }

}
