package borealis.ecosystem.jvm.liquibase;

import static borealis.ecosystem.jvm.Check.column;
import static borealis.ecosystem.jvm.Check.eq;
import static borealis.ecosystem.jvm.Check.raises;

import borealis.ecosystem.Db;
import borealis.ecosystem.JvmFlow;
import borealis.ecosystem.jvm.Check;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.DirectoryResourceAccessor;
import liquibase.util.LiquibaseUtil;

/** Liquibase: an XML changelog (createTable, addColumn, addForeignKeyConstraint) applied, re-applied, rolled back. */
public final class LiquibaseFlows {

    private LiquibaseFlows() {}

    public static List<JvmFlow> flows() {
        String lib = "Liquibase " + LiquibaseUtil.getBuildVersion() + " + pgjdbc " + org.postgresql.util.DriverInfo.DRIVER_VERSION;
        return List.of(
                JvmFlow.of("liquibase.update_rollback", lib, LiquibaseFlows::updateRollback),
                JvmFlow.of("liquibase.tag_rollback", lib, LiquibaseFlows::tagRollback));
    }

    static final String HEAD = """
            <?xml version="1.0" encoding="UTF-8"?>
            <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
                xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-4.30.xsd">
            """;

    static final String CHANGESETS = """
              <changeSet id="1" author="eco">
                <createTable tableName="person">
                  <column name="id" type="bigint" autoIncrement="true"><constraints primaryKey="true" nullable="false"/></column>
                  <column name="name" type="varchar(100)"><constraints nullable="false" unique="true"/></column>
                  <column name="born" type="date"/>
                </createTable>
              </changeSet>
              <changeSet id="2" author="eco">
                <createTable tableName="address">
                  <column name="id" type="bigint" autoIncrement="true"><constraints primaryKey="true" nullable="false"/></column>
                  <column name="person_id" type="bigint"><constraints nullable="false"/></column>
                  <column name="city" type="varchar(80)"/>
                </createTable>
              </changeSet>
              <changeSet id="3" author="eco">
                <addColumn tableName="person">
                  <column name="email" type="varchar(200)" defaultValue="none"/>
                </addColumn>
              </changeSet>
              <changeSet id="4" author="eco">
                <addForeignKeyConstraint baseTableName="address" baseColumnNames="person_id" constraintName="fk_address_person"
                    referencedTableName="person" referencedColumnNames="id" onDelete="CASCADE"/>
              </changeSet>
            """;

    static Liquibase liquibase(Connection c, Path dir) throws Exception {
        Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
        return new Liquibase("changelog.xml", new DirectoryResourceAccessor(dir), database);
    }

    /** Runs a statement on a connection of its own, in autocommit (Liquibase's connection is not). */
    static int exec(Db db, String sql) throws SQLException {
        try (Connection c = Check.connect(db); Statement s = c.createStatement()) {
            return s.executeUpdate(sql);
        }
    }

    static void updateRollback(Db db) throws Exception {
        Path dir = Check.files("eco-liquibase-", Map.of("changelog.xml", HEAD + CHANGESETS + "</databaseChangeLog>\n"));
        try (Connection c = Check.connect(db)) {
            Liquibase lb = liquibase(c, dir);
            lb.update(new Contexts(), new LabelExpression());
            eq(column(db, "select id from databasechangelog order by orderexecuted"), List.of("1", "2", "3", "4"), "changesets applied");
            eq(column(db, "select column_name from information_schema.columns where table_name = 'person' order by ordinal_position"),
                    List.of("id", "name", "born", "email"), "person columns");
            eq(column(db, "select constraint_name from information_schema.table_constraints where table_name = 'address'"
                    + " and constraint_type = 'FOREIGN KEY'"), List.of("fk_address_person"), "foreign key");
            eq(lb.listUnrunChangeSets(new Contexts(), new LabelExpression()).size(), 0, "nothing unrun");
            lb.update(new Contexts(), new LabelExpression());
            eq(column(db, "select count(*) from databasechangelog"), List.of("4"), "a second update applies nothing");
            exec(db, "insert into person (name) values ('ada')");
            eq(column(db, "select email from person"), List.of("none"), "addColumn's default");
            raises(SQLException.class, "the foreign key holds", () -> exec(db, "insert into address (person_id, city) values (42, 'x')"));
            lb.rollback(1, (String) null);
            eq(column(db, "select id from databasechangelog order by orderexecuted"), List.of("1", "2", "3"), "changelog after rollback 1");
            eq(column(db, "select count(*) from information_schema.table_constraints where table_name = 'address'"
                    + " and constraint_type = 'FOREIGN KEY'"), List.of("0"), "foreign key dropped by the rollback");
            eq(exec(db, "insert into address (person_id, city) values (42, 'x')"), 1, "insert without the foreign key");
            exec(db, "delete from address");
            // the next deployment (a new process for its users: Liquibase's JVM-wide "up to date" cache starts empty)
            liquibase.Scope.getCurrentScope().getSingleton(liquibase.changelog.FastCheckService.class).clearCache();
            lb = liquibase(c, dir);
            eq(lb.listUnrunChangeSets(new Contexts(), new LabelExpression()).size(), 1, "changeset 4 unrun again");
            lb.update(new Contexts(), new LabelExpression());
            eq(column(db, "select count(*) from databasechangelog"), List.of("4"), "changeset 4 re-applied");
            eq(column(db, "select count(*) from databasechangeloglock where locked"), List.of("0"), "lock released");
        }
    }

    static void tagRollback(Db db) throws Exception {
        Path dir = Check.files("eco-liquibase-", Map.of("changelog.xml", HEAD + CHANGESETS + "</databaseChangeLog>\n"));
        try (Connection c = Check.connect(db)) {
            Liquibase lb = liquibase(c, dir);
            lb.update(new Contexts(), new LabelExpression());
            lb.tag("v1");
            // a release later: a SQL changeset with its rollback, and a column rename
            Files.writeString(dir.resolve("changelog.xml"), HEAD + CHANGESETS + """
                      <changeSet id="5" author="eco">
                        <renameColumn tableName="person" oldColumnName="born" newColumnName="birth_date" columnDataType="date"/>
                      </changeSet>
                      <changeSet id="6" author="eco">
                        <sql>insert into person (name, birth_date) values ('grace', date '1906-12-09')</sql>
                        <rollback><sql>delete from person where name = 'grace'</sql></rollback>
                      </changeSet>
                    </databaseChangeLog>
                    """);
            lb = liquibase(c, dir);
            lb.update(new Contexts(), new LabelExpression());
            eq(column(db, "select name || ' ' || birth_date from person"), List.of("grace 1906-12-09"), "release 2 applied");
            lb.rollback("v1", (String) null);
            eq(column(db, "select count(*) from person"), List.of("0"), "data changeset rolled back");
            eq(column(db, "select column_name from information_schema.columns where table_name = 'person' and column_name like 'b%'"),
                    List.of("born"), "rename rolled back");
            eq(column(db, "select max(id::int) from databasechangelog"), List.of("4"), "changelog back at v1");
        }
    }
}
