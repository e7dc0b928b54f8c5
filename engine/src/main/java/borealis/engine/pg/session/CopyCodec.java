package borealis.engine.pg.session;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * COPY's text and CSV row formats: splitting the incoming byte stream into rows (a row may span
 * CopyData messages, and a CSV field may contain newlines), decoding fields, and encoding rows.
 */
final class CopyCodec {

    private final CopyStatement copy;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private boolean inQuotes;
    private boolean headerSkipped;

    CopyCodec(CopyStatement copy) {
        this.copy = copy;
    }

    boolean binary() {
        return copy.binary();
    }

    /**
     * The binary header waits for the first row: PostgreSQL sends the two in one CopyData, and
     * psycopg reads the first row from the message that carries the header ("fields number truncated").
     */
    private boolean headerPending = true;

    /** A binary row's CopyData (with the header before the first). */
    byte[] binaryRow(byte[][] values) {
        return withHeader(CopyBinary.row(values));
    }

    /** The binary trailer's CopyData (with the header when there were no rows). */
    byte[] binaryTrailer() {
        return withHeader(CopyBinary.TRAILER);
    }

    private byte[] withHeader(byte[] data) {
        if (!headerPending) {
            return data;
        }
        headerPending = false;
        byte[] header = CopyBinary.header();
        byte[] out = new byte[header.length + data.length];
        System.arraycopy(header, 0, out, 0, header.length);
        System.arraycopy(data, 0, out, header.length, data.length);
        return out;
    }

    /** Adds received bytes; returns the complete rows (as decoded fields; null is SQL NULL). */
    List<String[]> rows(byte[] data) {
        List<String[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < data.length; i++) {
            byte b = data[i];
            if (copy.csv() && b == copy.quote()) {
                inQuotes = !inQuotes;
            } else if (b == '\n' && !inQuotes) {
                partial.write(data, start, i - start);
                line(partial.toString(StandardCharsets.UTF_8), out);
                partial.reset();
                start = i + 1;
            }
        }
        partial.write(data, start, data.length - start);
        return out;
    }

    /** The rest at CopyDone: a last line without a newline. */
    List<String[]> finish() {
        List<String[]> out = new ArrayList<>();
        if (partial.size() > 0) {
            line(partial.toString(StandardCharsets.UTF_8), out);
            partial.reset();
        }
        return out;
    }

    private void line(String line, List<String[]> out) {
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        if (line.equals("\\.")) {
            return; // end-of-data marker of the old protocol
        }
        if (copy.header() && !headerSkipped) {
            headerSkipped = true;
            return;
        }
        out.add(copy.csv() ? csvFields(line) : textFields(line));
    }

    private String[] textFields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int rawStart = 0;
        for (int i = 0; i <= line.length(); i++) {
            if (i == line.length() || line.charAt(i) == copy.delimiter()) {
                String raw = line.substring(rawStart, i);
                fields.add(raw.equals(copy.nullString()) ? null : cur.toString());
                cur.setLength(0);
                rawStart = i + 1;
                continue;
            }
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                char e = line.charAt(++i);
                switch (e) {
                    case 'b' -> cur.append('\b');
                    case 'f' -> cur.append('\f');
                    case 'n' -> cur.append('\n');
                    case 'r' -> cur.append('\r');
                    case 't' -> cur.append('\t');
                    case 'v' -> cur.append('\u000b');
                    case 'x' -> {
                        int j = i + 1;
                        while (j < line.length() && j < i + 3 && Character.digit(line.charAt(j), 16) >= 0) {
                            j++;
                        }
                        if (j > i + 1) {
                            cur.append((char) Integer.parseInt(line.substring(i + 1, j), 16));
                            i = j - 1;
                        } else {
                            cur.append('x');
                        }
                    }
                    default -> {
                        if (e >= '0' && e <= '7') {
                            int j = i;
                            while (j < line.length() && j < i + 3 && line.charAt(j) >= '0' && line.charAt(j) <= '7') {
                                j++;
                            }
                            cur.append((char) Integer.parseInt(line.substring(i, j), 8));
                            i = j - 1;
                        } else {
                            cur.append(e);
                        }
                    }
                }
            } else {
                cur.append(c);
            }
        }
        return fields.toArray(new String[0]);
    }

    private String[] csvFields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i <= line.length(); i++) {
            if (i == line.length() || (!quoted && line.charAt(i) == copy.delimiter())) {
                String v = cur.toString();
                fields.add(!wasQuoted && v.equals(copy.nullString()) ? null : v);
                cur.setLength(0);
                wasQuoted = false;
                continue;
            }
            char c = line.charAt(i);
            if (quoted) {
                if (c == copy.escape() && i + 1 < line.length() && line.charAt(i + 1) == copy.quote() && copy.escape() != copy.quote()) {
                    cur.append(copy.quote());
                    i++;
                } else if (c == copy.quote()) {
                    if (i + 1 < line.length() && line.charAt(i + 1) == copy.quote() && copy.escape() == copy.quote()) {
                        cur.append(c);
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cur.append(c);
                }
            } else if (c == copy.quote()) {
                quoted = true;
                wasQuoted = true;
            } else {
                cur.append(c);
            }
        }
        return fields.toArray(new String[0]);
    }

    /** One row in COPY's output format, with its newline. */
    byte[] encode(String[] values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(copy.delimiter());
            }
            String v = values[i];
            if (v == null) {
                sb.append(copy.nullString());
            } else if (copy.csv()) {
                boolean needsQuote = v.isEmpty() && copy.nullString().isEmpty() || v.indexOf(copy.delimiter()) >= 0
                        || v.indexOf(copy.quote()) >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0 || v.equals(copy.nullString());
                if (needsQuote) {
                    sb.append(copy.quote());
                    for (char c : v.toCharArray()) {
                        if (c == copy.quote() || c == copy.escape()) {
                            sb.append(copy.escape());
                        }
                        sb.append(c);
                    }
                    sb.append(copy.quote());
                } else {
                    sb.append(v);
                }
            } else {
                for (char c : v.toCharArray()) {
                    switch (c) {
                        case '\\' -> sb.append("\\\\");
                        case '\n' -> sb.append("\\n");
                        case '\r' -> sb.append("\\r");
                        case '\t' -> sb.append("\\t");
                        case '\b' -> sb.append("\\b");
                        case '\f' -> sb.append("\\f");
                        case '\u000b' -> sb.append("\\v");
                        default -> {
                            if (c == copy.delimiter()) {
                                sb.append('\\');
                            }
                            sb.append(c);
                        }
                    }
                }
            }
        }
        sb.append('\n');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The header line of CSV output. */
    byte[] header(String[] names) {
        return encode(names);
    }
}
