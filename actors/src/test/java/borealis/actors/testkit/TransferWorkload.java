package borealis.actors.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** Transfers between random accounts, one transaction each; reconnects after any error, as an application's pool would. */
public final class TransferWorkload implements Runnable {

    public static final int ACCOUNTS = 10;
    public static final long OPENING = 1_000;

    /** The accounts (each with {@link #OPENING}) and the transfer log. */
    public static void createSchema(Statement s) throws SQLException {
        s.execute("create table accounts(id int primary key, balance bigint not null)");
        s.execute("create table transfers(id bigint primary key, src int not null, dst int not null, amount bigint not null)");
        for (int i = 0; i < ACCOUNTS; i++) {
            s.execute("insert into accounts values (" + i + ", " + OPENING + ")");
        }
    }

    /** Totals are exact and every acknowledged transfer is there. */
    public static void verify(String url, List<Long> acked) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "app", "secret-pass"); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select sum(balance) from accounts")) {
                rs.next();
                assertEquals(ACCOUNTS * OPENING, rs.getLong(1), "money is neither created nor destroyed");
            }
            List<Long> present = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("select id from transfers")) {
                while (rs.next()) {
                    present.add(rs.getLong(1));
                }
            }
            assertTrue(present.containsAll(acked), "every acknowledged transfer is present");
        }
    }
    final List<String> urls;
    public final List<Long> acked = Collections.synchronizedList(new ArrayList<>());
    /** Per acknowledged transfer: when it began and when its commit was acknowledged (nanoTime). */
    final List<long[]> ackTimes = Collections.synchronizedList(new ArrayList<>());
    public final AtomicBoolean stop = new AtomicBoolean();
    final Random random = new Random();
    final AtomicLong ids;
    volatile Throwable fatal;

    /** Transactions that failed after they began (not counting connects that failed). */
    public final AtomicLong failed = new AtomicLong();

    public TransferWorkload(List<String> urls, AtomicLong ids) {
        this.urls = urls;
        this.ids = ids;
    }

    private volatile long pauseMillis;

    /** Pauses between transfers (many workloads on one small machine). */
    public TransferWorkload paced(java.time.Duration pause) {
        this.pauseMillis = pause.toMillis();
        return this;
    }

    @Override
    public void run() {
        int next = 0;
        while (!stop.get()) {
            String url = urls.get(next++ % urls.size());
            boolean connected = false;
            try (Connection c = DriverManager.getConnection(url + "&connectTimeout=5&socketTimeout=30", "app", "secret-pass")) {
                connected = true;
                c.setAutoCommit(false);
                try (PreparedStatement debit = c.prepareStatement("update accounts set balance = balance - ? where id = ?");
                     PreparedStatement credit = c.prepareStatement("update accounts set balance = balance + ? where id = ?");
                     PreparedStatement log = c.prepareStatement("insert into transfers values (?, ?, ?, ?)")) {
                    while (!stop.get()) {
                        long began = System.nanoTime();
                        long id = ids.incrementAndGet();
                        int src = random.nextInt(ACCOUNTS);
                        int dst = (src + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                        long amount = 1 + random.nextInt(20);
                        debit.setLong(1, amount);
                        debit.setInt(2, src);
                        debit.executeUpdate();
                        credit.setLong(1, amount);
                        credit.setInt(2, dst);
                        credit.executeUpdate();
                        log.setLong(1, id);
                        log.setInt(2, src);
                        log.setInt(3, dst);
                        log.setLong(4, amount);
                        log.executeUpdate();
                        c.commit();
                        long now = System.nanoTime();
                        acked.add(id);
                        ackTimes.add(new long[] {now, began});
                        if (pauseMillis > 0) {
                            Thread.sleep(pauseMillis);
                        }
                    }
                }
            } catch (SQLException e) {
                // The writer's node died (08006, 57P01) or the cluster is failing over: a new
                // connection, through the next node.
                if (connected) {
                    failed.incrementAndGet();
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } catch (Throwable t) {
                fatal = t;
                return;
            }
        }
    }

    public long ackedAfter(long nanos) {
        synchronized (ackTimes) {
            return ackTimes.stream().filter(t -> t[0] > nanos).count();
        }
    }

    /**
     * The first acknowledgement of a transfer that began at or after {@code nanos}, or -1: one in
     * flight at a kill may be acknowledged just after it, which says nothing about a failover.
     */
    public long firstAckOfTransferBegunAfter(long nanos) {
        synchronized (ackTimes) {
            return ackTimes.stream().filter(t -> t[1] >= nanos).mapToLong(t -> t[0]).min().orElse(-1);
        }
    }

    public void awaitAcked(int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (acked.size() < n) {
            if (fatal != null) {
                throw new AssertionError("the bank client failed", fatal);
            }
            assertTrue(System.nanoTime() < deadline, "only " + acked.size() + " of " + n + " transfers acknowledged");
            Thread.sleep(20);
        }
    }
}
