package borealis.engine.pg.catalog;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * A numeric template of to_char ({@link ToChar}), as PostgreSQL 15 reads it in the C locale: 9, 0,
 * '.', D, ',', G, S, MI, PL, SG, PR, L, TH, EEEE, FM and literal characters. A value too wide for
 * the template prints '#' in every digit position.
 */
/** A numeric template: 9 0 . D , G S MI PL SG PR L TH FM and literal characters. */
final class ToCharNumbers {
    private final String fmt;
    private boolean fm;
    private int intDigits;
    private int fracDigits;
    private int firstZero = -1;
    private boolean hasPoint;
    private boolean explicitSign;
    private boolean angle;
    /** S before every digit: the sign goes right before the first digit printed, as '+' or '-'. */
    private boolean leadingS;

    ToCharNumbers(String fmt) {
        this.fmt = fmt;
        boolean afterPoint = false;
        for (int i = 0; i < fmt.length(); i++) {
            char c = Character.toUpperCase(fmt.charAt(i));
            if (c == '"') {
                i = quoteEnd(i);
            } else if (c == '9' || c == '0') {
                if (afterPoint) {
                    fracDigits++;
                } else {
                    if (c == '0' && firstZero < 0) {
                        firstZero = intDigits;
                    }
                    intDigits++;
                }
            } else if (c == '.' || c == 'D') {
                hasPoint = true;
                afterPoint = true;
            } else if (fmt.regionMatches(true, i, "FM", 0, 2)) {
                fm = true;
                i++;
            } else if (fmt.regionMatches(true, i, "PR", 0, 2)) {
                angle = true;
                explicitSign = true;
                i++;
            } else if (fmt.regionMatches(true, i, "SG", 0, 2)) {
                explicitSign = true;
                i++;
            } else if (c == 'S' && intDigits == 0 && !afterPoint) {
                leadingS = true; // before the digits, S stands right before the first one printed
            } else if (c == 'S' || fmt.regionMatches(true, i, "MI", 0, 2) || fmt.regionMatches(true, i, "SG", 0, 2)) {
                explicitSign = true;
            }
        }
    }

    String apply(BigDecimal value) {
        if (fmt.toUpperCase(Locale.ROOT).contains("EEEE")) {
            return scientific(value);
        }
        BigDecimal v = value.setScale(fracDigits, RoundingMode.HALF_UP);
        boolean negative = v.signum() < 0;
        boolean zero = v.signum() == 0;
        String plain = v.abs().toPlainString();
        int point = plain.indexOf('.');
        String intPart = point < 0 ? plain : plain.substring(0, point);
        String frac = point < 0 ? "" : plain.substring(point + 1);
        if (intPart.equals("0") && intDigits > 0) {
            intPart = "";
        }
        boolean overflow = intPart.length() > intDigits;
        // digits of the integer part, right-aligned in the template's positions
        String ints = overflow ? "" : ToChar.pad(intPart, intDigits, ' ');
        StringBuilder out = new StringBuilder();
        boolean signWritten = false;
        int digit = 0;
        int frc = 0;
        boolean printing = false;
        boolean afterPoint = false;
        for (int i = 0; i < fmt.length(); i++) {
            char raw = fmt.charAt(i);
            char c = Character.toUpperCase(raw);
            if (c == '"') {
                int end = quoteEnd(i);
                for (int k = i + 1; k < end; k++) {
                    if (fmt.charAt(k) == '\\' && k + 1 < end) {
                        k++;
                    }
                    out.append(fmt.charAt(k));
                }
                i = end;
            } else if ((c == '9' || c == '0') && !afterPoint) {
                char d = overflow ? '#' : ints.charAt(digit);
                boolean zeroHere = firstZero >= 0 && digit >= firstZero;
                if (!overflow && d == ' ' && (zeroHere || digit == intDigits - 1 && intPart.isEmpty() && (frac.isEmpty() || fm && zero))) {
                    d = '0';
                }
                if (d != ' ' && !printing) {
                    printing = true;
                    if (!explicitSign && !signWritten || angle && !signWritten) {
                        out.append(slot(negative));
                        signWritten = true;
                    }
                }
                if (d == ' ') {
                    if (!fm) {
                        out.append(' ');
                    }
                } else {
                    out.append(d);
                }
                digit++;
            } else if ((c == '9' || c == '0') && afterPoint) {
                out.append(overflow ? '#' : frac.charAt(frc));
                frc++;
            } else if (c == '.' || c == 'D') {
                if (!printing && (!explicitSign || angle) && !signWritten) {
                    out.append(slot(negative));
                    signWritten = true;
                    printing = true;
                }
                out.append('.');
                afterPoint = true;
            } else if (c == ',' || c == 'G') {
                if (printing) {
                    out.append(',');
                } else if (!fm) {
                    out.append(' ');
                }
            } else if (fmt.regionMatches(true, i, "FM", 0, 2)) {
                i++;
            } else if (fmt.regionMatches(true, i, "PR", 0, 2)) {
                i++;
            } else if (fmt.regionMatches(true, i, "MI", 0, 2)) {
                out.append(negative ? '-' : fm ? "" : " ");
                i++;
            } else if (fmt.regionMatches(true, i, "PL", 0, 2)) {
                out.append(negative ? (fm ? "" : " ") : "+");
                i++;
            } else if (fmt.regionMatches(true, i, "SG", 0, 2)) {
                out.append(negative ? '-' : '+');
                i++;
            } else if (fmt.regionMatches(true, i, "TH", 0, 2)) {
                if (!negative && !overflow && !hasPoint) {
                    out.append(ToChar.ordinal(intPart.isEmpty() ? "0" : intPart, raw == 'T'));
                }
                i++;
            } else if (c == 'S') {
                if (!leadingS) {
                    out.append(negative ? '-' : '+');
                }
            } else if (c == 'L') {
                out.append(' ');
            } else {
                out.append(raw);
            }
        }
        if (!signWritten && (!explicitSign || angle)) {
            // no digit printed (a value of 0 in a template of 9s): the sign slot still counts
            out.insert(0, slot(negative));
        }
        String s = out.toString();
        if (fm && hasPoint && fracDigits > 0) {
            s = trimFraction(s);
        }
        if (angle) {
            s = s + (negative ? ">" : fm ? "" : " ");
        }
        return s;
    }

    /** What stands before the first digit: the minus sign (or PR's bracket, or S's plus), else a blank outside fill mode. */
    private String slot(boolean negative) {
        return negative ? (angle ? "<" : "-") : leadingS ? "+" : fm ? "" : " ";
    }

    /** The index of the quote that closes the one at {@code open} (a backslash escapes one inside). */
    private int quoteEnd(int open) {
        for (int k = open + 1; k < fmt.length(); k++) {
            if (fmt.charAt(k) == '\\') {
                k++;
            } else if (fmt.charAt(k) == '"') {
                return k;
            }
        }
        return fmt.length();
    }

    /** EEEE: one digit, the fraction's digits and a signed exponent of at least two digits. */
    private String scientific(BigDecimal value) {
        boolean negative = value.signum() < 0;
        BigDecimal a = value.abs();
        int exponent = a.signum() == 0 ? 0 : a.precision() - a.scale() - 1;
        BigDecimal mantissa = a.movePointLeft(exponent).setScale(fracDigits, RoundingMode.HALF_UP);
        if (mantissa.compareTo(BigDecimal.TEN) >= 0) {
            exponent++;
            mantissa = a.movePointLeft(exponent).setScale(fracDigits, RoundingMode.HALF_UP);
        }
        String e = (exponent < 0 ? "-" : "+") + ToChar.pad(Integer.toString(Math.abs(exponent)), 2, '0');
        return slot(negative) + mantissa.toPlainString() + "e" + e;
    }

    /** Fill mode drops trailing zeros of the fraction that 9s (not 0s) stand for. */
    private String trimFraction(String s) {
        int point = s.lastIndexOf('.');
        if (point < 0) {
            return s;
        }
        int keep = 0;
        String fracFmt = fmt.substring(Math.max(fmt.lastIndexOf('.'), fmt.toUpperCase(Locale.ROOT).lastIndexOf('D')) + 1);
        int zeros = fracFmt.lastIndexOf('0') + 1;
        int end = s.length();
        int digitsEnd = point + 1;
        while (digitsEnd < s.length() && (Character.isDigit(s.charAt(digitsEnd)) || s.charAt(digitsEnd) == '#')) {
            digitsEnd++;
        }
        int cut = digitsEnd;
        while (cut > point + 1 + Math.max(keep, zeros) && s.charAt(cut - 1) == '0') {
            cut--;
        }
        return s.substring(0, cut) + s.substring(digitsEnd, end);
    }
}
