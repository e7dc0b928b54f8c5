package borealis.actors.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.TreeSet;
import java.util.function.IntFunction;

/**
 * The workload of the crash tests: tenant {@code acme}, cluster {@code db}, a table of orders
 * written one autocommit insert at a time, so that each acknowledged insert is one acknowledged
 * commit a restart must keep.
 */
public final class OrderCommits {

    private OrderCommits() {}

    /** Creates the tenant, its cluster and the empty table. */
    public static void setUp(NodeProcess node) throws Exception {
        node.admin().createTenant("acme");
        node.admin().createCluster("acme", "db", "app", "secret-pass");
        try (Connection c = connect(node); Statement s = c.createStatement()) {
            s.execute("create table orders(id int primary key, note varchar(200))");
        }
    }

    /** Inserts orders 1..n, one commit each; returns the ids whose commit was acknowledged. */
    public static TreeSet<Integer> insert(NodeProcess node, int n, IntFunction<String> note) throws SQLException {
        TreeSet<Integer> acknowledged = new TreeSet<>();
        try (Connection c = connect(node); PreparedStatement insert = c.prepareStatement("insert into orders values (?, ?)")) {
            for (int i = 1; i <= n; i++) {
                insert.setInt(1, i);
                insert.setString(2, note.apply(i));
                insert.executeUpdate();
                acknowledged.add(i);
            }
        }
        return acknowledged;
    }

    /** The order ids the node holds now. */
    public static TreeSet<Integer> ids(NodeProcess node) throws SQLException {
        TreeSet<Integer> found = new TreeSet<>();
        try (Connection c = connect(node); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("select id from orders order by id")) {
            while (rs.next()) {
                found.add(rs.getInt(1));
            }
        }
        return found;
    }

    /** The acknowledged ids the node no longer holds. */
    public static List<Integer> lost(TreeSet<Integer> acknowledged, NodeProcess node) throws SQLException {
        TreeSet<Integer> lost = new TreeSet<>(acknowledged);
        lost.removeAll(ids(node));
        return List.copyOf(lost);
    }

    public static Connection connect(NodeProcess node) throws SQLException {
        return DriverManager.getConnection(node.jdbcUrl("acme", "db") + "&loginTimeout=60", "app", "secret-pass");
    }
}
