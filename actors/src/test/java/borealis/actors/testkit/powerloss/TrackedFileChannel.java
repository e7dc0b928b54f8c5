package borealis.actors.testkit.powerloss;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A file channel that tells {@link PowerLossFileSystemProvider} which byte ranges it wrote and
 * truncated, and when it was forced: what a power loss keeps of the file is what was forced. While
 * the provider's disk is full, writes that would grow the file fail.
 */
final class TrackedFileChannel extends FileChannel {

    private final FileChannel real;
    private final PowerLossFileSystemProvider.Inode inode;
    private final PowerLossFileSystemProvider provider;

    TrackedFileChannel(FileChannel real, PowerLossFileSystemProvider.Inode inode, PowerLossFileSystemProvider provider) {
        this.real = real;
        this.inode = inode;
        this.provider = provider;
    }

    /** A full disk refuses a write that needs new blocks: one that ends beyond the file's length. */
    private void checkSpace(long position, long length) throws IOException {
        if (length > 0 && provider.diskFull() && position + length > real.size()) {
            throw new IOException("No space left on device");
        }
    }

    @Override public int read(ByteBuffer dst) throws IOException { return real.read(dst); }
    @Override public long read(ByteBuffer[] dsts, int offset, int length) throws IOException { return real.read(dsts, offset, length); }
    @Override public int read(ByteBuffer dst, long position) throws IOException { return real.read(dst, position); }

    @Override
    public int write(ByteBuffer src) throws IOException {
        checkSpace(real.position(), src.remaining());
        int n = real.write(src);
        inode.written(real.position() - n, n);
        return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += srcs[i].remaining();
        }
        checkSpace(real.position(), total);
        long n = real.write(srcs, offset, length);
        inode.written(real.position() - n, n);
        return n;
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        checkSpace(position, src.remaining());
        int n = real.write(src, position);
        inode.written(position, n);
        return n;
    }

    @Override public long position() throws IOException { return real.position(); }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        real.position(newPosition);
        return this;
    }

    @Override public long size() throws IOException { return real.size(); }

    @Override
    public FileChannel truncate(long size) throws IOException {
        real.truncate(size);
        inode.truncated(size);
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        real.force(metaData);
        inode.forced();
    }

    @Override public long transferTo(long position, long count, WritableByteChannel target) throws IOException { return real.transferTo(position, count, target); }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        checkSpace(position, count);
        long n = real.transferFrom(src, position, count);
        inode.written(position, n);
        return n;
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        if (mode != MapMode.READ_ONLY) {
            throw new UnsupportedOperationException("writable mappings are not tracked for power loss");
        }
        return real.map(mode, position, size);
    }

    @Override public FileLock lock(long position, long size, boolean shared) throws IOException { return real.lock(position, size, shared); }
    @Override public FileLock tryLock(long position, long size, boolean shared) throws IOException { return real.tryLock(position, size, shared); }

    @Override
    protected void implCloseChannel() throws IOException {
        real.close();
    }
}
