package borealis.persistence.backup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import borealis.persistence.volume.client.LogArchive.DurableRecord;
import borealis.persistence.volume.log.LogRecord;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The off-heap queue writes exactly the object the archived-log format reads, across chunk boundaries. */
class ArchiveSpoolTest {

    @Test
    void anObjectFromTheSpoolIsTheEncodingOfItsRecords() throws Exception {
        Random random = new Random(7);
        List<DurableRecord> records = new ArrayList<>();
        long lsn = 100;
        for (int i = 0; i < 40; i++) {
            // Sizes around and above the 1 MiB chunk, so records straddle chunks.
            byte[] data = new byte[random.nextInt(3 * ArchiveSpool.Chunks.SIZE / 2)];
            random.nextBytes(data);
            LogRecord r = i % 10 == 9 ? LogRecord.truncate(lsn, lsn - 1, 0, 8192)
                    : LogRecord.write(lsn, lsn - 1, i % 3, 4096L * i, data, data.length, i % 2 == 0);
            records.add(new DurableRecord(r, i % 4 == 0, 1_700_000_000_000L + i));
            lsn++;
        }
        ArchiveSpool.Chunks chunks = new ArchiveSpool.Chunks(2);
        ArchiveSpool spool = new ArchiveSpool(chunks);
        records.forEach(spool::add);
        assertEquals(100, spool.firstLsn());
        assertEquals(139, spool.lastLsn());
        assertEquals(1_700_000_000_039L, spool.lastMillis());
        assertEquals(records.stream().mapToLong(d -> d.record().wireSize()).sum(), spool.bytes());

        byte[] object = spool.toObject();
        spool.release();
        assertArrayEquals(LogSegments.encode(records), object);
        List<DurableRecord> back = LogSegments.decode("k", new ByteArrayInputStream(object));
        assertEquals(records.size(), back.size());
        for (int i = 0; i < records.size(); i++) {
            assertEquals(records.get(i).record().lsn(), back.get(i).record().lsn());
            assertEquals(records.get(i).boundary(), back.get(i).boundary());
            assertArrayEquals(records.get(i).record().data(), back.get(i).record().data());
        }

        // Reused chunks start clean: a second spool's object holds only its own records.
        ArchiveSpool next = new ArchiveSpool(chunks);
        next.add(records.get(3));
        assertArrayEquals(LogSegments.encode(List.of(records.get(3))), next.toObject());
        next.release();
    }
}
