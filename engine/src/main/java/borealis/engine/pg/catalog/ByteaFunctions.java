package borealis.engine.pg.catalog;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;

/**
 * PostgreSQL's bytea functions H2 lacks (sha224, sha256, sha384, sha512, get_byte, set_byte,
 * get_bit, set_bit, bit_count), installed by {@link PgCatalog}. Bits are numbered as PostgreSQL
 * numbers them: bit n is bit n % 8 (from the least significant) of byte n / 8.
 */
public final class ByteaFunctions {

    private ByteaFunctions() {}

    private static byte[] digest(String algorithm, byte[] data) throws NoSuchAlgorithmException {
        return data == null ? null : MessageDigest.getInstance(algorithm).digest(data);
    }

    public static byte[] sha224(byte[] data) throws NoSuchAlgorithmException {
        return digest("SHA-224", data);
    }

    public static byte[] sha256(byte[] data) throws NoSuchAlgorithmException {
        return digest("SHA-256", data);
    }

    public static byte[] sha384(byte[] data) throws NoSuchAlgorithmException {
        return digest("SHA-384", data);
    }

    public static byte[] sha512(byte[] data) throws NoSuchAlgorithmException {
        return digest("SHA-512", data);
    }

    private static void inRange(long n, long size) throws SQLException {
        if (n < 0 || n >= size) {
            throw new SQLException("index " + n + " out of valid range, 0.." + (size - 1), "2202E");
        }
    }

    public static Integer get_byte(byte[] data, Integer n) throws SQLException {
        if (data == null || n == null) {
            return null;
        }
        inRange(n, data.length);
        return data[n] & 0xff;
    }

    public static byte[] set_byte(byte[] data, Integer n, Integer value) throws SQLException {
        if (data == null || n == null || value == null) {
            return null;
        }
        inRange(n, data.length);
        byte[] out = data.clone();
        out[n] = (byte) (int) value;
        return out;
    }

    public static Integer get_bit(byte[] data, Long n) throws SQLException {
        if (data == null || n == null) {
            return null;
        }
        inRange(n, data.length * 8L);
        return data[(int) (n / 8)] >> (int) (n % 8) & 1;
    }

    public static byte[] set_bit(byte[] data, Long n, Integer bit) throws SQLException {
        if (data == null || n == null || bit == null) {
            return null;
        }
        inRange(n, data.length * 8L);
        if (bit != 0 && bit != 1) {
            throw new SQLException("new bit must be 0 or 1", "22023");
        }
        byte[] out = data.clone();
        int mask = 1 << (int) (n % 8);
        out[(int) (n / 8)] = (byte) (bit == 1 ? out[(int) (n / 8)] | mask : out[(int) (n / 8)] & ~mask);
        return out;
    }

    public static Long bit_count(byte[] data) {
        if (data == null) {
            return null;
        }
        long n = 0;
        for (byte b : data) {
            n += Integer.bitCount(b & 0xff);
        }
        return n;
    }
}
