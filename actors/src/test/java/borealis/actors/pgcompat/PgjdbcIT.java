package borealis.actors.pgcompat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * pgjdbc against Borealis: DatabaseMetaData, generated keys, batches that fail as a whole,
 * streaming with setFetchSize, every type pgjdbc transfers in binary, and a HikariCP pool.
 */
class PgjdbcIT {

    private static PgFixture db;

    @BeforeAll
    static void start() throws Exception {
        db = PgFixture.start("jdbc");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("create table customers(id serial primary key, email varchar(80) not null unique, name text)");
            s.execute("create table orders(id bigserial primary key, customer_id int not null references customers(id),"
                    + " total numeric(12,2) default 0, placed timestamptz default now())");
            s.execute("create index orders_placed_idx on orders(placed)");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        db.close();
    }

    @Test
    void databaseMetaData() throws Exception {
        try (Connection c = db.connect()) {
            DatabaseMetaData md = c.getMetaData();
            assertEquals("PostgreSQL", md.getDatabaseProductName());
            assertTrue(md.getDatabaseMajorVersion() >= 12, "server_version " + md.getDatabaseProductVersion());

            List<String> tables = new ArrayList<>();
            try (ResultSet rs = md.getTables(null, "public", "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME"));
                    assertEquals("TABLE", rs.getString("TABLE_TYPE"));
                }
            }
            assertTrue(tables.containsAll(List.of("customers", "orders")), tables.toString());
            assertEquals(tables.stream().sorted().toList(), tables, "ordered by name");

            List<String> columns = new ArrayList<>();
            try (ResultSet rs = md.getColumns(null, "public", "orders", "%")) {
                while (rs.next()) {
                    columns.add(rs.getString("COLUMN_NAME") + ":" + rs.getString("TYPE_NAME") + ":" + rs.getInt("NULLABLE"));
                }
            }
            assertEquals(List.of("id:bigserial:0", "customer_id:int4:0", "total:numeric:1", "placed:timestamptz:1"), columns);

            try (ResultSet rs = md.getPrimaryKeys(null, "public", "orders")) {
                assertTrue(rs.next());
                assertEquals("id", rs.getString("COLUMN_NAME"));
                assertEquals("orders_pkey", rs.getString("PK_NAME"));
                assertEquals(1, rs.getInt("KEY_SEQ"));
                assertFalse(rs.next());
            }

            List<String> indexes = new ArrayList<>();
            try (ResultSet rs = md.getIndexInfo(null, "public", "orders", false, false)) {
                while (rs.next()) {
                    indexes.add(rs.getString("INDEX_NAME") + ":" + rs.getString("COLUMN_NAME") + ":" + rs.getBoolean("NON_UNIQUE"));
                }
            }
            assertTrue(indexes.contains("orders_pkey:id:false"), indexes.toString());
            assertTrue(indexes.contains("orders_placed_idx:placed:true"), indexes.toString());

            try (ResultSet rs = md.getImportedKeys(null, "public", "orders")) {
                assertTrue(rs.next());
                assertEquals("customers", rs.getString("PKTABLE_NAME"));
                assertEquals("id", rs.getString("PKCOLUMN_NAME"));
                assertEquals("customer_id", rs.getString("FKCOLUMN_NAME"));
                assertEquals("orders_customer_id_fkey", rs.getString("FK_NAME"));
                assertFalse(rs.next());
            }
        }
    }

    @Test
    void generatedKeysAndResultSetMetaData() throws Exception {
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("insert into customers(email, name) values (?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < 7; i++) { // past prepareThreshold: named statements and binary results
                ps.setString(1, "gk" + i + "@example.com");
                ps.setString(2, "Customer " + i);
                assertEquals(1, ps.executeUpdate());
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    assertTrue(keys.next());
                    ids.add(keys.getInt("id"));
                }
            }
            for (int i = 1; i < ids.size(); i++) {
                assertTrue(ids.get(i) > ids.get(i - 1), ids.toString());
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select id, email from customers where id = " + ids.get(0))) {
                ResultSetMetaData md = rs.getMetaData();
                assertEquals("customers", md.getTableName(1));
                assertEquals(ResultSetMetaData.columnNoNulls, md.isNullable(2));
                assertTrue(md.isAutoIncrement(1));
                assertTrue(rs.next());
            }
        }
    }

    @Test
    void failingRowRollsBackTheWholeBatch() throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("create table batch_items(id int primary key, label text)");
            try (PreparedStatement ps = c.prepareStatement("insert into batch_items values (?, ?)")) {
                for (int id : new int[] {1, 2, 2, 3}) {
                    ps.setInt(1, id);
                    ps.setString(2, "item " + id);
                    ps.addBatch();
                }
                BatchUpdateException e = assertThrows(BatchUpdateException.class, ps::executeBatch);
                assertEquals("23505", e.getSQLState());
            }
            try (ResultSet rs = s.executeQuery("select count(*) from batch_items")) {
                rs.next();
                assertEquals(0, rs.getInt(1), "the failed batch must leave no rows");
            }
            // A good batch goes in whole, with its update counts.
            try (PreparedStatement ps = c.prepareStatement("insert into batch_items values (?, ?)")) {
                for (int id = 10; id < 20; id++) {
                    ps.setInt(1, id);
                    ps.setString(2, "item " + id);
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                assertEquals(10, counts.length);
                for (int n : counts) {
                    assertEquals(1, n);
                }
            }
            // Inside a transaction the error leaves it failed until rollback.
            c.setAutoCommit(false);
            s.execute("insert into batch_items values (100, 'x')");
            SQLException dup = assertThrows(SQLException.class, () -> s.execute("insert into batch_items values (100, 'again')"));
            assertEquals("23505", dup.getSQLState());
            SQLException aborted = assertThrows(SQLException.class, () -> s.execute("select 1"));
            assertEquals("25P02", aborted.getSQLState());
            c.rollback();
            c.setAutoCommit(true);
            try (ResultSet rs = s.executeQuery("select count(*) from batch_items where id = 100")) {
                rs.next();
                assertEquals(0, rs.getInt(1));
            }
        }
    }

    @Test
    void fetchSizeStreamsAMillionRowsInBoundedMemory() throws Exception {
        int rows = 1_000_000;
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("create table big(id int primary key, payload varchar(100))");
            s.execute("insert into big select x, repeat('p', 100) from generate_series(1, " + rows + ") as g(x)");
        }
        var heap = ManagementFactory.getMemoryMXBean();
        System.gc();
        long before = heap.getHeapMemoryUsage().getUsed();
        long peak = before;
        long count = 0;
        long sum = 0;
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.setFetchSize(1000);
                try (ResultSet rs = s.executeQuery("select id, payload from big")) {
                    while (rs.next()) {
                        count++;
                        sum += rs.getInt(1);
                        if (count % 100_000 == 0) {
                            System.gc();
                            peak = Math.max(peak, heap.getHeapMemoryUsage().getUsed());
                        }
                    }
                }
            }
            c.commit();
        }
        assertEquals(rows, count);
        assertEquals((long) rows * (rows + 1) / 2, sum);
        long grown = peak - before;
        // The rows alone are ~110 MB of payload; holding them (client or server) would need several times that.
        assertTrue(grown < 96L << 20, "heap grew by " + (grown >> 20) + " MiB while streaming");
    }

    @Test
    void everyBinaryTypeRoundTrips() throws Exception {
        Properties binary = new Properties();
        binary.setProperty("prepareThreshold", "-1"); // server-prepared from the first execution: binary both ways
        try (Connection c = db.connect(binary); Statement s = c.createStatement()) {
            s.execute("create table typed(id int primary key, i2 int2, i4 int4, i8 int8, f4 float4, f8 float8, n numeric(20,6),"
                    + " b bytea, d date, t time, tz timetz, ts timestamp, tstz timestamptz, u uuid, bo bool, tx text,"
                    + " ai int4[], al int8[], af float8[], at text[])");
            OffsetDateTime tstz = OffsetDateTime.of(2024, 2, 29, 13, 14, 15, 123456000, ZoneOffset.UTC);
            UUID uuid = UUID.fromString("1b4e28ba-2fa1-11d2-883f-0016d3cca427");
            byte[] bytes = {0, 1, 2, (byte) 0xfe, (byte) 0xff};
            try (PreparedStatement ps = c.prepareStatement("insert into typed values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setInt(1, 1);
                ps.setShort(2, (short) -12);
                ps.setInt(3, 2_000_000_000);
                ps.setLong(4, 9_000_000_000_000L);
                ps.setFloat(5, 1.5f);
                ps.setDouble(6, Math.PI);
                ps.setBigDecimal(7, new BigDecimal("-12345678.000042"));
                ps.setBytes(8, bytes);
                ps.setObject(9, LocalDate.of(1999, 12, 31));
                ps.setObject(10, LocalTime.of(23, 59, 58, 500_000_000));
                ps.setObject(11, java.time.OffsetTime.of(10, 11, 12, 0, ZoneOffset.ofHours(2)));
                ps.setObject(12, LocalDateTime.of(2000, 1, 1, 0, 0, 1));
                ps.setObject(13, tstz);
                ps.setObject(14, uuid);
                ps.setBoolean(15, true);
                ps.setString(16, "héllo, wörld");
                ps.setArray(17, c.createArrayOf("int4", new Integer[] {1, null, 3}));
                ps.setArray(18, c.createArrayOf("int8", new Long[] {1L << 40}));
                ps.setArray(19, c.createArrayOf("float8", new Double[] {0.25, -1e300}));
                ps.setArray(20, c.createArrayOf("text", new String[] {"a", "b c", "\"q\""}));
                assertEquals(1, ps.executeUpdate());
            }
            try (PreparedStatement ps = c.prepareStatement("select * from typed where id = ?")) {
                ps.setInt(1, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(-12, rs.getShort("i2"));
                    assertEquals(2_000_000_000, rs.getInt("i4"));
                    assertEquals(9_000_000_000_000L, rs.getLong("i8"));
                    assertEquals(1.5f, rs.getFloat("f4"));
                    assertEquals(Math.PI, rs.getDouble("f8"));
                    assertEquals(new BigDecimal("-12345678.000042"), rs.getBigDecimal("n"));
                    assertArrayEquals(bytes, rs.getBytes("b"));
                    assertEquals(LocalDate.of(1999, 12, 31), rs.getObject("d", LocalDate.class));
                    assertEquals(LocalTime.of(23, 59, 58, 500_000_000), rs.getObject("t", LocalTime.class));
                    assertEquals(java.time.OffsetTime.of(10, 11, 12, 0, ZoneOffset.ofHours(2)), rs.getObject("tz", java.time.OffsetTime.class));
                    assertEquals(LocalDateTime.of(2000, 1, 1, 0, 0, 1), rs.getObject("ts", LocalDateTime.class));
                    assertEquals(tstz.toInstant(), rs.getObject("tstz", OffsetDateTime.class).toInstant());
                    assertEquals(uuid, rs.getObject("u", UUID.class));
                    assertTrue(rs.getBoolean("bo"));
                    assertEquals("héllo, wörld", rs.getString("tx"));
                    assertArrayEquals(new Integer[] {1, null, 3}, (Object[]) rs.getArray("ai").getArray());
                    assertArrayEquals(new Long[] {1L << 40}, (Object[]) rs.getArray("al").getArray());
                    assertArrayEquals(new Double[] {0.25, -1e300}, (Object[]) rs.getArray("af").getArray());
                    Array at = rs.getArray("at");
                    assertArrayEquals(new String[] {"a", "b c", "\"q\""}, (Object[]) at.getArray());
                }
            }
        }
    }

    @Test
    void hikariPool() throws Exception {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(db.url());
        cfg.setUsername(PgFixture.USER);
        cfg.setPassword(PgFixture.PASSWORD);
        cfg.setMaximumPoolSize(4);
        cfg.setPoolName("borealis-test");
        try (HikariDataSource ds = new HikariDataSource(cfg)) {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("create table pooled(id serial primary key, worker int not null)");
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> work = new ArrayList<>();
                for (int w = 0; w < 8; w++) {
                    int worker = w;
                    work.add(pool.submit(() -> {
                        for (int i = 0; i < 25; i++) {
                            try (Connection c = ds.getConnection();
                                 PreparedStatement ps = c.prepareStatement("insert into pooled(worker) values (?)")) {
                                ps.setInt(1, worker);
                                ps.executeUpdate();
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : work) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select worker, count(*) from pooled group by worker order by worker")) {
                int workers = 0;
                while (rs.next()) {
                    assertEquals(25, rs.getInt(2));
                    workers++;
                }
                assertEquals(8, workers);
            }
            assertNotNull(ds.getHikariPoolMXBean());
            assertTrue(ds.getHikariPoolMXBean().getTotalConnections() <= 4);
        }
    }
}
