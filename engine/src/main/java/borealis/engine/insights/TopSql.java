package borealis.engine.insights;

import borealis.persistence.serialization.BorealisSerializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The Performance Insights view of one database: per normalized statement, calls, total time and
 * rows over a recent window. Time is kept in one-minute buckets so old activity falls out of the
 * window without scanning; the number of distinct statements per bucket is bounded, the rest
 * counted as "other".
 */
public final class TopSql {

    /** Distinct digests kept per bucket; beyond it statements are folded into {@link #OTHER}. */
    public static final int MAX_DIGESTS_PER_BUCKET = 500;
    public static final String OTHER = "(other statements)";
    private static final long BUCKET_NANOS = 60_000_000_000L;

    /** One row of the view. */
    public record Entry(String statement, long calls, double totalSeconds, double meanMillis, long rows, long errors)
            implements BorealisSerializable {}

    private static final class Stats {
        long calls;
        long nanos;
        long rows;
        long errors;
    }

    private record Bucket(long minute, Map<String, Stats> stats) {}

    private final int windowMinutes;
    private final LongSupplier clock;
    private final ArrayDeque<Bucket> buckets = new ArrayDeque<>();

    public TopSql(int windowMinutes, LongSupplier nanoClock) {
        this.windowMinutes = windowMinutes;
        this.clock = nanoClock;
    }

    public TopSql(int windowMinutes) {
        this(windowMinutes, System::nanoTime);
    }

    /** Records one finished statement (the text is normalized here). */
    public void record(String sql, long nanos, long rows, boolean failed) {
        String digest = digestOf(sql);
        if (digest.isEmpty()) {
            return;
        }
        synchronized (this) {
            Bucket b = current();
            Stats s = b.stats().get(digest);
            if (s == null) {
                s = b.stats().size() < MAX_DIGESTS_PER_BUCKET ? new Stats() : b.stats().computeIfAbsent(OTHER, k -> new Stats());
                if (b.stats().size() < MAX_DIGESTS_PER_BUCKET) {
                    b.stats().put(digest, s);
                }
            }
            s.calls++;
            s.nanos += nanos;
            s.rows += rows;
            if (failed) {
                s.errors++;
            }
        }
    }

    /**
     * Digests of recent statement texts: a prepared statement's text repeats at every execution, and
     * lexing it again took about 2% of a select-only run's SQL CPU. Bounded; cleared when full.
     */
    private final Map<String, String> digests = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int DIGESTS_KEPT = 1024;
    private static final int DIGESTED_CHARS_KEPT = 4096;

    private String digestOf(String sql) {
        String d = digests.get(sql);
        if (d == null) {
            d = StatementDigest.of(sql);
            if (sql.length() <= DIGESTED_CHARS_KEPT) {
                if (digests.size() >= DIGESTS_KEPT) {
                    digests.clear();
                }
                digests.put(sql, d);
            }
        }
        return d;
    }

    private Bucket current() {
        long minute = clock.getAsLong() / BUCKET_NANOS;
        Bucket last = buckets.peekLast();
        if (last == null || last.minute() != minute) {
            last = new Bucket(minute, new HashMap<>());
            buckets.addLast(last);
        }
        while (buckets.peekFirst().minute() <= minute - windowMinutes) {
            buckets.pollFirst();
        }
        return last;
    }

    public enum Order { TIME, CALLS, ROWS }

    /** The top {@code limit} statements of the window by the given order. */
    public synchronized List<Entry> top(Order order, int limit) {
        current();
        Map<String, Stats> total = new HashMap<>();
        for (Bucket b : buckets) {
            b.stats().forEach((digest, s) -> {
                Stats t = total.computeIfAbsent(digest, k -> new Stats());
                t.calls += s.calls;
                t.nanos += s.nanos;
                t.rows += s.rows;
                t.errors += s.errors;
            });
        }
        List<Entry> entries = new ArrayList<>();
        total.forEach((digest, s) -> entries.add(new Entry(digest, s.calls, s.nanos / 1e9,
                s.calls == 0 ? 0 : s.nanos / 1e6 / s.calls, s.rows, s.errors)));
        Comparator<Entry> by = switch (order) {
            case TIME -> Comparator.comparingDouble(Entry::totalSeconds);
            case CALLS -> Comparator.comparingLong(Entry::calls);
            case ROWS -> Comparator.comparingLong(Entry::rows);
        };
        entries.sort(by.reversed().thenComparing(Entry::statement));
        return entries.size() > limit ? entries.subList(0, limit) : entries;
    }
}
