package borealis.persistence.backup;

/**
 * Names of the objects that carry numbers ({@code <dir>/<a>-<b>-<c>.<ext>}, LSNs zero-padded so
 * that a listing sorts them): what the catalog learns from a listing without reading an object.
 */
final class ObjectNames {

    private ObjectNames() {}

    static String name(String volumePrefix, String dir, long lsnA, long lsnB, long millis, String ext) {
        return volumePrefix + dir + "/" + String.format("%020d-%020d-%d.%s", lsnA, lsnB, millis, ext);
    }

    /** The three numbers of {@code key}, or null when it is not such a name with extension {@code ext}. */
    static long[] numbers(String key, String ext) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        if (!name.endsWith("." + ext)) {
            return null;
        }
        String[] parts = name.substring(0, name.length() - ext.length() - 1).split("-");
        try {
            return parts.length == 3 ? new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2])} : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
