package borealis.engine.h2;

import borealis.persistence.volume.client.Volume;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import org.h2.store.fs.FileBase;

/**
 * H2's view of the volume as a {@link FileChannel}. H2 uses positional reads and writes, size,
 * truncate, force and tryLock. {@link #force} does nothing on purpose: H2 does not call it at
 * commit, so durability comes from the session waiting for the volume-durable LSN instead.
 */
final class VolumeChannel extends FileBase {

    private final Volume volume;
    private long position;

    VolumeChannel(Volume volume) {
        this.volume = volume;
    }

    @Override
    public int read(ByteBuffer dst, long pos) throws IOException {
        long size = volume.size();
        if (pos >= size) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), size - pos);
        ByteBuffer slice = dst.slice();
        slice.limit(n);
        volume.read(pos, slice);
        dst.position(dst.position() + n);
        return n;
    }

    @Override
    public int write(ByteBuffer src, long pos) throws IOException {
        int n = src.remaining();
        volume.write(pos, src);
        return n;
    }

    @Override
    public synchronized int read(ByteBuffer dst) throws IOException {
        int n = read(dst, position);
        if (n > 0) {
            position += n;
        }
        return n;
    }

    @Override
    public synchronized int write(ByteBuffer src) throws IOException {
        int n = write(src, position);
        position += n;
        return n;
    }

    @Override
    public synchronized long position() {
        return position;
    }

    @Override
    public synchronized FileChannel position(long newPosition) {
        position = newPosition;
        return this;
    }

    @Override
    public long size() {
        return volume.size();
    }

    @Override
    public FileChannel truncate(long newSize) throws IOException {
        volume.truncate(newSize);
        return this;
    }

    @Override
    public void force(boolean metaData) {
        // Durability is the session's wait for the VDL, never an fsync here.
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) {
        // Exactly one writer per volume is guaranteed by epochs, not by file locks.
        return new FileLock(this, position, size, shared) {
            private boolean valid = true;

            @Override
            public boolean isValid() {
                return valid;
            }

            @Override
            public void release() {
                valid = false;
            }
        };
    }

    @Override
    protected void implCloseChannel() {
        // The volume outlives its channels; the compute instance closes it.
    }
}
