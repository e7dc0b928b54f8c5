package borealis.engine.h2;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.h2.store.fs.FileBaseDefault;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.disk.FilePathDisk;

/**
 * H2's plain paths (no scheme, {@code file:} and {@code nio:}): the node's scratch directory and
 * nothing else. H2 spills large results and LOBs in transit to temporary files; those go under
 * {@code <scratch>/<owner>/}, where the owner is the database whose statement runs on this thread
 * ({@link #enter}), and count against that database's quota ({@link Quota}: PostgreSQL's
 * temp_file_limit). Any other path looks absent and cannot be opened, created or deleted: this is
 * how SQL such as {@code RUNSCRIPT FROM '/etc/passwd'} or {@code SCRIPT TO '/tmp/x'} fails for every
 * H2 user, admin included.
 *
 * <p>H2 keeps the provider of plain paths in a {@code static final} field that no API sets;
 * {@link #installAsDefault} replaces it once, at start-up, before H2 has used it.
 */
public final class ScratchFiles extends FilePath {

    /** What FilePathDisk would open as a URL or a class-path resource. */
    private static final Pattern URL_LIKE = Pattern.compile("[a-zA-Z]{2,19}:.*");
    private static final String NODE_OWNER = "node";

    private static volatile Path root = Path.of(System.getProperty("java.io.tmpdir"), "borealis-scratch").toAbsolutePath().normalize();
    private static final Map<String, Quota> QUOTAS = new ConcurrentHashMap<>();
    /**
     * The key of this process's scratch files (H2's XTS-AES file encryption), made at start and
     * kept in memory only: a spill a crash leaves behind is noise. Null: plaintext.
     */
    private static volatile byte[] encryptionKey;
    private static final ThreadLocal<Quota> CURRENT = new ThreadLocal<>();

    private final String scheme;
    /** The real path when it lies under the scratch directory; null otherwise (refused). */
    private final Path path;

    private ScratchFiles(String scheme, String name, Path path) {
        this.scheme = scheme;
        this.name = name;
        this.path = path;
    }

    /** Where scratch files go (the node's data directory holds it); the default is under java.io.tmpdir. */
    public static void setRoot(Path scratch) {
        root = scratch.toAbsolutePath().normalize();
    }

    static Path root() {
        return root;
    }

    /** Whether scratch files opened from now on are encrypted, under a key made now. */
    public static void encrypt(boolean on) {
        if (on) {
            byte[] k = new byte[32];
            new java.security.SecureRandom().nextBytes(k);
            encryptionKey = k;
        } else {
            encryptionKey = null;
        }
    }

    /**
     * Makes this class H2's provider of plain paths and of {@code file:} and {@code nio:}. Fails
     * (and H2 keeps its own) if H2's field is not what this expects: the caller then refuses to run.
     */
    public static void installAsDefault() {
        ScratchFiles plain = new ScratchFiles("file", "", null);
        try {
            Field field = FilePath.class.getDeclaredField("defaultProvider");
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            Object unsafe = theUnsafe.get(null);
            Object base = unsafeClass.getMethod("staticFieldBase", Field.class).invoke(unsafe, field);
            long offset = (long) unsafeClass.getMethod("staticFieldOffset", Field.class).invoke(unsafe, field);
            unsafeClass.getMethod("putObjectVolatile", Object.class, long.class, Object.class).invoke(unsafe, base, offset, plain);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot confine H2's plain file paths to the scratch directory", e);
        }
        FilePath.register(plain);
        FilePath.register(new ScratchFiles("nio", "", null));
        if (!(FilePath.get("/etc/hostname") instanceof ScratchFiles probe) || probe.path != null) {
            throw new IllegalStateException("H2's plain file paths are not confined to the scratch directory");
        }
    }

    // ---- quotas and the current owner ----

    /** Temporary-file bytes one owner (a database) may hold at once. */
    public static final class Quota {
        private final String owner;
        private final long limitBytes;
        private final AtomicLong used = new AtomicLong();

        private Quota(String owner, long limitBytes) {
            this.owner = owner;
            this.limitBytes = limitBytes;
        }

        public long usedBytes() {
            return used.get();
        }

        void reserve(long bytes) throws IOException {
            long now = used.addAndGet(bytes);
            if (limitBytes >= 0 && now > limitBytes) {
                used.addAndGet(-bytes);
                throw new IOException(QUOTA_EXCEEDED + " (" + (limitBytes >> 10) + "kB)");
            }
        }

        void release(long bytes) {
            used.addAndGet(-bytes);
        }
    }

    /** PostgreSQL's words for the same limit (temp_file_limit); the error mapping looks for them. */
    public static final String QUOTA_EXCEEDED = borealis.engine.pg.PgError.TEMP_FILE_LIMIT_EXCEEDED;

    /** Registers a database's scratch quota ({@code limitBytes} < 0: none); its files go under {@code <scratch>/<owner>/}. */
    public static Quota register(String owner, long limitBytes) {
        Quota q = new Quota(owner, limitBytes);
        QUOTAS.put(owner, q);
        return q;
    }

    public static void unregister(Quota quota) {
        QUOTAS.remove(quota.owner, quota);
    }

    /** While the returned scope is open, temporary files this thread creates belong to {@code quota}'s owner. */
    public static AutoCloseable enter(Quota quota) {
        Quota before = CURRENT.get();
        CURRENT.set(quota);
        return () -> CURRENT.set(before);
    }

    private static Quota quotaOf(Path p) {
        Path rel = root.relativize(p);
        Quota q = rel.getNameCount() > 1 ? QUOTAS.get(rel.getName(0).toString()) : null;
        return q != null ? q : QUOTAS.computeIfAbsent(NODE_OWNER, o -> new Quota(o, -1));
    }

    // ---- paths ----

    /** A scratch path for a file H2 makes beside a volume's database ({@link VolumeFileSystem}). */
    static FilePath forVolume(String encodedVolume, String rest) {
        return new ScratchFiles("file", "", null).getPath(root.resolve(encodedVolume).resolve(rest).toString());
    }

    @Override
    public String getScheme() {
        return scheme;
    }

    @Override
    public FilePath getPath(String p) {
        String n = p.replace('\\', '/');
        if (n.startsWith("file:")) {
            n = n.substring(5);
        } else if (n.startsWith("nio:")) {
            n = n.substring(4);
        }
        Path real = null;
        if (!URL_LIKE.matcher(n).matches() && !n.startsWith("~") && !n.isEmpty()) {
            try {
                Path candidate = Path.of(n).toAbsolutePath().normalize();
                if (candidate.startsWith(root) && !candidate.equals(root)) {
                    real = candidate;
                }
            } catch (InvalidPathException e) {
                // not a path at all: refused
            }
        }
        return new ScratchFiles(scheme, p, real);
    }

    private FilePath disk() {
        if (path == null) {
            throw RefusedFilePath.refusal(name);
        }
        return new FilePathDisk().getPath(path.toString());
    }

    private IOException refused() {
        return new IOException(RefusedFilePath.message(name));
    }

    @Override
    public FilePath createTempFile(String suffix, boolean inTempDir) throws IOException {
        Path dir;
        if (inTempDir || path == null) {
            Quota q = CURRENT.get();
            dir = root.resolve(q != null ? q.owner : NODE_OWNER);
        } else {
            dir = path.getParent();
        }
        Files.createDirectories(dir);
        Path file = Files.createTempFile(dir, inTempDir || path == null ? "h2" : path.getFileName().toString(), suffix);
        return getPath(file.toString());
    }

    @Override
    public FileChannel open(String mode) throws IOException {
        if (path == null) {
            throw refused();
        }
        Files.createDirectories(path.getParent());
        FileChannel channel = disk().open(mode);
        FileChannel plain = mode.equals("r") ? channel : new QuotaChannel(channel, quotaOf(path));
        byte[] key = encryptionKey;
        return key == null ? plain : new org.h2.store.fs.encrypt.FileEncrypt(name, key.clone(), plain);
    }

    @Override
    public java.io.InputStream newInputStream() throws IOException {
        // Streams are how SQL-level file functions read and write; H2's own files use channels.
        throw refused();
    }

    @Override
    public java.io.OutputStream newOutputStream(boolean append) throws IOException {
        throw refused();
    }

    @Override
    public long size() {
        return path == null ? 0 : disk().size();
    }

    @Override
    public boolean exists() {
        return path != null && disk().exists();
    }

    @Override
    public boolean isDirectory() {
        return path != null && disk().isDirectory();
    }

    @Override
    public boolean isRegularFile() {
        return path != null && disk().isRegularFile();
    }

    @Override
    public boolean isAbsolute() {
        return true;
    }

    @Override
    public long lastModified() {
        return path == null ? 0 : disk().lastModified();
    }

    @Override
    public boolean canWrite() {
        return path != null && disk().canWrite();
    }

    @Override
    public boolean createFile() {
        return disk().createFile();
    }

    @Override
    public void createDirectory() {
        disk().createDirectory();
    }

    @Override
    public void delete() {
        if (path != null) {
            disk().delete();
        }
    }

    @Override
    public void moveTo(FilePath newName, boolean atomicReplace) {
        if (!(newName instanceof ScratchFiles target) || target.path == null) {
            throw RefusedFilePath.refusal(newName.toString());
        }
        disk().moveTo(target.disk(), atomicReplace);
    }

    @Override
    public List<FilePath> newDirectoryStream() {
        if (path == null) {
            return List.of();
        }
        List<FilePath> out = new ArrayList<>();
        for (FilePath f : disk().newDirectoryStream()) {
            out.add(getPath(f.toString()));
        }
        return out;
    }

    @Override
    public FilePath toRealPath() {
        return this;
    }

    @Override
    public FilePath getParent() {
        return path == null || path.getParent() == null ? null : getPath(path.getParent().toString());
    }

    @Override
    public boolean setReadOnly() {
        return path != null && disk().setReadOnly();
    }

    /** A writable scratch file whose growth counts against its owner's quota. */
    private static final class QuotaChannel extends FileBaseDefault {
        private final FileChannel file;
        private final Quota quota;
        /** Bytes of this file counted against the quota. */
        private long counted;

        QuotaChannel(FileChannel file, Quota quota) throws IOException {
            this.file = file;
            this.quota = quota;
            this.counted = 0;
            long existing = file.size();
            quota.reserve(existing);
            this.counted = existing;
        }

        @Override
        public synchronized int read(ByteBuffer dst, long position) throws IOException {
            return file.read(dst, position);
        }

        @Override
        public synchronized int write(ByteBuffer src, long position) throws IOException {
            long end = position + src.remaining();
            if (end > counted) {
                quota.reserve(end - counted);
                counted = end;
            }
            return file.write(src, position);
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        protected synchronized void implTruncate(long size) throws IOException {
            file.truncate(size);
            if (size < counted) {
                quota.release(counted - size);
                counted = size;
            }
        }

        @Override
        public void force(boolean metaData) throws IOException {
            file.force(metaData);
        }

        @Override
        public java.nio.channels.FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return file.tryLock(position, size, shared);
        }

        @Override
        protected synchronized void implCloseChannel() throws IOException {
            file.close();
            quota.release(counted);
            counted = 0;
        }
    }
}
