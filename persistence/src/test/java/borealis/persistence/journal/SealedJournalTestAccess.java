package borealis.persistence.journal;

import java.io.IOException;
import java.nio.file.Path;

/** For tests in other packages: whether any file under a directory holds a text. */
public final class SealedJournalTestAccess {

    private SealedJournalTestAccess() {}

    public static boolean anyFileContains(Path root, String text) throws IOException {
        return SealedJournalTest.anyFileContains(root, text);
    }
}
