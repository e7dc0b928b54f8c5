package borealis.engine.pg.session;

/**
 * The commit windows one call of a session opens ({@link CommitLog#commitWindowOpened}): one
 * before any commit of this session can become visible to others (COMMIT, the end of an implicit
 * transaction, a statement in autocommit mode, DDL, which H2 commits), all closed when the call
 * ends, so that rows shown by other sessions wait for the store that carries those commits.
 */
final class CommitWindows {

    private final CommitLog commits;
    private int open;

    CommitWindows(CommitLog commits) {
        this.commits = commits;
    }

    /** Others may see a commit of this session from now until the call ends. */
    void open() {
        commits.commitWindowOpened();
        open++;
    }

    /**
     * A statement is about to run: one that commits by itself opens a window, unless H2 found it
     * read-only ({@code readOnly}: a query calling no function that could write). Every autocommit
     * SELECT opened one, so with 8 clients some window was always open and every answer had to store.
     */
    void statementStarts(Command c, Transactions tx, java.util.function.BooleanSupplier readOnly) {
        Command.Kind k = c.kind();
        boolean runsInH2 = k == Command.Kind.ENGINE || k == Command.Kind.DO || k == Command.Kind.COPY || k == Command.Kind.SCHEMA;
        if (c.commitsImplicitly() || runsInH2 && tx.status() == 'I' && !tx.isImplicit() && !(k == Command.Kind.ENGINE && readOnly.getAsBoolean())) {
            open();
        }
    }

    /** The call ended: every commit it made is done. */
    void closeAll() {
        for (; open > 0; open--) {
            commits.commitWindowClosed();
        }
    }
}
