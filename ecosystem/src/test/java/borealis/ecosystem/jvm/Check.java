package borealis.ecosystem.jvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import borealis.ecosystem.Db;

/** Assertions and small helpers shared by the JVM flows of the ORM and migration tools. */
public final class Check {

    private Check() {}

    public static void eq(Object actual, Object expected, String what) {
        if (!Objects.equals(actual, expected)) {
            throw new AssertionError(what + ": expected " + expected + ", got " + actual);
        }
    }

    public static void isTrue(boolean cond, String what) {
        if (!cond) {
            throw new AssertionError(what);
        }
    }

    /** A temporary directory holding the given files (name to content), deleted when the JVM exits. */
    public static Path files(String prefix, Map<String, String> files) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        // deleteOnExit deletes in the reverse order of registration: a directory before what it holds
        dir.toFile().deleteOnExit();
        for (Map.Entry<String, String> e : files.entrySet()) {
            Path p = dir.resolve(e.getKey());
            for (Path d = dir.relativize(p.getParent()), at = dir; d != null && d.getNameCount() > 0 && !d.toString().isEmpty();
                 d = d.getNameCount() > 1 ? d.subpath(1, d.getNameCount()) : null) {
                at = at.resolve(d.getName(0));
                at.toFile().deleteOnExit();
            }
            Files.createDirectories(p.getParent());
            Files.writeString(p, e.getValue());
            p.toFile().deleteOnExit();
        }
        return dir;
    }

    public static Connection connect(Db db) throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
    }

    /** The rows of a query as lists of strings (one list a row, each value by getString). */
    public static List<List<String>> rows(Db db, String sql) throws SQLException {
        try (Connection c = connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<List<String>> out = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
            return out;
        }
    }

    /** The first column of a query's rows. */
    public static List<String> column(Db db, String sql) throws SQLException {
        return rows(db, sql).stream().map(r -> r.get(0)).toList();
    }

    /** Runs a block expecting it to throw an exception of the given type (anywhere in its causes). */
    public static Throwable raises(Class<? extends Throwable> type, String what, ThrowingRunnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            for (Throwable c = t; c != null; c = c.getCause()) {
                if (type.isInstance(c)) {
                    return t;
                }
            }
            throw new AssertionError(what + ": expected " + type.getSimpleName() + ", got " + t, t);
        }
        throw new AssertionError(what + ": no " + type.getSimpleName() + " was raised");
    }

    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }
}
