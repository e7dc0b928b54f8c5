package borealis.persistence.journal;

import borealis.persistence.crypto.AtRestEncryption;
import borealis.persistence.files.OwnerOnly;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node-local append-only journal: numbered log files of checksummed entries, an in-memory index
 * from (persistence id, sequence number) to payload position ({@link JournalIndex}), and one
 * writer thread that does group commit: it takes every entry that arrived while the previous
 * fsync ran, writes them with one call, forces the file once, and only then completes their
 * futures.
 *
 * <p>Recovery scans the files in order; an entry whose length or checksum is wrong ends the scan,
 * and in the last file that is a torn tail (a write cut by a crash), so the file is truncated
 * there. Files whose events are all deleted leave oldest first; a nearly empty oldest file
 * has its live events copied forward, so the journal's size follows what is live, not its age.
 *
 * <p>A file that leaves is <em>recycled</em>, not deleted (up to {@link #MAX_SPARES} kept): on
 * ext4 mounted with {@code discard}, deleting a 64 MiB file stalled the next fsyncs of every
 * replica on the node for tens of milliseconds (one 1 GiB file: 765 ms). {@link JournalFiles}
 * has the header whose salt keeps a recycled file's old entries from passing as its own.
 */
final class JournalStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JournalStore.class);
    /** Retired files kept for reuse. */
    static final int MAX_SPARES = 2;
    /** While gathering a group commit, a pause this long means nothing more is coming. */
    private static final long QUIET_NANOS = 60_000;
    /** Copy an old file's events forward once fewer than this fraction of them are live. */
    private static final double COMPACT_BELOW_LIVE_FRACTION = 0.25;

    /** A damaged stretch recovery skipped because valid entries followed it: {@code [from, to)} of a file. */
    record Damage(int file, long from, long to) {}

    private final List<Damage> damaged = new ArrayList<>();

    /** Damaged stretches the last recovery skipped (acknowledged entries after them were kept). */
    List<Damage> damaged() {
        return List.copyOf(damaged);
    }

    /** Where one event's serialized payload lies. */
    record Location(int file, long offset, int length) {}

    /** An open journal file; its event counts are kept by the {@link JournalIndex}. */
    static final class FileInfo {
        final int id;
        final FileChannel channel;
        /** What every entry's checksum covers first ({@link LogEntry#UNSALTED}: a file without a header). */
        long salt;
        int totalEvents;
        int liveEvents;

        FileInfo(int id, FileChannel channel, long salt) {
            this.id = id;
            this.channel = channel;
            this.salt = salt;
        }
    }

    private record Pending(List<LogEntry> entries, CompletableFuture<Void> done) {}

    /** Tells the writer thread to stop; interrupting it instead would close the file channel mid-write. */
    private static final Pending POISON = new Pending(List.of(), new CompletableFuture<>());

    private final Path dir;
    private final long maxFileSize;
    private final boolean fsync;
    private final long groupCommitWindowNanos;
    private final TreeMap<Integer, FileInfo> files = new TreeMap<>();
    private final JournalIndex index = new JournalIndex(files);
    /** Retired files waiting to be reused (writer thread only, after recovery). */
    private final java.util.ArrayDeque<Path> spares = new java.util.ArrayDeque<>();
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;
    private FileInfo current;
    private long currentSize;
    /** Seals events at rest (null: stored as given, and only plain payloads can be read). */
    private final AtRestEncryption encryption;
    /** The writer thread's encoding buffer, reused across batches up to {@link #MAX_REUSED_BUFFER}. */
    private ByteBuffer writeBuffer;
    private static final int MAX_REUSED_BUFFER = 16 << 20;

    // Statistics, for metrics and benchmarks.
    private volatile long bytesWritten;
    private volatile long syncs;
    private volatile long syncNanos;
    private volatile long filesReused;

    JournalStore(Path dir, long maxFileSize, boolean fsync) {
        this(dir, maxFileSize, fsync, 0);
    }

    JournalStore(Path dir, long maxFileSize, boolean fsync, long groupCommitWindowNanos) {
        this(dir, maxFileSize, fsync, groupCommitWindowNanos, null);
    }

    /** With {@code encryption}, events are sealed on the caller's thread before they are queued. */
    JournalStore(Path dir, long maxFileSize, boolean fsync, long groupCommitWindowNanos, AtRestEncryption encryption) {
        this.encryption = encryption;
        this.dir = dir;
        this.maxFileSize = maxFileSize;
        this.fsync = fsync;
        this.groupCommitWindowNanos = groupCommitWindowNanos;
        try {
            OwnerOnly.createDirectories(dir);
            recover();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open journal in " + dir, e);
        }
        writer = new Thread(this::writeLoop, "borealis-journal-writer-" + dir.getFileName());
        writer.setDaemon(true);
        writer.start();
    }

    // ---- recovery ----

    private void recover() throws IOException {
        List<Path> paths;
        try (Stream<Path> s = Files.list(dir)) {
            paths = s.filter(JournalFiles::isJournal).sorted().toList();
        }
        for (int i = 0; i < paths.size(); i++) {
            Path p = paths.get(i);
            int id = JournalFiles.idOf(p);
            FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileInfo info = new FileInfo(id, ch, LogEntry.UNSALTED);
            files.put(id, info);
            long validEnd = scan(info);
            if (validEnd < ch.size()) {
                if (i == paths.size() - 1) {
                    // In a recycled file what follows is mostly its previous use's entries.
                    if (info.salt == LogEntry.UNSALTED) {
                        log.warn("journal {}: torn tail at byte {} of {}, truncating", p, validEnd, ch.size());
                    } else {
                        log.info("journal {}: log ends at byte {} of {}, truncating", p, validEnd, ch.size());
                    }
                    ch.truncate(validEnd);
                    ch.force(true);
                } else {
                    // Nothing valid after the damage, in a file that was full: its last entries are
                    // lost to this node (their replicas catch up from their peers), the rest is kept.
                    log.error("journal file {} is damaged from byte {} to its end ({}): the entries there are lost", p, validEnd, ch.size());
                    damaged.add(new Damage(id, validEnd, ch.size()));
                }
            }
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path spare : (Iterable<Path>) s.filter(JournalFiles::isSpare).sorted()::iterator) {
                if (spares.size() < MAX_SPARES) {
                    spares.add(spare);
                } else {
                    Files.delete(spare);
                }
            }
        }
        if (files.isEmpty()) {
            openNewFile(1);
        } else {
            current = files.lastEntry().getValue();
            currentSize = current.channel.size();
        }
    }

    /** Reads a file's entries into the index; returns the end of its last valid entry. */
    private long scan(FileInfo file) throws IOException {
        FileChannel ch = file.channel;
        long size = ch.size();
        long pos = 0;
        ByteBuffer header = ByteBuffer.allocate(LogEntry.HEADER);
        file.salt = JournalFiles.saltOf(ch);
        if (file.salt != LogEntry.UNSALTED) {
            pos = JournalFiles.FILE_HEADER;
        }
        while (pos + LogEntry.HEADER <= size) {
            header.clear();
            JournalFiles.readFully(ch, header, pos);
            int len = header.getInt(0);
            int crc = header.getInt(4);
            boolean plausible = len > 0 && len <= LogEntry.MAX_BODY && pos + LogEntry.HEADER + len <= size;
            ByteBuffer body = plausible ? ByteBuffer.allocate(len) : null;
            if (plausible) {
                JournalFiles.readFully(ch, body, pos + LogEntry.HEADER);
            }
            if (!plausible || !LogEntry.checksumMatches(body.array(), crc, file.salt)) {
                long next = JournalResync.nextValidEntry(ch, pos, size, file.salt);
                if (next < 0) {
                    return pos;
                }
                damaged.add(new Damage(file.id, pos, next));
                log.error("journal file {}: the entry at byte {} {} but valid entries follow at byte {}: skipping it (the replicas "
                        + "whose events it held miss them and catch up from their peers)", file.id, pos,
                        plausible ? "fails its checksum" : "has an impossible length", next);
                pos = next;
                continue;
            }
            body.flip();
            LogEntry entry = LogEntry.decode(body);
            applyToIndex(entry, file, pos);
            pos += LogEntry.HEADER + len;
        }
        return pos;
    }

    // ---- the index (guarded by this) ----

    private synchronized void applyToIndex(LogEntry entry, FileInfo file, long entryStart) {
        index.apply(entry, file, entryStart);
    }

    synchronized long highestSequenceNr(String persistenceId) {
        return index.highestSequenceNr(persistenceId);
    }

    /** Whether event {@code seqNr} of a persistence id is held (not deleted). */
    synchronized boolean holds(String persistenceId, long seqNr) {
        return index.holds(persistenceId, seqNr);
    }

    /** An event's sequence number and where its payload lies. */
    record Located(long seqNr, Location location) {}

    /** The events held in {@code [from, to]}, at most {@code max}, in order. */
    synchronized List<Located> located(String persistenceId, long from, long to, long max) {
        return index.located(persistenceId, from, to, max);
    }

    /** One event's payload as it was appended: opened, when it was stored sealed. */
    byte[] payload(String persistenceId, Located l) {
        byte[] stored = read(l.location());
        if (encryption == null) {
            return stored;
        }
        try {
            return encryption.open(persistenceId, l.seqNr(), "event", stored);
        } catch (IOException e) {
            throw new UncheckedIOException("journal " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The payload at a location as stored, read with a positional read (safe alongside the writer). */
    byte[] read(Location l) {
        FileChannel ch;
        synchronized (this) {
            FileInfo f = files.get(l.file());
            if (f == null) {
                throw new IllegalStateException("journal file " + l.file() + " was removed while being read");
            }
            ch = f.channel;
        }
        ByteBuffer buf = ByteBuffer.allocate(l.length());
        try {
            JournalFiles.readFully(ch, buf, l.offset());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buf.array();
    }

    // ---- writing ----

    /** Appends entries; the future completes once they are on disk (forced, when fsync is on). */
    CompletableFuture<Void> append(List<LogEntry> entries) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new IllegalStateException("journal " + dir + " is closed"));
            return done;
        }
        queue.add(new Pending(sealed(entries), done));
        return done;
    }

    private List<LogEntry> sealed(List<LogEntry> entries) {
        if (encryption == null || !encryption.enabled()) {
            return entries;
        }
        List<LogEntry> out = new ArrayList<>(entries.size());
        for (LogEntry e : entries) {
            if (e instanceof LogEntry.Events ev) {
                byte[][] payloads = new byte[ev.payloads().length][];
                for (int i = 0; i < payloads.length; i++) {
                    payloads[i] = encryption.seal(ev.persistenceId(), ev.seqNrs()[i], "event", ev.payloads()[i]);
                }
                out.add(new LogEntry.Events(ev.persistenceId(), ev.seqNrs(), payloads));
            } else {
                out.add(e);
            }
        }
        return out;
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            try {
                batch.add(queue.take());
                gather(batch);
                stop = batch.remove(POISON);
                writeBatch(batch);
                collectGarbage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop = true;
            } catch (Throwable t) {
                log.error("journal {} write failed", dir, t);
                for (Pending p : batch) {
                    p.done.completeExceptionally(t);
                }
            }
            batch.clear();
        }
    }

    /**
     * Takes what else is queued, and keeps taking while entries keep coming (each within {@link
     * #QUIET_NANOS} of the last), up to the group-commit window. A writer that sends one record
     * batch to several replicas of this node at once thus gets them into one fsync, instead of
     * the first one's fsync starting alone and the others waiting a whole fsync for the next.
     */
    private void gather(List<Pending> batch) throws InterruptedException {
        queue.drainTo(batch);
        long deadline = System.nanoTime() + groupCommitWindowNanos;
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            Pending next = queue.poll(Math.min(left, QUIET_NANOS), TimeUnit.NANOSECONDS);
            if (next == null) {
                return;
            }
            batch.add(next);
            queue.drainTo(batch);
        }
    }

    private void writeBatch(List<Pending> batch) throws IOException {
        if (batch.stream().allMatch(p -> p.entries.isEmpty())) {
            batch.forEach(p -> p.done.complete(null));
            return;
        }
        if (currentSize >= maxFileSize) {
            if (current.channel.size() > currentSize) {
                // A recycled file longer than this use of it: recovery must find every file but
                // the last one valid to its end.
                current.channel.truncate(currentSize);
                current.channel.force(false);
            }
            openNewFile(current.id + 1);
        }
        List<LogEntry> entries = new ArrayList<>();
        List<Long> starts = new ArrayList<>();
        long pos = currentSize;
        for (Pending p : batch) {
            for (LogEntry e : p.entries) {
                entries.add(e);
                starts.add(pos);
                pos += LogEntry.encodedSize(e);
            }
        }
        long total = pos - currentSize;
        // Encoded straight into one reused direct buffer: no buffer per entry, and no copy of
        // heap buffers into the JDK's temporary direct ones on write. A rare huge batch (garbage
        // collection copying many live events) gets a buffer of its own.
        ByteBuffer out = total <= MAX_REUSED_BUFFER ? reusedBuffer((int) total) : ByteBuffer.allocate((int) total);
        for (LogEntry e : entries) {
            LogEntry.encodeInto(e, out, current.salt);
        }
        out.flip();
        long at = currentSize;
        while (out.hasRemaining()) {
            at += current.channel.write(out, at);
        }
        if (fsync) {
            long t0 = System.nanoTime();
            current.channel.force(false);
            syncNanos += System.nanoTime() - t0;
            syncs++;
        }
        currentSize = pos;
        bytesWritten += total;
        for (int i = 0; i < entries.size(); i++) {
            applyToIndex(entries.get(i), current, starts.get(i));
        }
        for (Pending p : batch) {
            p.done.complete(null);
        }
    }

    private ByteBuffer reusedBuffer(int size) {
        if (writeBuffer == null || writeBuffer.capacity() < size) {
            int grown = writeBuffer == null ? 1 << 20 : Math.min(MAX_REUSED_BUFFER, 2 * writeBuffer.capacity());
            writeBuffer = ByteBuffer.allocateDirect(Math.max(size, grown));
        }
        return writeBuffer.clear();
    }

    private void openNewFile(int id) throws IOException {
        Path p = JournalFiles.journal(dir, id);
        Path spare = spares.pollFirst();
        FileChannel ch;
        long salt;
        if (spare != null) {
            filesReused++;
            ch = FileChannel.open(spare, StandardOpenOption.READ, StandardOpenOption.WRITE);
            salt = JournalFiles.newSalt(ch);
            // The new salt is on disk before the file takes its new name: under that name, its old
            // entries never pass a checksum.
            JournalFiles.writeHeader(ch, salt);
            ch.force(false);
            Files.move(spare, p, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } else {
            ch = OwnerOnly.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
            salt = JournalFiles.newSalt(null);
            JournalFiles.writeHeader(ch, salt);
        }
        FileInfo info = new FileInfo(id, ch, salt);
        synchronized (this) {
            files.put(id, info);
        }
        current = info;
        currentSize = JournalFiles.FILE_HEADER;
        if (fsync) {
            forceDirectory();
        }
    }

    /**
     * Removes the oldest files once nothing in them is live, carrying forward the counters of
     * persistence ids last mentioned there; copies the few live events of a mostly dead oldest file
     * forward first.
     */
    private void collectGarbage() throws IOException {
        while (true) {
            FileInfo oldest;
            List<LogEntry> carry;
            synchronized (this) {
                oldest = files.firstEntry().getValue();
                if (oldest == current) {
                    return;
                }
                boolean empty = oldest.liveEvents <= 0;
                boolean sparse = oldest.liveEvents < oldest.totalEvents * COMPACT_BELOW_LIVE_FRACTION;
                if (!empty && !sparse) {
                    return;
                }
                carry = index.carriedForward(oldest.id, this::read);
            }
            if (!carry.isEmpty()) {
                List<Pending> batch = List.of(new Pending(carry, new CompletableFuture<>()));
                writeBatch(batch);
            }
            synchronized (this) {
                files.remove(oldest.id);
            }
            oldest.channel.close();
            Path retired = JournalFiles.journal(dir, oldest.id);
            if (spares.size() < MAX_SPARES) {
                // Renamed first, given a new salt only when reused: a crash in between leaves a
                // spare (ignored by recovery) or a dead file (its events are deleted), never a
                // journal file whose entries stopped passing their checksums.
                Path spare = JournalFiles.spare(dir, oldest.id);
                Files.move(retired, spare, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                spares.add(spare);
            } else {
                Files.deleteIfExists(retired);
            }
        }
    }

    private void forceDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a directory; the file's own fsync still holds its data.
        }
    }

    /** Appends nothing, but completes only after everything queued before it is on disk. */
    CompletableFuture<Void> flush() {
        return append(List.of());
    }

    long bytesWritten() {
        return bytesWritten;
    }

    long syncs() {
        return syncs;
    }

    long syncNanos() {
        return syncNanos;
    }

    /** Retired files taken into use again instead of new ones. */
    long filesReused() {
        return filesReused;
    }

    synchronized long sizeOnDisk() {
        long total = 0;
        for (FileInfo f : files.values()) {
            try {
                total += f.channel.size();
            } catch (IOException e) {
                // closed concurrently: not counted
            }
        }
        return total;
    }

    synchronized int fileCount() {
        return files.size();
    }

    @Override
    public void close() {
        closed = true;
        queue.add(POISON);
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            for (FileInfo f : files.values()) {
                try {
                    f.channel.close();
                } catch (IOException e) {
                    log.warn("closing journal file {} failed", f.id, e);
                }
            }
        }
    }
}
