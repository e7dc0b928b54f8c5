package borealis.engine.pg;

/**
 * How Borealis remembers that a foreign key is DEFERRABLE, which H2 has no words for: the
 * constraint's comment. H2 keeps a constraint's comment in its own definition, so the mark survives
 * a restart and the table copies H2 makes for ALTER TABLE, and it follows a RENAME. The translation
 * writes it, the catalog shows it (condeferrable, condeferred) and the engine reads it to check the
 * constraint at COMMIT.
 */
public final class DeferrableMark {

    private DeferrableMark() {}

    private static final String DEFERRED = "borealis: deferrable initially deferred";
    private static final String IMMEDIATE = "borealis: deferrable initially immediate";

    /** The comment that marks a constraint deferrable, deferred at first or not. */
    public static String comment(boolean initiallyDeferred) {
        return initiallyDeferred ? DEFERRED : IMMEDIATE;
    }

    public static boolean deferrable(String comment) {
        return DEFERRED.equals(comment) || IMMEDIATE.equals(comment);
    }

    public static boolean initiallyDeferred(String comment) {
        return DEFERRED.equals(comment);
    }
}
