package borealis.engine.h2;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.util.List;
import org.h2.api.ErrorCode;
import org.h2.message.DbException;
import org.h2.store.fs.FilePath;

/**
 * A file-system scheme H2 may not use: every path under it looks absent, and opening, creating,
 * deleting or moving one fails. Registered by the engine sandbox for the schemes SQL must not
 * reach (archives, memory-mapped and split files, URLs), and used by {@link ScratchFiles} for
 * plain paths outside the scratch directory.
 */
public final class RefusedFilePath extends FilePath {

    private final String scheme;

    public RefusedFilePath(String scheme) {
        this(scheme, scheme + ":");
    }

    RefusedFilePath(String scheme, String name) {
        this.scheme = scheme;
        this.name = name;
    }

    /** The error H2 raises from operations that cannot throw an IOException. */
    static DbException refusal(String name) {
        return DbException.get(ErrorCode.IO_EXCEPTION_1, message(name));
    }

    /** What every refusal says; the error mapping looks for it. */
    public static final String REFUSED = borealis.engine.pg.PgError.HOST_ACCESS_REFUSED;

    static String message(String name) {
        return "access to \"" + name + "\" is refused: " + REFUSED;
    }

    private IOException refused() {
        return new IOException(message(name));
    }

    @Override
    public String getScheme() {
        return scheme;
    }

    @Override
    public FilePath getPath(String path) {
        return new RefusedFilePath(scheme, path);
    }

    @Override
    public long size() {
        return 0;
    }

    @Override
    public boolean exists() {
        return false;
    }

    @Override
    public boolean isDirectory() {
        return false;
    }

    @Override
    public boolean isRegularFile() {
        return false;
    }

    @Override
    public boolean isAbsolute() {
        return true;
    }

    @Override
    public long lastModified() {
        return 0;
    }

    @Override
    public boolean canWrite() {
        return false;
    }

    @Override
    public List<FilePath> newDirectoryStream() {
        return List.of();
    }

    @Override
    public FilePath toRealPath() {
        return this;
    }

    @Override
    public FilePath getParent() {
        return null;
    }

    @Override
    public FileChannel open(String mode) throws IOException {
        throw refused();
    }

    @Override
    public InputStream newInputStream() throws IOException {
        throw refused();
    }

    @Override
    public OutputStream newOutputStream(boolean append) throws IOException {
        throw refused();
    }

    @Override
    public FilePath createTempFile(String suffix, boolean inTempDir) throws IOException {
        throw refused();
    }

    @Override
    public boolean createFile() {
        throw refusal(name);
    }

    @Override
    public void createDirectory() {
        throw refusal(name);
    }

    @Override
    public void delete() {
        throw refusal(name);
    }

    @Override
    public void moveTo(FilePath newName, boolean atomicReplace) {
        throw refusal(name);
    }

    @Override
    public boolean setReadOnly() {
        throw refusal(name);
    }
}
