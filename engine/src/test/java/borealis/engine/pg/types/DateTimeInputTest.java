package borealis.engine.pg.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Date, time, timestamp and timestamptz input against PostgreSQL 15's own answers, per DateStyle order
 * (pg-datetime-input.tsv: each input cast on PostgreSQL with TimeZone UTC): the value it reads,
 * shown as PostgreSQL shows it, or its SQLSTATE and message.
 */
class DateTimeInputTest {

    @Test
    void readsAsPostgreSqlDoes() throws Exception {
        List<String> wrong = new ArrayList<>();
        int rows = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                DateTimeInputTest.class.getResourceAsStream("/pg-datetime-input.tsv"), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                String h2Type = PgDateTimes.h2Type(f[0]);
                String got = answer(h2Type, f[2], DateOrder.valueOf(f[1]));
                rows++;
                if (!got.equals(f[3])) {
                    wrong.add(f[0] + " " + f[1] + " '" + f[2] + "': PostgreSQL " + f[3] + ", here " + got);
                }
            }
        }
        assertTrue(rows > 900);
        assertEquals(List.of(), wrong);
    }

    @Test
    void orderDependenceIsReported() throws Exception {
        assertTrue(DateTimeInput.read("DATE", "01/02/03", DateOrder.YMD).orderDependent());
        assertTrue(DateTimeInput.read("DATE", "January 8, 1999", DateOrder.MDY).orderDependent());
        assertEquals(false, DateTimeInput.read("DATE", "1999-Jan-08", DateOrder.MDY).orderDependent());
        assertEquals(false, DateTimeInput.read("TIMESTAMP", "19990108 040506", DateOrder.DMY).orderDependent());
    }

    @Test
    void textParametersAreReadInTheSessionsOrder() throws Exception {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:h2:mem:dates" + System.nanoTime());
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT CAST(?1 AS DATE), CAST(?2 AS TIMESTAMP)")) {
            PgValues.bind(ps, 1, PgType.DATE.oid, false, "01/02/03".getBytes(StandardCharsets.UTF_8), DateOrder.YMD);
            PgValues.bind(ps, 2, PgType.TIMESTAMP.oid, false, "January 8 04:05:06 1999 PM".getBytes(StandardCharsets.UTF_8),
                    DateOrder.DMY);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(LocalDate.of(2001, 2, 3), rs.getObject(1, LocalDate.class));
                assertEquals(LocalDateTime.of(1999, 1, 8, 16, 5, 6), rs.getObject(2, LocalDateTime.class));
            }
            SQLException e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, () -> PgValues.bind(ps, 2,
                    PgType.TIMESTAMP.oid, false, "1999-02-29 10:00".getBytes(StandardCharsets.UTF_8), DateOrder.MDY));
            assertEquals("22008", e.getSQLState());
        }
    }

    /** now, today, tomorrow, yesterday as PostgreSQL 15 read them at 2026-12-05 16:30:15.25 in PST8PDT (checked there). */
    @Test
    void theCurrentTimeIsReadFromTheClock() throws Exception {
        java.time.ZonedDateTime clock = java.time.ZonedDateTime.of(2026, 12, 5, 16, 30, 15, 250_000_000, java.time.ZoneId.of("PST8PDT"));
        assertEquals(LocalDateTime.of(2026, 12, 5, 10, 0), DateTimeInput.value("TIMESTAMP", "today 10:00", DateOrder.MDY, clock));
        assertEquals(LocalDateTime.of(2026, 12, 6, 0, 0), DateTimeInput.value("TIMESTAMP", " Tomorrow ", DateOrder.MDY, clock));
        assertEquals(LocalDateTime.of(2026, 12, 4, 23, 59, 59, 500_000_000),
                DateTimeInput.value("TIMESTAMP", "yesterday 23:59:59.5", DateOrder.MDY, clock));
        assertEquals(LocalDate.of(2026, 12, 4), DateTimeInput.value("DATE", "yesterday", DateOrder.MDY, clock));
        assertEquals(LocalDateTime.of(2026, 12, 5, 16, 30, 15, 250_000_000), DateTimeInput.value("TIMESTAMP", "now", DateOrder.MDY, clock));
        assertEquals(clock.toInstant(), ((java.time.OffsetDateTime) DateTimeInput.value("TIMESTAMP WITH TIME ZONE", "now", DateOrder.MDY,
                clock)).toInstant());
        assertEquals(java.time.LocalTime.of(16, 30, 15, 250_000_000), DateTimeInput.value("TIME", "now", DateOrder.MDY, clock));
        // midnight where the session is, unless the text names a zone
        assertEquals(java.time.OffsetDateTime.parse("2026-12-05T00:00-08:00").toInstant(),
                ((java.time.OffsetDateTime) DateTimeInput.value("TIMESTAMP WITH TIME ZONE", "today", DateOrder.MDY, clock)).toInstant());
        assertEquals(java.time.OffsetDateTime.parse("2026-12-06T00:00-05:00").toInstant(),
                ((java.time.OffsetDateTime) DateTimeInput.value("TIMESTAMP WITH TIME ZONE", "tomorrow EST", DateOrder.MDY, clock)).toInstant());
        // what PostgreSQL refuses
        for (String[] bad : new String[][] {{"TIME", "today"}, {"TIMESTAMP", "now 10:00"}, {"TIMESTAMP", "today 2020-01-01"}}) {
            SQLException e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                    () -> DateTimeInput.value(bad[0], bad[1], DateOrder.MDY, clock), bad[1]);
            assertEquals("22007", e.getSQLState(), bad[1]);
        }
        // a statement's literal is not read: its translation is kept, the running statement reads it
        assertTrue(DateTimeInput.readLiteral("TIMESTAMP", "now", DateOrder.MDY).clock());
        assertEquals(false, DateTimeInput.readLiteral("TIMESTAMP", "2024-01-10", DateOrder.MDY).clock());
    }

    @Test
    void dateStyleOrder() {
        assertEquals(DateOrder.MDY, DateOrder.of("ISO, MDY"));
        assertEquals(DateOrder.DMY, DateOrder.of("ISO, DMY"));
        assertEquals(DateOrder.YMD, DateOrder.of("ymd"));
        assertEquals(DateOrder.DMY, DateOrder.of("European"));
    }

    /** What PostgreSQL would show for the value read here, or ERROR sqlstate message. */
    private static String answer(String h2Type, String input, DateOrder order) {
        DateTimeInput.Read read;
        try {
            read = DateTimeInput.read(h2Type, input, order);
        } catch (SQLException e) {
            return "ERROR " + e.getSQLState() + " " + e.getMessage();
        }
        String text = read.h2Text() == null ? input.strip().replace('T', ' ') : read.h2Text();
        if (h2Type.equals("DATE")) {
            return PgDateTimes.formatDate(LocalDate.parse(signed(text)));
        }
        if (h2Type.equals("TIME")) {
            return PgTextForms.formatTime(java.time.LocalTime.parse(text));
        }
        text = text.replace("+00", "");
        LocalDateTime v = LocalDateTime.parse(signed(text.contains(" ") ? text : text + " 00:00").replace(' ', 'T'));
        return PgDateTimes.formatTimestamp(v, h2Type.equals("DATE") || h2Type.equals("TIMESTAMP") ? "" : "+00");
    }

    /** java.time wants a sign before a year of more than four digits. */
    private static String signed(String text) {
        return text.matches("\\d{5,}-.*") ? "+" + text : text;
    }
}
