package borealis.actors.testkit.powerloss;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.Set;
import java.util.stream.StreamSupport;

/** The platform's default file system seen through {@link PowerLossFileSystemProvider}. */
final class TrackedFileSystem extends FileSystem {

    private final PowerLossFileSystemProvider provider;
    final FileSystem real;

    TrackedFileSystem(PowerLossFileSystemProvider provider, FileSystem real) {
        this.provider = provider;
        this.real = real;
    }

    Path wrap(Path p) {
        return p == null ? null : new TrackedPath(this, p);
    }

    @Override public FileSystemProvider provider() { return provider; }
    @Override public void close() throws IOException { throw new UnsupportedOperationException("the default file system cannot be closed"); }
    @Override public boolean isOpen() { return true; }
    @Override public boolean isReadOnly() { return false; }
    @Override public String getSeparator() { return real.getSeparator(); }

    @Override
    public Iterable<Path> getRootDirectories() {
        return StreamSupport.stream(real.getRootDirectories().spliterator(), false).map(this::wrap).toList();
    }

    @Override public Iterable<FileStore> getFileStores() { return real.getFileStores(); }
    @Override public Set<String> supportedFileAttributeViews() { return real.supportedFileAttributeViews(); }
    @Override public Path getPath(String first, String... more) { return wrap(real.getPath(first, more)); }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        PathMatcher m = real.getPathMatcher(syntaxAndPattern);
        return p -> m.matches(TrackedPath.unwrap(p));
    }

    @Override public UserPrincipalLookupService getUserPrincipalLookupService() { return real.getUserPrincipalLookupService(); }
    @Override public WatchService newWatchService() throws IOException { return real.newWatchService(); }
}
