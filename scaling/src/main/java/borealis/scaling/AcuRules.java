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
}
