package borealis.ecosystem;

/** The outcome of one flow on one target: passed, or the first error (one line) and its full text. */
public record FlowResult(String id, boolean ok, String error, String detail, long millis) {

    static FlowResult passed(String id, long millis) {
        return new FlowResult(id, true, "", "", millis);
    }

    static FlowResult failed(String id, String error, String detail, long millis) {
        return new FlowResult(id, false, firstLine(error), detail == null ? "" : detail, millis);
    }

    static String firstLine(String s) {
        if (s == null || s.isBlank()) {
            return "(no message)";
        }
        String t = s.strip();
        int nl = t.indexOf('\n');
        String line = nl < 0 ? t : t.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
