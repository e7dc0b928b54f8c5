package borealis.scaling;

/**
 * A cluster's serverless scaling configuration: {@code minAcu} 0 or 0.5-256, {@code maxAcu} 0.5-256,
 * steps of 0.5, and the idle seconds before an instance with {@code minAcu} 0 pauses.
 */
public record ScalingConfig(double minAcu, double maxAcu, int secondsUntilAutoPause) {

    /** What is wrong with a configuration, in words a user can act on; null when it is valid. */
    public static String problem(double minAcu, double maxAcu, int secondsUntilAutoPause) {
        if (!AcuRules.validMin(minAcu)) {
            return "minAcu must be 0 or between 0.5 and 256 in steps of 0.5, got " + minAcu;
        }
        if (!AcuRules.validMax(maxAcu)) {
            return "maxAcu must be between 0.5 and 256 in steps of 0.5, got " + maxAcu;
        }
        if (minAcu > maxAcu) {
            return "minAcu (" + minAcu + ") must not exceed maxAcu (" + maxAcu + ")";
        }
        if (secondsUntilAutoPause < 1) {
            return "secondsUntilAutoPause must be at least 1, got " + secondsUntilAutoPause;
        }
        return null;
    }

    public ScalingConfig {
        String p = problem(minAcu, maxAcu, secondsUntilAutoPause);
        if (p != null) {
            throw new IllegalArgumentException(p);
        }
    }

    /** Whether an idle instance may pause (Aurora: only when the minimum is 0). */
    public boolean pausable() {
        return minAcu == 0;
    }

    /** The allocation an instance starts (or resumes) with. */
    public double startAcu() {
        return Math.max(minAcu, AcuRules.STEP);
    }
}
