package borealis.engine.pg.types;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;

/**
 * PostgreSQL's binary forms (format 1) that take computing, as its send functions write them:
 * timestamps as microseconds since 2000-01-01 (its infinities as the integer extremes), numeric
 * in base-10000 digits. Decoding the client's binary values: {@link BinaryValues}.
 */
final class BinaryForms {

    /** Day 0 of PostgreSQL's binary dates. */
    static final LocalDate PG_EPOCH_DATE = LocalDate.of(2000, 1, 1);
    private static final LocalDateTime PG_EPOCH = PG_EPOCH_DATE.atStartOfDay();

    private BinaryForms() {}

    /** A timestamp as PostgreSQL sends it: microseconds since 2000-01-01. */
    static long micros(LocalDateTime v) {
        int inf = PgDateTimes.infinity(v);
        if (inf != 0) {
            return inf > 0 ? Long.MAX_VALUE : Long.MIN_VALUE; // PostgreSQL's binary infinities
        }
        Duration d = Duration.between(PG_EPOCH, v);
        return d.getSeconds() * 1_000_000L + d.getNano() / 1000;
    }

    /** PostgreSQL numeric binary: ndigits, weight, sign, dscale, then base-10000 digits. */
    static byte[] numericBinary(BigDecimal value) {
        int sign = value.signum() < 0 ? 0x4000 : 0;
        BigDecimal v = value.abs();
        int dscale = Math.max(0, v.scale());
        if (v.scale() < 0) {
            v = v.setScale(0);
        }
        String s = v.toPlainString();
        int dot = s.indexOf('.');
        String ip = dot < 0 ? s : s.substring(0, dot);
        String fp = dot < 0 ? "" : s.substring(dot + 1);
        if (ip.equals("0")) {
            ip = "";
        }
        ip = "0".repeat((4 - ip.length() % 4) % 4) + ip;
        fp = fp + "0".repeat((4 - fp.length() % 4) % 4);
        String all = ip + fp;
        int n = all.length() / 4;
        short[] digits = new short[n];
        for (int i = 0; i < n; i++) {
            digits[i] = Short.parseShort(all.substring(i * 4, i * 4 + 4));
        }
        int weight = ip.length() / 4 - 1;
        int start = 0;
        while (start < n && digits[start] == 0) {
            start++;
            weight--;
        }
        int end = n;
        while (end > start && digits[end - 1] == 0) {
            end--;
        }
        if (start == end) {
            weight = 0;
        }
        ByteBuffer b = ByteBuffer.allocate(8 + 2 * (end - start));
        b.putShort((short) (end - start)).putShort((short) weight).putShort((short) sign).putShort((short) dscale);
        for (int i = start; i < end; i++) {
            b.putShort(digits[i]);
        }
        return b.array();
    }
}
