package borealis.engine.pg.session;

import borealis.engine.pg.PgError;
import borealis.engine.pg.PgException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * COPY's binary format: a signature, flags and a header extension, then per row a 16-bit field
 * count and per field a 32-bit length (-1 for NULL) followed by the value in its type's binary
 * form, and a trailer of -1. Rows arrive split across CopyData messages at any byte, so the
 * decoder keeps what it has not consumed. Every length is the client's: checked against what
 * arrived and against the column count before anything is allocated for it.
 */
final class CopyBinary {

    static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
    static final byte[] TRAILER = {(byte) 0xff, (byte) 0xff};
    /** PostgreSQL's limit for one field (1 GB); a length above it is a corrupt or hostile stream. */
    private static final int MAX_FIELD_BYTES = 1 << 30;

    private CopyBinary() {}

    /** The header COPY TO sends first: signature, no flags, an empty extension. */
    static byte[] header() {
        return ByteBuffer.allocate(SIGNATURE.length + 8).put(SIGNATURE).putInt(0).putInt(0).array();
    }

    /** One row: the field count, then each value with its length (null: -1). */
    static byte[] row(byte[][] values) {
        int size = 2;
        for (byte[] v : values) {
            size += 4 + (v == null ? 0 : v.length);
        }
        ByteBuffer b = ByteBuffer.allocate(size).putShort((short) values.length);
        for (byte[] v : values) {
            if (v == null) {
                b.putInt(-1);
            } else {
                b.putInt(v.length).put(v);
            }
        }
        return b.array();
    }

    /** Splits an incoming binary COPY stream into rows of raw field values. */
    static final class Decoder {
        private final int columns;
        private final String table;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private boolean headerRead;
        private boolean ended;
        private long line;

        Decoder(int columns, String table) {
            this.columns = columns;
            this.table = table;
        }

        /** The complete rows in what has arrived so far. */
        List<byte[][]> rows(byte[] data) {
            if (ended) {
                return List.of(); // what follows the trailer is ignored, as PostgreSQL does
            }
            pending.write(data, 0, data.length);
            byte[] buf = pending.toByteArray();
            ByteBuffer b = ByteBuffer.wrap(buf);
            List<byte[][]> out = new ArrayList<>();
            if (!headerRead) {
                if (b.remaining() < SIGNATURE.length + 8) {
                    return out;
                }
                byte[] sig = new byte[SIGNATURE.length];
                b.get(sig);
                if (!Arrays.equals(sig, SIGNATURE)) {
                    throw error("COPY file signature not recognized");
                }
                int flags = b.getInt();
                // Bits 0-15 are critical (unknown ones abort), bit 16 is WITH OIDS (gone since
                // PostgreSQL 12), bits 17-31 may be ignored.
                if ((flags & 0xffff) != 0) {
                    throw error("invalid COPY file header (unrecognized critical flags)");
                }
                if ((flags & (1 << 16)) != 0) {
                    throw error("invalid COPY file header (WITH OIDS)");
                }
                int extension = b.getInt();
                if (extension < 0 || extension > b.remaining()) {
                    if (extension < 0) {
                        throw error("invalid COPY file header (missing length)");
                    }
                    return keep(buf, 0, out); // the extension has not fully arrived
                }
                b.position(b.position() + extension);
                headerRead = true;
            }
            while (!ended) {
                int rowStart = b.position();
                if (b.remaining() < 2) {
                    break;
                }
                short count = b.getShort();
                if (count == -1) {
                    ended = true;
                    b.position(b.limit());
                    break;
                }
                line++;
                if (count != columns) {
                    throw error("row field count is " + count + ", expected " + columns);
                }
                byte[][] fields = new byte[columns][];
                boolean complete = true;
                for (int i = 0; i < columns; i++) {
                    if (b.remaining() < 4) {
                        complete = false;
                        break;
                    }
                    int len = b.getInt();
                    if (len == -1) {
                        continue;
                    }
                    if (len < -1 || len > MAX_FIELD_BYTES) {
                        throw error("invalid field size");
                    }
                    if (b.remaining() < len) {
                        complete = false;
                        break;
                    }
                    fields[i] = new byte[len];
                    b.get(fields[i]);
                }
                if (!complete) {
                    line--;
                    b.position(rowStart);
                    break;
                }
                out.add(fields);
            }
            return keep(buf, b.position(), out);
        }

        private List<byte[][]> keep(byte[] buf, int consumed, List<byte[][]> out) {
            pending.reset();
            pending.write(buf, consumed, buf.length - consumed);
            return out;
        }

        /** CopyDone: nothing may be left half-read. */
        void finish() {
            if (!headerRead || (!ended && pending.size() > 0)) {
                throw error("unexpected EOF in COPY data");
            }
        }

        private PgException error(String message) {
            return new PgException(new PgError("ERROR", "22P04", message, "COPY " + table + ", line " + (line + 1), null));
        }
    }
}
