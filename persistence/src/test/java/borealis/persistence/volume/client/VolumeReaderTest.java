package borealis.persistence.volume.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import borealis.persistence.volume.log.VolumeLayout;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class VolumeReaderTest {

    private static final int BLOCK = VolumeLayout.BLOCK;
    private static final long BLOCK_NO = 5;

    /**
     * A read from a replica that was overtaken by a write, which became durable and was evicted
     * before the replica answered, must not leave the content from before the write in the cache:
     * every later read would see the write undone (the engine reads it as its own data vanishing).
     */
    @Test
    void aReadOvertakenByAWriteThatWasEvictedMeanwhileIsNotCachedAndIsReadAgain() throws Exception {
        byte[] before = filled((byte) 'A');
        byte[] after = filled((byte) 'B');
        long writeLsn = 20;
        AtomicLong readPoint = new AtomicLong(10);
        CompletableFuture<SegmentTransport.ReadResult> slowFirstRead = new CompletableFuture<>();
        AtomicInteger reads = new AtomicInteger();
        AtomicInteger readsAtTheWritesPoint = new AtomicInteger();
        // A replica answers as of the read point it is asked for: before the write, 'A'; from it on, 'B'.
        // (A slow first read may also be sent to a second replica, which answers as slowly.)
        SegmentTransport replicas = new ReadOnlyTransport() {
            @Override
            public CompletableFuture<ReadResult> read(int group, int replica, long offset, int length, long point) {
                reads.incrementAndGet();
                if (point < writeLsn) {
                    return slowFirstRead;
                }
                readsAtTheWritesPoint.incrementAndGet();
                return CompletableFuture.completedFuture(new ReadResult(after.clone(), null));
            }
        };
        BlockCache cache = new BlockCache(4 * BLOCK);
        VolumeReader reader = new VolumeReader("v", new VolumeLayout(64 * 1024), replicas, cache, 10_000, view(16 * BLOCK, readPoint::get));

        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<byte[]> firstRead = pool.submit(() -> read(reader, BLOCK_NO));
            while (reads.get() == 0) {
                Thread.sleep(1);
            }
            // Meanwhile the block is written, the write becomes durable, and the cache shrinks past it.
            cache.putDirty(BLOCK_NO, after.clone(), writeLsn);
            readPoint.set(writeLsn);
            cache.durableUpTo(writeLsn);
            cache.resize(BLOCK);
            cache.putDirty(BLOCK_NO + 1, filled((byte) 'Z'), writeLsn + 1);
            assertFalse(cache.contains(BLOCK_NO), "the written block was evicted");
            cache.resize(4 * BLOCK);
            slowFirstRead.complete(new SegmentTransport.ReadResult(before.clone(), null));

            assertArrayEquals(after, firstRead.get(10, TimeUnit.SECONDS),
                    "the read that overlapped the write was answered with content the write had replaced");
            assertArrayEquals(after, read(reader, BLOCK_NO), "a later read saw the write undone: stale content was cached");
            assertEquals(1, readsAtTheWritesPoint.get(), "the overtaken block is read once more, at the newer read point");
            assertEquals(1, reader.overtakenReads());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aReadThatNoWriteOvertookIsCachedAndServedFromTheCache() throws Exception {
        byte[] content = filled((byte) 'C');
        AtomicInteger reads = new AtomicInteger();
        SegmentTransport replicas = new ReadOnlyTransport() {
            @Override
            public CompletableFuture<ReadResult> read(int group, int replica, long offset, int length, long point) {
                reads.incrementAndGet();
                return CompletableFuture.completedFuture(new ReadResult(content.clone(), null));
            }
        };
        BlockCache cache = new BlockCache(4 * BLOCK);
        VolumeReader reader = new VolumeReader("v", new VolumeLayout(64 * 1024), replicas, cache, 10_000, view(16 * BLOCK, () -> 7));
        assertArrayEquals(content, read(reader, BLOCK_NO));
        assertArrayEquals(content, read(reader, BLOCK_NO));
        assertEquals(1, reads.get(), "the second read is a cache hit");
    }

    @Test
    void readingAheadFetchesTheNextBlocksInTheSameRoundTripAndStopsAtTheGroupsEnd() throws Exception {
        List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        SegmentTransport replicas = new ReadOnlyTransport() {
            @Override
            public CompletableFuture<ReadResult> read(int group, int replica, long offset, int length, long point) {
                asked.add(offset / BLOCK + "+" + length / BLOCK);
                byte[] data = new byte[length];
                for (int i = 0; i < length / BLOCK; i++) {
                    Arrays.fill(data, i * BLOCK, (i + 1) * BLOCK, (byte) (offset / BLOCK + i)); // each block holds its number
                }
                return CompletableFuture.completedFuture(new ReadResult(data, null));
            }
        };
        int groupBlocks = 64 * 1024 / BLOCK; // 16
        BlockCache cache = new BlockCache(64 * BLOCK);
        VolumeReader reader = new VolumeReader("v", new VolumeLayout(64 * 1024), replicas, cache, 10_000, view(40 * BLOCK + 100, () -> 7));
        reader.readAhead(2);

        assertEquals(5, read(reader, 5)[0]);
        assertEquals(6, read(reader, 6)[0], "the block after a miss came with it");
        assertEquals(List.of("5+2"), asked);

        assertEquals(groupBlocks - 1, read(reader, groupBlocks - 1)[0]);
        assertEquals("15+1", asked.get(1), "reading ahead stops at the protection group's end");

        cache.putDirty(21, filled((byte) 99), 3);
        assertEquals(20, read(reader, 20)[0]);
        assertEquals("20+1", asked.get(2), "a block already cached is not fetched again");
        assertEquals(99, read(reader, 21)[0]);

        assertEquals(40, read(reader, 40)[0]);
        assertEquals("40+1", asked.get(3), "nothing is read beyond the volume's end");

        reader.readAhead(0);
        read(reader, 30);
        assertEquals("30+1", asked.get(4), "without reading ahead a miss fetches what was asked");
    }

    /**
     * A replica whose node is gone never answers; the read must not wait the request timeout (2 s
     * in a node) before asking another: it asks the next one once the first has been silent for
     * the hedge delay, and one that answers with an error is replaced at once.
     */
    @Test
    void aReplicaThatDoesNotAnswerIsNotWaitedForBeforeTheNextIsAsked() throws Exception {
        byte[] content = filled((byte) 'H');
        List<Integer> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        SegmentTransport replicas = new ReadOnlyTransport() {
            @Override
            public CompletableFuture<ReadResult> read(int group, int replica, long offset, int length, long point) {
                asked.add(replica);
                return switch (replica) {
                    case 0 -> new CompletableFuture<>(); // a dead node: no answer, ever
                    case 1 -> CompletableFuture.completedFuture(new ReadResult(null, "replica is hydrating"));
                    default -> CompletableFuture.completedFuture(new ReadResult(content.clone(), null));
                };
            }
        };
        // A request timeout of a minute: waiting it out would fail the test's bound.
        VolumeReader reader = new VolumeReader("v", new VolumeLayout(64 * 1024), replicas, new BlockCache(4 * BLOCK), 60_000,
                view(16 * BLOCK, () -> 7));
        byte[] got = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () -> read(reader, BLOCK_NO));
        assertArrayEquals(content, got);
        assertEquals(List.of(0, 1, 2), asked, "the silent replica first, then the next, then the one after the error");
        // The replica that answered is asked first from now on.
        asked.clear();
        read(reader, BLOCK_NO + 1);
        assertEquals(List.of(2), asked);
    }

    private static byte[] read(VolumeReader reader, long block) throws Exception {
        ByteBuffer dst = ByteBuffer.allocate(BLOCK);
        reader.read(block * BLOCK, dst);
        return dst.array();
    }

    /** A writer's view: a volume of {@code size} bytes, every replica serving, the read point from {@code readPoint}. */
    private static VolumeReader.View view(long size, java.util.function.LongSupplier readPoint) {
        return new VolumeReader.View() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public long readPoint(int group) {
                return readPoint.getAsLong();
            }

            @Override
            public boolean likelyServes(int group, int replica, long point) {
                return true;
            }
        };
    }

    private static byte[] filled(byte b) {
        byte[] a = new byte[BLOCK];
        Arrays.fill(a, b);
        return a;
    }
}
