package borealis.engine.pg.session;

import borealis.engine.pg.wire.BackendWriter;
import java.sql.SQLException;

/**
 * FETCH and MOVE on a portal the client bound through the protocol (asyncpg's cursors MOVE their
 * own named portal). The rows a FETCH returns are the FETCH statement's, so they go out as text
 * whatever result formats the portal was bound with; the portal keeps its own for its Executes.
 */
final class ProtocolCursors {

    interface Step {
        void run() throws SQLException;
    }

    interface Starter {
        void start(Portal p) throws SQLException;
    }

    private ProtocolCursors() {}

    static void fetch(Starter starter, Portal p, boolean move, BackendWriter out, boolean describe, Step rows) throws SQLException {
        if (!p.executed) {
            starter.start(p); // a bound portal runs when first read, by Execute or by FETCH
        }
        if (move || p.binary == null) {
            rows.run();
            return;
        }
        boolean[] binary = p.binary;
        p.binary = new boolean[binary.length];
        try {
            if (describe && p.columns != null) {
                out.rowDescription(textColumns(p.columns));
            }
            rows.run();
        } finally {
            p.binary = binary;
        }
    }

    /** The columns as a FETCH describes them: in text. */
    static BackendWriter.Column[] textColumns(BackendWriter.Column[] columns) {
        BackendWriter.Column[] text = new BackendWriter.Column[columns.length];
        for (int i = 0; i < columns.length; i++) {
            BackendWriter.Column c = columns[i];
            text[i] = new BackendWriter.Column(c.name(), c.tableOid(), c.attnum(), c.typeOid(), c.typlen(), c.typmod(), (short) 0);
        }
        return text;
    }
}
