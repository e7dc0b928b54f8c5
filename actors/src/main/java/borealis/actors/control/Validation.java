package borealis.actors.control;

import borealis.actors.cluster.ClusterNames;
import borealis.actors.cluster.DbCluster;
import borealis.scaling.AcuRules;
import java.util.regex.Pattern;

/**
 * The form of every admin request, checked before anything is created. Each check returns null
 * when the value is acceptable, otherwise a message that says what was wrong and what is allowed.
 */
final class Validation {

    static final int MAX_DESCRIPTION = 256;
    static final int MIN_PASSWORD = 8;
    /** Longer passwords only cost PBKDF2 time; PostgreSQL clients send far less. */
    static final int MAX_PASSWORD = 1024;
    static final int MAX_CLUSTERS_LIMIT = 10_000;
    /** A week: longer than any sensible idle period, short enough to catch unit mistakes (ms for s). */
    static final int MAX_SECONDS_UNTIL_AUTO_PAUSE = 7 * 24 * 3600;
    static final int MAX_CLIENT_TOKEN = 64;
    private static final Pattern USER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Pattern CLIENT_TOKEN = Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_CLIENT_TOKEN + "}");

    private Validation() {}

    static String tenantName(String name) {
        if (name == null || name.isEmpty()) {
            return "tenant name is required: 1-63 lower-case letters, digits and hyphens, starting with a letter";
        }
        return ClusterNames.validName(name) ? null
                : "tenant name \"" + printable(name) + "\" is invalid: use 1-63 lower-case letters, digits and hyphens, starting with a "
                        + "letter (it becomes part of connection strings: <tenant>.<cluster>)";
    }

    static String clusterName(String name) {
        if (name == null || name.isEmpty()) {
            return "cluster name is required: 1-63 lower-case letters, digits and hyphens, starting with a letter";
        }
        if (!ClusterNames.validName(name)) {
            return "cluster name \"" + printable(name) + "\" is invalid: use 1-63 lower-case letters, digits and hyphens, starting with a "
                    + "letter (it becomes part of connection strings: <tenant>.<cluster>)";
        }
        if (!ClusterNames.validClusterName(name)) {
            return "cluster name \"" + name + "\" is invalid: it may not end in \"-\" or \"" + ClusterNames.READER_SUFFIX
                    + "\" (<tenant>.<cluster>" + ClusterNames.READER_SUFFIX + " is the reader endpoint)";
        }
        return null;
    }

    /** Role names PostgreSQL reserves (public, none and the current-role keywords); "public" is also every engine user's role. */
    private static final java.util.List<String> RESERVED_ROLES = java.util.List.of("public", "none", "current_user", "session_user",
            "current_role");

    static String userName(String field, String user) {
        if (user == null || !USER.matcher(user).matches()) {
            return field + " must be 1-63 letters, digits or underscores, starting with a letter or underscore"
                    + (user == null ? "" : ", got \"" + printable(user) + "\"");
        }
        String lower = user.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("pg_") || lower.startsWith("borealis")) {
            return field + " \"" + user + "\" is reserved: names starting with pg_ or borealis are not allowed";
        }
        if (RESERVED_ROLES.contains(lower)) {
            return field + " \"" + user + "\" is reserved: PostgreSQL does not allow the role names " + RESERVED_ROLES;
        }
        return null;
    }

    static String password(String field, String password) {
        if (password == null || password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
            return field + " must have " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters"
                    + (password == null ? "" : ", got " + password.length());
        }
        if (password.chars().anyMatch(ch -> ch == 0)) {
            return field + " may not contain NUL characters";
        }
        return null;
    }

    static String minAcu(double min) {
        return AcuRules.validMin(min) ? null : "minAcu must be 0 (the cluster may pause) or between 0.5 and 256 in steps of 0.5, got " + min;
    }

    static String maxAcu(double max) {
        return AcuRules.validMax(max) ? null : "maxAcu must be between 0.5 and 256 in steps of 0.5, got " + max;
    }

    static String acuRange(double min, double max) {
        return min <= max ? null : "minAcu (" + min + ") must not exceed maxAcu (" + max + ")";
    }

    static String secondsUntilAutoPause(Integer seconds) {
        if (seconds == null) {
            return null;
        }
        return seconds >= 1 && seconds <= MAX_SECONDS_UNTIL_AUTO_PAUSE ? null
                : "secondsUntilAutoPause must be between 1 and " + MAX_SECONDS_UNTIL_AUTO_PAUSE + ", got " + seconds;
    }

    static String description(String description) {
        if (description == null) {
            return null;
        }
        if (description.length() > MAX_DESCRIPTION) {
            return "description may have at most " + MAX_DESCRIPTION + " characters, got " + description.length();
        }
        return description.chars().anyMatch(Character::isISOControl) ? "description may not contain control characters" : null;
    }

    static String maxClusters(Integer max) {
        if (max == null) {
            return null;
        }
        return max >= 1 && max <= MAX_CLUSTERS_LIMIT ? null : "maxClusters must be between 1 and " + MAX_CLUSTERS_LIMIT + ", got " + max;
    }

    static String clientToken(String token) {
        if (token == null) {
            return null;
        }
        return CLIENT_TOKEN.matcher(token).matches() ? null
                : "clientToken must be 1-" + MAX_CLIENT_TOKEN + " letters, digits, '.', '_', ':' or '-'";
    }

    static String readerNumber(Integer n) {
        if (n == null) {
            return null;
        }
        return n >= 1 && n <= DbCluster.MAX_READERS ? null
                : "reader instance number must be between 1 and " + DbCluster.MAX_READERS + ", got " + n;
    }

    /** The first problem of several checks, or null. */
    static String first(String... problems) {
        for (String p : problems) {
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    /** Echoes user input in messages without control characters or unbounded length. */
    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        StringBuilder b = new StringBuilder();
        cut.codePoints().forEach(cp -> b.append(Character.isISOControl(cp) ? "?" : Character.toString(cp)));
        return b.toString();
    }
}
