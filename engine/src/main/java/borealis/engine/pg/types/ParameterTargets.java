package borealis.engine.pg.types;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/**
 * What a statement does with a parameter, as H2's parameter metadata tells it: the date/time,
 * JSON or numeric(p,s) value it is assigned to or compared with. A parameter's text is bound in the
 * form its target takes ({@link PgValues#bind}).
 */
final class ParameterTargets {

    private ParameterTargets() {}

    /**
     * Whether text bound to a date/time parameter needs rewriting for H2 (an infinity, a BC date, a month name).
     * The target first: parsing every untyped value as a date/time took 6.8% of the node's CPU in bin/bench-pgbench.
     */
    static boolean isDateTimeNeedingRewrite(PreparedStatement ps, int index, String text) {
        return dateTimeTarget(ps, index) != null && PgDateTimes.needsRewrite(text);
    }

    /** The H2 date/time type (DATE, TIMESTAMP, TIMESTAMP WITH TIME ZONE) a parameter is assigned to or cast to, or null. */
    static String dateTimeTarget(PreparedStatement ps, int index) {
        try {
            return switch (ps.getParameterMetaData().getParameterType(index)) {
                case Types.DATE -> "DATE";
                case Types.TIMESTAMP -> "TIMESTAMP";
                case Types.TIMESTAMP_WITH_TIMEZONE -> "TIMESTAMP WITH TIME ZONE";
                default -> null;
            };
        } catch (SQLException e) {
            return null;
        }
    }

    /** Whether a parameter is assigned to or compared with an H2 JSON value (a jsonb column). */
    static boolean jsonTarget(PreparedStatement ps, int index) {
        try {
            return "JSON".equals(ps.getParameterMetaData().getParameterTypeName(index));
        } catch (SQLException e) {
            return true;
        }
    }

    /** The precision and scale of the numeric(p,s) a parameter is assigned to (INSERT VALUES, UPDATE SET), or null. */
    static int[] numericTarget(PreparedStatement ps, int index) {
        try {
            java.sql.ParameterMetaData md = ps.getParameterMetaData();
            if (md.getParameterType(index) == Types.NUMERIC && md.getPrecision(index) <= PgNumerics.MAX_CONSTRAINED_PRECISION) {
                return new int[] {md.getPrecision(index), md.getScale(index)};
            }
        } catch (SQLException e) {
            // no metadata: the value as given
        }
        return null;
    }
}
