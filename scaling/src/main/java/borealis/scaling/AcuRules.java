package borealis.scaling;

/** The capacity bounds of Aurora Serverless v2: 0 or 0.5 to 256 ACU, in steps of 0.5. */
public final class AcuRules {

    public static final double MAX = 256;
    public static final double STEP = 0.5;

    private AcuRules() {}

    public static boolean isStep(double acu) {
        return acu * 2 == Math.rint(acu * 2);
    }

    public static boolean validMin(double acu) {
        return acu == 0 || (acu >= STEP && acu <= MAX && isStep(acu));
    }

    public static boolean validMax(double acu) {
        return acu >= STEP && acu <= MAX && isStep(acu);
    }

    /** The smallest step at or above {@code acu} (a tiny tolerance absorbs floating-point noise). */
    public static double roundUp(double acu) {
        return Math.ceil(acu / STEP - 1e-9) * STEP;
    }

    /** The largest step at or below {@code acu}. */
    public static double roundDown(double acu) {
        return Math.floor(acu / STEP + 1e-9) * STEP;
    }

    /** {@code acu} within [min, max], where a running instance never has less than one step. */
    public static double clamp(double acu, double min, double max) {
        return Math.max(Math.max(min, STEP), Math.min(max, acu));
    }
}
