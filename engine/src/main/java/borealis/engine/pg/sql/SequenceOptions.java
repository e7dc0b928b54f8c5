package borealis.engine.pg.sql;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import java.math.BigInteger;
import java.util.Locale;

/**
 * CREATE SEQUENCE's options checked as PostgreSQL's init_params checks them, with its messages
 * (H2 answered "invalid attributes" for some and took others: a START above a descending
 * sequence's MAXVALUE). The defaults are PostgreSQL's: an ascending sequence runs from 1 to its
 * type's maximum, a descending one from its type's minimum to -1.
 */
final class SequenceOptions {

    private SequenceOptions() {}

    /** Checks the options after CREATE SEQUENCE [IF NOT EXISTS] name, which start at {@code from}. */
    static void check(TokenList t, int from) {
        String type = "bigint";
        BigInteger increment = BigInteger.ONE;
        BigInteger min = null;
        BigInteger max = null;
        BigInteger start = null;
        BigInteger cache = null;
        for (int i = from; i < t.size(); i++) {
            if (t.is(i, "AS") && t.get(i + 1) != null && t.get(i + 1).isName()) {
                type = t.get(i + 1).text.toLowerCase(Locale.ROOT);
                i++;
            } else if (t.is(i, "INCREMENT")) {
                int at = t.is(i + 1, "BY") ? i + 2 : i + 1;
                increment = number(t, at);
                i = at;
            } else if (t.is(i, "NO") && (t.is(i + 1, "MINVALUE") || t.is(i + 1, "MAXVALUE"))) {
                i++;
            } else if (t.is(i, "MINVALUE")) {
                min = number(t, i + 1);
                i++;
            } else if (t.is(i, "MAXVALUE")) {
                max = number(t, i + 1);
                i++;
            } else if (t.is(i, "START")) {
                int at = t.is(i + 1, "WITH") ? i + 2 : i + 1;
                start = number(t, at);
                i = at;
            } else if (t.is(i, "CACHE")) {
                cache = number(t, i + 1);
                i++;
            }
        }
        BigInteger[] range = switch (type) {
            case "smallint", "int2" -> new BigInteger[] {BigInteger.valueOf(Short.MIN_VALUE), BigInteger.valueOf(Short.MAX_VALUE)};
            case "integer", "int", "int4" -> new BigInteger[] {BigInteger.valueOf(Integer.MIN_VALUE), BigInteger.valueOf(Integer.MAX_VALUE)};
            case "bigint", "int8" -> new BigInteger[] {BigInteger.valueOf(Long.MIN_VALUE), BigInteger.valueOf(Long.MAX_VALUE)};
            default -> null;
        };
        if (range == null) {
            if (TypeNames.h2(type) != null || TypeNames.canonical(type).equals(type) && isBuiltIn(type)) {
                throw error("sequence type must be smallint, integer, or bigint");
            }
            return; // an unknown name: H2's "type does not exist"
        }
        if (increment == null || min == null && t.find(from, t.size(), "MINVALUE") >= 0 && !noValue(t, from, "MINVALUE")
                || max == null && t.find(from, t.size(), "MAXVALUE") >= 0 && !noValue(t, from, "MAXVALUE")) {
            return; // not plain numbers: H2's reading stands
        }
        if (increment.signum() == 0) {
            throw error("INCREMENT must not be zero");
        }
        String name = type.startsWith("int2") || type.equals("smallint") ? "smallint"
                : type.equals("bigint") || type.equals("int8") ? "bigint" : "integer";
        if (max == null) {
            max = increment.signum() > 0 ? range[1] : BigInteger.valueOf(-1);
        } else if (max.compareTo(range[0]) < 0 || max.compareTo(range[1]) > 0) {
            throw error("MAXVALUE (" + max + ") is out of range for sequence data type " + name);
        }
        if (min == null) {
            min = increment.signum() > 0 ? BigInteger.ONE : range[0];
        } else if (min.compareTo(range[0]) < 0 || min.compareTo(range[1]) > 0) {
            throw error("MINVALUE (" + min + ") is out of range for sequence data type " + name);
        }
        if (min.compareTo(max) >= 0) {
            throw error("MINVALUE (" + min + ") must be less than MAXVALUE (" + max + ")");
        }
        if (start != null && start.compareTo(min) < 0) {
            throw error("START value (" + start + ") cannot be less than MINVALUE (" + min + ")");
        }
        if (start != null && start.compareTo(max) > 0) {
            throw error("START value (" + start + ") cannot be greater than MAXVALUE (" + max + ")");
        }
        if (cache != null && cache.signum() <= 0) {
            throw error("CACHE (" + cache + ") must be greater than zero");
        }
    }

    private static boolean noValue(TokenList t, int from, String word) {
        int at = t.find(from, t.size(), word);
        return at > 0 && t.is(at - 1, "NO");
    }

    private static boolean isBuiltIn(String type) {
        return DomainArrays.BUILT_IN.contains(type);
    }

    /** A (signed) integer literal at {@code at}, or null. */
    private static BigInteger number(TokenList t, int at) {
        boolean negative = false;
        Tok k = t.get(at);
        if (k != null && (k.isOp("-") || k.isOp("+"))) {
            negative = k.isOp("-");
            k = t.get(at + 1);
        }
        if (k == null || k.kind != SqlLexer.Kind.NUMBER || !k.text.matches("-?\\d+")) {
            return null;
        }
        BigInteger v = new BigInteger(k.text);
        return negative ? v.negate() : v;
    }

    private static PgException error(String message) {
        return new PgException(PgError.error("22023", message));
    }
}
