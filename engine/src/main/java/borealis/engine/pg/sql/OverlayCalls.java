package borealis.engine.pg.sql;

/**
 * The SQL standard's OVERLAY(string PLACING replacement FROM start [FOR count]), which H2 lacks,
 * becomes a call of the catalog's overlay(string, replacement, start [, count]).
 */
final class OverlayCalls {

    private final TokenList t;

    OverlayCalls(TokenList t) {
        this.t = t;
    }

    void rewrite() {
        for (int i = t.size() - 2; i >= 0; i--) {
            if (!t.get(i).isWord() || !t.get(i).name().equals("overlay") || !t.get(i + 1).isOpen()
                    || i > 0 && (t.get(i - 1).isDot() || t.get(i - 1).isOp("::"))) {
                continue;
            }
            int close = t.closing(i + 1);
            if (close < 0) {
                continue;
            }
            int placing = t.find(i + 2, close, "PLACING");
            int from = placing < 0 ? -1 : t.find(placing + 1, close, "FROM");
            if (from < 0) {
                continue;
            }
            int count = t.find(from + 1, close, "FOR");
            // right to left, so that the positions found stay valid
            if (count >= 0) {
                t.replace(count, count + 1, ",");
            }
            t.replace(from, from + 1, ",");
            t.replace(placing, placing + 1, ",");
        }
    }
}
