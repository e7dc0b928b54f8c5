package borealis.persistence.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Where backups live: objects under {@code /}-separated keys, each written whole or not at all
 * (the shape of an object store, so that a local directory and an S3 bucket are interchangeable).
 * Keys are made by the backup layer from validated names only, never from what a client sent.
 */
public interface BackupStore {

    /** Stores {@code bytes} under {@code key}, replacing nothing half-way: readers see the old object or the new one. */
    void put(String key, byte[] bytes) throws IOException;

    /** Stores the content of {@code file} (which the store may move or delete) under {@code key}, atomically. */
    void put(String key, Path file) throws IOException;

    InputStream open(String key) throws IOException;

    /** Every key that starts with {@code prefix}, sorted. */
    List<String> list(String prefix) throws IOException;

    /** Removes {@code key}; a missing key is not an error. */
    void delete(String key) throws IOException;

    /** Where a temporary file for {@link #put(String, Path)} should be made (the same file system, for a move). */
    Path scratchDir() throws IOException;

    /** What the store is, for messages. */
    String describe();
}
