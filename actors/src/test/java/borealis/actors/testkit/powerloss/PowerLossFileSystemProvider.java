package borealis.actors.testkit.powerloss;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A default file system provider that records, for one directory tree, what a power loss would
 * keep: the content of a file as of its last {@code force}, and the entries of a directory
 * (creations, renames, deletions) as of the directory's last {@code force}. Everything else is
 * what the page cache held and is lost.
 *
 * <p>Installed in a node's JVM with {@code -Djava.nio.file.spi.DefaultFileSystemProvider=} this
 * class, {@code -Dborealis.powerloss.root=<data dir>} and {@code -Dborealis.powerloss.shadow=<dir>}.
 * The durable state is kept in the shadow directory as it is made (inode contents and directory
 * listings), so it outlives a {@code kill -9} of the node; {@link #powerLoss} then rewrites the data
 * directory to it, as the disk would look when the machine came back. Writes through
 * {@code java.io} and writable memory mappings are not seen, so anything written that way counts as
 * never forced (the strict reading, which is what finds missing fsyncs).
 *
 * <p>It can also make the disk full: while the file named by {@code -Dborealis.powerloss.full}
 * exists, a write that would grow a file of the tree fails with "No space left on device", as
 * ENOSPC does (writes within a file's length still succeed, as on a real disk whose blocks are
 * allocated).
 */
public final class PowerLossFileSystemProvider extends FileSystemProvider {

    private final FileSystemProvider real;
    private final TrackedFileSystem fs;
    private final Path root;
    private final Path shadow;
    /** While this file exists (on the real file system), the disk is full; null: never. */
    private final Path fullMarker;
    private volatile long fullCheckedAt;
    private volatile boolean full;
    private final Map<Path, Inode> names = new ConcurrentHashMap<>();
    private final AtomicLong nextInode = new AtomicLong(1);

    /** One file or directory of the tracked tree, and what changed in it since it was last forced. */
    final class Inode {
        final long id;
        final boolean directory;
        volatile Path path;
        private final TreeMap<Long, Long> dirty = new TreeMap<>();
        private long truncatedTo = -1;

        Inode(long id, boolean directory, Path path) {
            this.id = id;
            this.directory = directory;
            this.path = path;
        }

        synchronized void written(long position, long length) {
            if (length > 0) {
                dirty.merge(position, position + length, Math::max);
            }
        }

        synchronized void truncated(long size) {
            truncatedTo = truncatedTo < 0 ? size : Math.min(truncatedTo, size);
        }

        void forced() throws IOException {
            if (directory) {
                syncDirectory(this);
            } else {
                syncContent(this);
            }
        }
    }

    public PowerLossFileSystemProvider(FileSystemProvider real) {
        this.real = real;
        this.fs = new TrackedFileSystem(this, real.getFileSystem(URI.create("file:///")));
        String r = System.getProperty("borealis.powerloss.root");
        String s = System.getProperty("borealis.powerloss.shadow");
        if (r == null || s == null) {
            throw new IllegalStateException("set borealis.powerloss.root and borealis.powerloss.shadow");
        }
        this.root = fs.real.getPath(r).toAbsolutePath().normalize();
        this.shadow = fs.real.getPath(s).toAbsolutePath().normalize();
        String f = System.getProperty("borealis.powerloss.full");
        this.fullMarker = f == null ? null : fs.real.getPath(f).toAbsolutePath().normalize();
        try {
            recordEverythingDurable();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up the power-loss shadow in " + shadow, e);
        }
    }

    /** Whether the disk is full now (the marker file is looked at at most every 50 ms). */
    boolean diskFull() {
        if (fullMarker == null) {
            return false;
        }
        long now = System.nanoTime();
        if (now - fullCheckedAt > 50_000_000L) {
            full = Files.exists(fullMarker);
            fullCheckedAt = now;
        }
        return full;
    }

    // ---- what the disk holds: the shadow directory ----

    /** At start every file on disk is durable: the shadow becomes a copy of the tree. */
    private void recordEverythingDurable() throws IOException {
        deleteTree(shadow);
        Files.createDirectories(shadow.resolve("inodes"));
        Files.createDirectories(shadow.resolve("dirs"));
        Files.createDirectories(root);
        Inode top = new Inode(0, true, root);
        names.put(root, top);
        scan(top);
    }

    private void scan(Inode dir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir.path)) {
            for (Path p : entries) {
                boolean isDir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
                Inode child = new Inode(nextInode.getAndIncrement(), isDir, p);
                names.put(p, child);
                if (isDir) {
                    scan(child);
                } else {
                    Files.copy(p, inodeFile(child.id), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        writeListing(dir);
    }

    private Path inodeFile(long id) {
        return shadow.resolve("inodes").resolve(Long.toString(id));
    }

    private Path listingFile(long id) {
        return shadow.resolve("dirs").resolve(Long.toString(id));
    }

    private void syncContent(Inode inode) throws IOException {
        synchronized (inode) {
            try (FileChannel from = real.newFileChannel(inode.path, Set.of(StandardOpenOption.READ));
                 FileChannel to = real.newFileChannel(inodeFile(inode.id), Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE))) {
                long size = from.size();
                if (inode.truncatedTo >= 0) {
                    to.truncate(inode.truncatedTo);
                }
                for (Map.Entry<Long, Long> r : inode.dirty.entrySet()) {
                    long end = Math.min(r.getValue(), size);
                    if (r.getKey() < end) {
                        ByteBuffer buf = ByteBuffer.allocate((int) (end - r.getKey()));
                        while (buf.hasRemaining() && from.read(buf, r.getKey() + buf.position()) > 0) {
                            // reads the range
                        }
                        buf.flip();
                        to.write(buf, r.getKey());
                    }
                }
                if (to.size() > size) {
                    to.truncate(size);
                }
                inode.dirty.clear();
                inode.truncatedTo = -1;
            } catch (NoSuchFileException gone) {
                // Unlinked since it was written: nothing names it, so nothing of it can come back.
            }
        }
    }

    /** The directory's entries as they are now become what a power loss keeps. */
    private synchronized void syncDirectory(Inode dir) throws IOException {
        writeListing(dir);
    }

    private void writeListing(Inode dir) throws IOException {
        StringBuilder out = new StringBuilder();
        try (DirectoryStream<Path> entries = real.newDirectoryStream(dir.path, p -> true)) {
            for (Path p : entries) {
                Inode child = names.computeIfAbsent(p, k -> new Inode(nextInode.getAndIncrement(),
                        Files.isDirectory(k, LinkOption.NOFOLLOW_LINKS), k));
                out.append(child.directory ? 'd' : 'f').append('\t').append(child.id).append('\t')
                        .append(p.getFileName()).append('\n');
            }
        }
        Path tmp = listingFile(dir.id).resolveSibling(dir.id + ".tmp");
        Files.writeString(tmp, out, StandardCharsets.UTF_8);
        Files.move(tmp, listingFile(dir.id), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The JVM options that install this provider for the data directory {@code root}, keeping its durable state in {@code shadow}. */
    public static List<String> jvmOptions(Path root, Path shadow) {
        return List.of("-Djava.nio.file.spi.DefaultFileSystemProvider=" + PowerLossFileSystemProvider.class.getName(),
                "-Dborealis.powerloss.root=" + root, "-Dborealis.powerloss.shadow=" + shadow);
    }

    /**
     * Rewrites {@code root} to what the shadow says survived: run after the node was killed, in
     * another JVM (the test's). Returns the number of files restored.
     */
    public static int powerLoss(Path root, Path shadow) throws IOException {
        deleteTree(root);
        Files.createDirectories(root);
        Files.setPosixFilePermissions(root, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        return restore(root, 0, shadow);
    }

    private static int restore(Path dir, long id, Path shadow) throws IOException {
        Path listing = shadow.resolve("dirs").resolve(Long.toString(id));
        if (!Files.exists(listing)) {
            return 0;
        }
        int files = 0;
        for (String line : Files.readAllLines(listing, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t", 3);
            Path target = dir.resolve(f[2]);
            if (f[0].equals("d")) {
                Files.createDirectories(target);
                Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
                files += restore(target, Long.parseLong(f[1]), shadow);
            } else {
                Path content = shadow.resolve("inodes").resolve(f[1]);
                if (Files.exists(content)) {
                    Files.copy(content, target, StandardCopyOption.REPLACE_EXISTING);
                } else {
                    Files.createFile(target);
                }
                // The shadow keeps contents, not modes: a node's data directory is owner-only throughout.
                Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                files++;
            }
        }
        return files;
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(p)) {
                for (Path c : s) {
                    deleteTree(c);
                }
            }
        }
        Files.delete(p);
    }

    // ---- the provider: every call goes to the platform's, paths inside the tree are tracked ----

    private Path unwrap(Path p) {
        return TrackedPath.unwrap(p);
    }

    private boolean tracked(Path realPath) {
        return realPath.toAbsolutePath().normalize().startsWith(root);
    }

    private Path key(Path realPath) {
        return realPath.toAbsolutePath().normalize();
    }

    @Override public String getScheme() { return "file"; }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
        throw new UnsupportedOperationException("the default file system exists already");
    }

    @Override public FileSystem getFileSystem(URI uri) { return fs; }
    @Override public Path getPath(URI uri) { return fs.wrap(real.getPath(uri)); }

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
        Path p = unwrap(path);
        if (!tracked(p)) {
            return real.newFileChannel(p, options, attrs);
        }
        Path k = key(p);
        if (!options.contains(StandardOpenOption.CREATE) && !options.contains(StandardOpenOption.CREATE_NEW)) {
            return open(p, k, options, attrs);
        }
        // A creation changes a directory's entries: see createDirectory.
        synchronized (this) {
            return open(p, k, options, attrs);
        }
    }

    private FileChannel open(Path p, Path k, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
        boolean existed = Files.exists(k);
        FileChannel ch = real.newFileChannel(p, options, attrs);
        Inode inode = existed ? names.computeIfAbsent(k, x -> new Inode(nextInode.getAndIncrement(), Files.isDirectory(x), x))
                : names.compute(k, (x, old) -> new Inode(nextInode.getAndIncrement(), false, x));
        if (existed && options.contains(StandardOpenOption.TRUNCATE_EXISTING) && options.contains(StandardOpenOption.WRITE)) {
            inode.truncated(0);
        }
        return new TrackedFileChannel(ch, inode, this);
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
        Set<OpenOption> opts = new HashSet<>(options);
        if (!opts.contains(StandardOpenOption.WRITE) && !opts.contains(StandardOpenOption.APPEND)) {
            opts.add(StandardOpenOption.READ);
        }
        return newFileChannel(path, opts, attrs);
    }

    @Override
    public AsynchronousFileChannel newAsynchronousFileChannel(Path path, Set<? extends OpenOption> options, ExecutorService executor,
                                                              FileAttribute<?>... attrs) throws IOException {
        if (tracked(unwrap(path)) && (options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND))) {
            throw new UnsupportedOperationException("asynchronous writes are not tracked for power loss: " + path);
        }
        return real.newAsynchronousFileChannel(unwrap(path), options, executor, attrs);
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
        DirectoryStream<Path> s = real.newDirectoryStream(unwrap(dir), p -> filter.accept(fs.wrap(p)));
        return new DirectoryStream<>() {
            @Override
            public java.util.Iterator<Path> iterator() {
                java.util.Iterator<Path> it = s.iterator();
                return new java.util.Iterator<>() {
                    @Override public boolean hasNext() { return it.hasNext(); }
                    @Override public Path next() { return fs.wrap(it.next()); }
                };
            }

            @Override
            public void close() throws IOException {
                s.close();
            }
        };
    }

    /**
     * A directory's listing (written when it is forced) names each entry's inode as {@link #names}
     * holds it, so a change of entries and its update of {@code names} are one step under this
     * lock, as {@link #syncDirectory} is. Without it, a parent forced by another thread between
     * {@code mkdir} and the update recorded an inode of its own for the new entry, and the update
     * then replaced it: the directory's later listings went to an inode its parent never named,
     * and the power loss dropped a directory whose entry and contents had been forced (PowerLossIT
     * lost every block file of a volume that way in 3 of 19 runs).
     */
    @Override
    public synchronized void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        Path p = unwrap(dir);
        real.createDirectory(p, attrs);
        if (tracked(p)) {
            names.put(key(p), new Inode(nextInode.getAndIncrement(), true, key(p)));
        }
    }

    @Override public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException { real.createSymbolicLink(unwrap(link), unwrap(target), attrs); }
    @Override public void createLink(Path link, Path existing) throws IOException { real.createLink(unwrap(link), unwrap(existing)); }

    @Override
    public synchronized void delete(Path path) throws IOException {
        Path p = unwrap(path);
        real.delete(p);
        if (tracked(p)) {
            names.remove(key(p));
        }
    }

    @Override
    public synchronized boolean deleteIfExists(Path path) throws IOException {
        Path p = unwrap(path);
        boolean deleted = real.deleteIfExists(p);
        if (deleted && tracked(p)) {
            names.remove(key(p));
        }
        return deleted;
    }

    @Override public Path readSymbolicLink(Path link) throws IOException { return fs.wrap(real.readSymbolicLink(unwrap(link))); }

    @Override
    public synchronized void copy(Path source, Path target, CopyOption... options) throws IOException {
        Path t = unwrap(target);
        real.copy(unwrap(source), t, options);
        if (tracked(t)) {
            Inode inode = new Inode(nextInode.getAndIncrement(), Files.isDirectory(t), key(t));
            inode.written(0, Files.size(t));
            names.put(key(t), inode);
        }
    }

    @Override
    public synchronized void move(Path source, Path target, CopyOption... options) throws IOException {
        Path s = unwrap(source);
        Path t = unwrap(target);
        real.move(s, t, options);
        if (tracked(s) || tracked(t)) {
            Path from = key(s);
            Path to = key(t);
            List<Path> moved = new ArrayList<>();
            for (Path k : names.keySet()) {
                if (k.startsWith(from)) {
                    moved.add(k);
                }
            }
            names.remove(to);
            for (Path k : moved) {
                Inode inode = names.remove(k);
                if (inode != null && tracked(to)) {
                    Path now = to.resolve(from.relativize(k));
                    inode.path = now;
                    names.put(now, inode);
                }
            }
        }
    }

    @Override public boolean isSameFile(Path path, Path path2) throws IOException { return real.isSameFile(unwrap(path), unwrap(path2)); }
    @Override public boolean isHidden(Path path) throws IOException { return real.isHidden(unwrap(path)); }
    @Override public FileStore getFileStore(Path path) throws IOException { return real.getFileStore(unwrap(path)); }
    @Override public void checkAccess(Path path, AccessMode... modes) throws IOException { real.checkAccess(unwrap(path), modes); }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        return real.getFileAttributeView(unwrap(path), type, options);
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options) throws IOException {
        return real.readAttributes(unwrap(path), type, options);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        return real.readAttributes(unwrap(path), attributes, options);
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        real.setAttribute(unwrap(path), attribute, value, options);
    }
}
