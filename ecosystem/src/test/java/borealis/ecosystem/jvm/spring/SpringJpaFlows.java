package borealis.ecosystem.jvm.spring;

import static borealis.ecosystem.jvm.Check.column;
import static borealis.ecosystem.jvm.Check.eq;
import static borealis.ecosystem.jvm.Check.raises;

import borealis.ecosystem.Db;
import borealis.ecosystem.JvmFlow;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Function;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.domain.EntityScan;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;
import org.springframework.orm.ObjectOptimisticLockingFailureException;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Spring Boot 3 with Spring Data JPA and Hibernate 6, started programmatically (no web) against the target's
 * JDBC URL with the dialect Hibernate detects: ddl-auto=create and then validate, a repository with CRUD and
 * paging, an {@code @Version} entity and a lost update refused, and a read-only transaction refusing a write.
 */
public final class SpringJpaFlows {

    private SpringJpaFlows() {}

    public static List<JvmFlow> flows() {
        String lib = "Spring Boot " + SpringBootVersion.getVersion() + " + Hibernate " + org.hibernate.Version.getVersionString()
                + " + pgjdbc " + org.postgresql.util.DriverInfo.DRIVER_VERSION;
        return List.of(
                JvmFlow.of("spring-jpa.ddl_create_validate", lib, SpringJpaFlows::ddlCreateValidate),
                JvmFlow.of("spring-jpa.repository_paging", lib, SpringJpaFlows::repositoryPaging),
                JvmFlow.of("spring-jpa.optimistic_lock", lib, SpringJpaFlows::optimisticLock),
                JvmFlow.of("spring-jpa.readonly_transaction", lib, SpringJpaFlows::readOnly));
    }

    @Entity(name = "Customer")
    @Table(name = "customer", indexes = @Index(name = "customer_last_idx", columnList = "lastName"))
    public static class Customer {
        @Id
        @GeneratedValue(strategy = GenerationType.IDENTITY)
        Long id;
        @Column(nullable = false, length = 60)
        String firstName;
        @Column(nullable = false, length = 60)
        String lastName;
        LocalDate since;

        protected Customer() {}

        Customer(String first, String last, LocalDate since) {
            this.firstName = first;
            this.lastName = last;
            this.since = since;
        }
    }

    @Entity(name = "Account")
    @Table(name = "account")
    public static class Account {
        @Id
        @GeneratedValue(strategy = GenerationType.SEQUENCE)
        Long id;
        @ManyToOne(optional = false, fetch = FetchType.LAZY)
        Customer owner;
        @Column(precision = 12, scale = 2, nullable = false)
        BigDecimal balance;
        @Version
        int version;

        protected Account() {}

        Account(Customer owner, BigDecimal balance) {
            this.owner = owner;
            this.balance = balance;
        }
    }

    public interface Customers extends JpaRepository<Customer, Long> {
        List<Customer> findByLastNameOrderByFirstNameAsc(String lastName);

        Page<Customer> findBySinceAfter(LocalDate date, org.springframework.data.domain.Pageable page);

        @Query("select c.lastName, count(c) from Customer c group by c.lastName order by c.lastName")
        List<Object[]> countByLastName();

        @Modifying
        @Query(value = "update customer set last_name = upper(last_name)", nativeQuery = true)
        int shout();
    }

    public interface Accounts extends JpaRepository<Account, Long> {}

    /** A service whose read-only method tries to write. */
    public static class Reports {
        @PersistenceContext
        EntityManager em;
        final Customers customers;

        Reports(Customers customers) {
            this.customers = customers;
        }

        @Transactional(readOnly = true)
        public long countThenWrite() {
            long n = customers.count();
            customers.shout();
            return n;
        }

        @Transactional(readOnly = true)
        public long count() {
            return customers.count();
        }

        @Transactional
        public int shout() {
            return customers.shout();
        }
    }

    @SpringBootApplication(excludeName = {
        "org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration",
        "org.springframework.boot.autoconfigure.liquibase.LiquibaseAutoConfiguration",
        "org.springframework.boot.autoconfigure.jooq.JooqAutoConfiguration"})
    @EntityScan(basePackageClasses = SpringJpaFlows.class)
    @EnableJpaRepositories(basePackageClasses = SpringJpaFlows.class, considerNestedRepositories = true)
    public static class App {
        @Bean
        Reports reports(Customers customers) {
            return new Reports(customers);
        }
    }

    static ConfigurableApplicationContext start(Db db, String ddlAuto) {
        // Spring Boot must not reconfigure the suite's logging
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
        SpringApplication app = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).registerShutdownHook(false)
                .properties(
                        "spring.main.banner-mode=off",
                        "spring.datasource.url=" + db.jdbcUrl(),
                        "spring.datasource.username=" + db.user(),
                        "spring.datasource.password=" + db.password(),
                        "spring.datasource.hikari.maximum-pool-size=4",
                        "spring.jpa.hibernate.ddl-auto=" + ddlAuto,
                        "spring.jpa.open-in-view=false",
                        "spring.sql.init.mode=never")
                .build();
        return app.run();
    }

    static <T> T with(Db db, String ddlAuto, Function<ConfigurableApplicationContext, T> body) {
        try (ConfigurableApplicationContext ctx = start(db, ddlAuto)) {
            return body.apply(ctx);
        }
    }

    static void ddlCreateValidate(Db db) throws Exception {
        with(db, "create", ctx -> {
            Customers customers = ctx.getBean(Customers.class);
            customers.save(new Customer("Ada", "Lovelace", LocalDate.of(1843, 7, 1)));
            return null;
        });
        eq(column(db, "select table_name from information_schema.tables where table_schema = 'public' order by 1"),
                List.of("account", "customer"), "tables created by Hibernate");
        eq(column(db, "select column_name || ' ' || data_type from information_schema.columns where table_name = 'account' order by 1"),
                List.of("balance numeric", "id bigint", "owner_id bigint", "version integer"), "account columns");
        eq(column(db, "select sequence_name from information_schema.sequences order by 1"), List.of("account_seq"), "Hibernate's sequence");
        // a second context validates the schema against the entities and reads the row back
        String name = with(db, "validate", ctx -> ctx.getBean(Customers.class).findAll().get(0).lastName);
        eq(name, "Lovelace", "row read by the validating context");
        // validate refuses a schema that lost a column
        try (var c = borealis.ecosystem.jvm.Check.connect(db); var s = c.createStatement()) {
            s.execute("alter table customer drop column since");
        }
        raises(org.hibernate.tool.schema.spi.SchemaManagementException.class, "validate with a missing column",
                () -> with(db, "validate", ctx -> null));
    }

    static void repositoryPaging(Db db) throws Exception {
        with(db, "create", ctx -> {
            Customers customers = ctx.getBean(Customers.class);
            for (int i = 1; i <= 25; i++) {
                customers.save(new Customer("F" + String.format("%02d", i), i % 3 == 0 ? "Three" : "Other", LocalDate.of(2020, 1, 1).plusDays(i)));
            }
            eq(customers.count(), 25L, "count");
            Page<Customer> page = customers.findAll(PageRequest.of(2, 10, Sort.by("id")));
            eq(page.getTotalElements(), 25L, "total elements");
            eq(page.getTotalPages(), 3, "total pages");
            eq(page.getContent().stream().map(c -> c.firstName).toList(), List.of("F21", "F22", "F23", "F24", "F25"), "last page");
            eq(customers.findByLastNameOrderByFirstNameAsc("Three").size(), 8, "derived query");
            Page<Customer> recent = customers.findBySinceAfter(LocalDate.of(2020, 1, 20), PageRequest.of(0, 4, Sort.by(Sort.Direction.DESC, "since")));
            eq(recent.getTotalElements(), 6L, "derived query with a LocalDate, count query");
            eq(recent.getContent().stream().map(c -> c.firstName).toList(), List.of("F25", "F24", "F23", "F22"), "ordered page");
            eq(customers.countByLastName().stream().map(r -> r[0] + "=" + r[1]).toList(), List.of("Other=17", "Three=8"), "JPQL group by");
            Customer c = customers.findByLastNameOrderByFirstNameAsc("Three").get(0);
            c.lastName = "Renamed";
            customers.save(c);
            eq(customers.findById(c.id).orElseThrow().lastName, "Renamed", "update through save");
            customers.deleteAllById(List.of(c.id));
            eq(customers.existsById(c.id), false, "deleted");
            Accounts accounts = ctx.getBean(Accounts.class);
            Account a = accounts.save(new Account(customers.findAll(Sort.by("id")).get(0), new BigDecimal("10.50")));
            eq(accounts.findById(a.id).orElseThrow().balance, new BigDecimal("10.50"), "numeric(12,2) round trip");
            return null;
        });
    }

    static void optimisticLock(Db db) throws Exception {
        with(db, "create", ctx -> {
            Customers customers = ctx.getBean(Customers.class);
            Accounts accounts = ctx.getBean(Accounts.class);
            Account created = accounts.save(new Account(customers.save(new Customer("A", "B", null)), new BigDecimal("100.00")));
            eq(created.version, 0, "initial version");
            // two users read the same row; the first save wins, the second (stale) one is refused
            Account first = accounts.findById(created.id).orElseThrow();
            Account second = accounts.findById(created.id).orElseThrow();
            first.balance = new BigDecimal("80.00");
            eq(accounts.save(first).version, 1, "version after the first save");
            second.balance = new BigDecimal("130.00");
            raises(ObjectOptimisticLockingFailureException.class, "stale detached save", () -> accounts.save(second));
            // the same inside a transaction: the row changes under it, the flush's UPDATE ... WHERE version = ? hits nothing
            TransactionTemplate tx = new TransactionTemplate(ctx.getBean(org.springframework.transaction.PlatformTransactionManager.class));
            EntityManager em = ctx.getBean(jakarta.persistence.EntityManagerFactory.class).createEntityManager();
            raises(ObjectOptimisticLockingFailureException.class, "lost update at commit", () -> tx.executeWithoutResult(s -> {
                Account mine = accounts.findById(created.id).orElseThrow();
                em.getTransaction().begin();
                Account theirs = em.find(Account.class, created.id);
                theirs.balance = theirs.balance.subtract(BigDecimal.ONE);
                em.getTransaction().commit();
                mine.balance = mine.balance.add(BigDecimal.TEN);
            }));
            em.close();
            Account now = accounts.findById(created.id).orElseThrow();
            eq(now.balance + " v" + now.version, "79.00 v2", "only the committed changes are kept");
            return null;
        });
    }

    static void readOnly(Db db) throws Exception {
        with(db, "create", ctx -> {
            Customers customers = ctx.getBean(Customers.class);
            customers.save(new Customer("Grace", "Hopper", null));
            Reports reports = ctx.getBean(Reports.class);
            eq(reports.count(), 1L, "read-only read");
            Throwable t = raises(java.sql.SQLException.class, "write in a read-only transaction", reports::countThenWrite);
            java.sql.SQLException sql = null;
            for (Throwable c = t; c != null; c = c.getCause()) {
                if (c instanceof java.sql.SQLException s) {
                    sql = s;
                }
            }
            eq(sql.getSQLState(), "25006", "SQLSTATE read_only_sql_transaction");
            eq(customers.findAll().get(0).lastName, "Hopper", "nothing written");
            eq(reports.shout(), 1, "the same write in a read-write transaction");
            eq(customers.findAll().get(0).lastName, "HOPPER", "written");
            return null;
        });
    }
}
