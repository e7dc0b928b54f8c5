package borealis.engine.pg.types;

import java.util.Locale;

/**
 * The order PostgreSQL reads an all-numeric date's fields in ({@code 01/02/03}): the second part
 * of the DateStyle setting. Only fields of one or two digits are read by it.
 */
public enum DateOrder {
    MDY, DMY, YMD;

    /** The order of a DateStyle value as SHOW reports it ({@code ISO, MDY}); MDY when it names none. */
    public static DateOrder of(String dateStyle) {
        DateOrder order = MDY;
        if (dateStyle == null) {
            return order;
        }
        for (String part : dateStyle.toUpperCase(Locale.ROOT).split("[\\s,]+")) {
            switch (part) {
                case "DMY", "EURO", "EUROPEAN" -> order = DMY;
                case "YMD" -> order = YMD;
                case "MDY", "US", "NONEURO", "NONEUROPEAN" -> order = MDY;
                default -> { }
            }
        }
        return order;
    }
}
