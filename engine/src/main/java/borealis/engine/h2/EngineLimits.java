package borealis.engine.h2;

/**
 * Per-session limits a tenant cannot raise, enforced by H2 as database settings that only the
 * admin connection sets (when it opens the database).
 *
 * @param statementTimeoutCeilingMillis every statement is cancelled (SQLSTATE 57014) after this
 *                                      long; a tenant may ask for a shorter timeout, never a longer
 *                                      one, and "no timeout" means this ceiling (H2 MAX_QUERY_TIMEOUT)
 * @param maxMemoryRows                 rows of a result H2 holds in memory; beyond, it spills to
 *                                      node-local scratch files (H2 MAX_MEMORY_ROWS)
 * @param tempFileLimitBytes            scratch bytes the database's statements may hold at once (PostgreSQL's
 *                                      temp_file_limit; 53400 when exceeded); -1: no limit
 * @param storageQuotaBytes             size of the database's volume past which statements that would write
 *                                      are refused (53100 disk_full); -1: no quota
 */
public record EngineLimits(long statementTimeoutCeilingMillis, int maxMemoryRows, long tempFileLimitBytes, long storageQuotaBytes) {

    /** 30 minutes and 10,000 rows: generous for OLTP, and a runaway statement still ends; 4 GiB of scratch, no storage quota. */
    public static final EngineLimits DEFAULTS = new EngineLimits(30 * 60 * 1000L, 10_000, 4L << 30, -1);

    public EngineLimits {
        if (statementTimeoutCeilingMillis < 1 || statementTimeoutCeilingMillis > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("statement timeout ceiling must be 1 ms .. " + Integer.MAX_VALUE + " ms, got "
                    + statementTimeoutCeilingMillis);
        }
        if (maxMemoryRows < 100) {
            throw new IllegalArgumentException("max memory rows must be at least 100, got " + maxMemoryRows);
        }
        if (tempFileLimitBytes < -1 || storageQuotaBytes < -1) {
            throw new IllegalArgumentException("limits are bytes, or -1 for none");
        }
    }

    /** The settings to append to the admin connection's URL. */
    String urlSettings() {
        return ";MAX_QUERY_TIMEOUT=" + statementTimeoutCeilingMillis + ";MAX_MEMORY_ROWS=" + maxMemoryRows;
    }
}
