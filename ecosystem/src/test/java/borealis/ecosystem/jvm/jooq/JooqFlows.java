package borealis.ecosystem.jvm.jooq;

import static borealis.ecosystem.jvm.Check.eq;
import static borealis.ecosystem.jvm.Check.isTrue;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import borealis.ecosystem.Db;
import borealis.ecosystem.JvmFlow;
import borealis.ecosystem.jvm.Check;
import java.math.BigDecimal;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.List;
import org.jooq.Constants;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.ForeignKey;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/** jOOQ (open source edition, POSTGRES dialect) with the dynamic DSL: DDL, INSERT ... RETURNING, LocalDate, upserts, meta(). */
public final class JooqFlows {

    private JooqFlows() {}

    public static List<JvmFlow> flows() {
        String lib = "jOOQ " + Constants.VERSION + " + pgjdbc " + org.postgresql.util.DriverInfo.DRIVER_VERSION;
        return List.of(
                JvmFlow.of("jooq.insert_returning_dates", lib, JooqFlows::insertReturning),
                JvmFlow.of("jooq.upsert", lib, JooqFlows::upsert),
                JvmFlow.of("jooq.meta", lib, JooqFlows::meta));
    }

    static final Table<Record> AUTHOR = table(name("author"));
    static final Field<Integer> A_ID = field(name("author", "id"), SQLDataType.INTEGER);
    static final Field<String> A_NAME = field(name("author", "name"), SQLDataType.VARCHAR(100));
    static final Table<Record> BOOK = table(name("book"));
    static final Field<Long> B_ID = field(name("book", "id"), SQLDataType.BIGINT);
    static final Field<Integer> B_AUTHOR = field(name("book", "author_id"), SQLDataType.INTEGER);
    static final Field<String> B_TITLE = field(name("book", "title"), SQLDataType.VARCHAR(200));
    static final Field<LocalDate> B_PUBLISHED = field(name("book", "published"), SQLDataType.LOCALDATE);
    static final Field<BigDecimal> B_PRICE = field(name("book", "price"), SQLDataType.NUMERIC(8, 2));
    static final Field<Integer> B_STOCK = field(name("book", "stock"), SQLDataType.INTEGER);

    interface Body {
        void run(DSLContext ctx) throws Exception;
    }

    static void with(Db db, Body body) throws Exception {
        try (Connection c = Check.connect(db)) {
            DSLContext ctx = DSL.using(c, SQLDialect.POSTGRES);
            ctx.createTable(AUTHOR)
                    .column("id", SQLDataType.INTEGER.identity(true))
                    .column("name", SQLDataType.VARCHAR(100).nullable(false))
                    .constraints(DSL.constraint("author_pk").primaryKey("id"), DSL.constraint("author_name_uq").unique("name"))
                    .execute();
            ctx.createTable(BOOK)
                    .column("id", SQLDataType.BIGINT.identity(true))
                    .column("author_id", SQLDataType.INTEGER.nullable(false))
                    .column("title", SQLDataType.VARCHAR(200).nullable(false))
                    .column("published", SQLDataType.LOCALDATE)
                    .column("price", SQLDataType.NUMERIC(8, 2))
                    .column("stock", SQLDataType.INTEGER.defaultValue(0))
                    .constraints(DSL.constraint("book_pk").primaryKey("id"),
                            DSL.constraint("book_author_fk").foreignKey("author_id").references("author", "id"),
                            DSL.constraint("book_title_uq").unique("author_id", "title"))
                    .execute();
            ctx.createIndex("book_published_idx").on(BOOK, B_PUBLISHED).execute();
            body.run(ctx);
        }
    }

    static void insertReturning(Db db) throws Exception {
        with(db, ctx -> {
            Integer le = ctx.insertInto(AUTHOR, A_NAME).values("Le Guin").returning(A_ID).fetchOne(A_ID);
            eq(le, 1, "identity returned");
            List<Integer> ids = ctx.insertInto(AUTHOR, A_NAME).values("Banks").values("Butler").returningResult(A_ID).fetch(A_ID);
            eq(ids, List.of(2, 3), "multi-row insert returning");
            Record r = ctx.insertInto(BOOK, B_AUTHOR, B_TITLE, B_PUBLISHED, B_PRICE)
                    .values(le, "The Dispossessed", LocalDate.of(1974, 5, 1), new BigDecimal("9.90"))
                    .returning(B_ID, B_PUBLISHED, B_STOCK).fetchOne();
            eq(r.get(B_ID), 1L, "book id");
            eq(r.get(B_PUBLISHED), LocalDate.of(1974, 5, 1), "LocalDate returned");
            eq(r.get(B_STOCK), 0, "default returned");
            ctx.insertInto(BOOK, B_AUTHOR, B_TITLE, B_PUBLISHED).values(2, "Excession", LocalDate.of(1996, 1, 1))
                    .values(3, "Kindred", LocalDate.of(1979, 6, 1)).values(1, "Lathe", LocalDate.of(1971, 2, 28)).execute();
            eq(ctx.select(B_TITLE).from(BOOK).where(B_PUBLISHED.between(LocalDate.of(1970, 1, 1), LocalDate.of(1979, 12, 31)))
                    .orderBy(B_PUBLISHED).fetch(B_TITLE), List.of("Lathe", "The Dispossessed", "Kindred"), "LocalDate bind in between");
            eq(ctx.select(DSL.max(B_PUBLISHED)).from(BOOK).fetchOne(0, LocalDate.class), LocalDate.of(1996, 1, 1), "max(date)");
            eq(ctx.select(A_NAME, DSL.count()).from(AUTHOR).join(BOOK).on(B_AUTHOR.eq(A_ID)).groupBy(A_NAME).orderBy(A_NAME)
                    .fetch().map(x -> x.get(A_NAME) + "=" + x.get(1)), List.of("Banks=1", "Butler=1", "Le Guin=2"), "join, group by");
            eq(ctx.update(BOOK).set(B_PRICE, new BigDecimal("12.00")).where(B_PRICE.isNull()).returning(B_ID).fetch().size(), 3,
                    "update ... returning");
            eq(ctx.deleteFrom(BOOK).where(B_TITLE.eq("Lathe")).returning(B_TITLE).fetchOne(B_TITLE), "Lathe", "delete ... returning");
            try {
                ctx.insertInto(BOOK, B_AUTHOR, B_TITLE).values(99, "orphan").execute();
                throw new AssertionError("foreign key violation accepted");
            } catch (org.jooq.exception.IntegrityConstraintViolationException expected) {
                // the FK holds
            }
            ctx.transaction(cfg -> {
                DSL.using(cfg).insertInto(AUTHOR, A_NAME).values("Tmp").execute();
                DSL.using(cfg).transaction(inner -> DSL.using(inner).insertInto(AUTHOR, A_NAME).values("Inner").execute());
            });
            eq(ctx.fetchCount(AUTHOR), 5, "transaction with a nested savepoint committed");
        });
    }

    static void upsert(Db db) throws Exception {
        with(db, ctx -> {
            ctx.insertInto(AUTHOR, A_NAME).values("Le Guin").execute();
            ctx.insertInto(BOOK, B_AUTHOR, B_TITLE, B_STOCK).values(1, "Lathe", 5).execute();
            // ON CONFLICT (author_id, title) DO UPDATE with excluded
            int n = ctx.insertInto(BOOK, B_AUTHOR, B_TITLE, B_STOCK).values(1, "Lathe", 3)
                    .onConflict(B_AUTHOR, B_TITLE).doUpdate().set(B_STOCK, B_STOCK.plus(DSL.excluded(B_STOCK))).execute();
            eq(n, 1, "upsert count");
            eq(ctx.select(B_STOCK).from(BOOK).where(B_TITLE.eq("Lathe")).fetchOne(B_STOCK), 8, "stock after upsert");
            eq(ctx.fetchCount(BOOK), 1, "no second row");
            eq(ctx.insertInto(AUTHOR, A_NAME).values("Le Guin").onConflictDoNothing().execute(), 0, "on conflict do nothing");
            Record r = ctx.insertInto(BOOK, B_AUTHOR, B_TITLE, B_STOCK).values(1, "Earthsea", 2)
                    .onConflict(B_AUTHOR, B_TITLE).doUpdate().set(B_STOCK, 100).where(B_STOCK.lt(10)).returning(B_ID, B_STOCK).fetchOne();
            eq(r.get(B_STOCK), 2, "upsert inserting, returning");
            eq(ctx.insertInto(BOOK, B_AUTHOR, B_TITLE, B_STOCK).values(1, "Lathe", 1)
                    .onConflict(B_AUTHOR, B_TITLE).doUpdate().set(B_STOCK, 0).where(B_STOCK.lt(5)).execute(), 0,
                    "upsert whose WHERE excludes the row");
            ctx.insertInto(AUTHOR, A_ID, A_NAME).values(10, "Banks").onConflict(A_ID).doUpdate().set(A_NAME, DSL.excluded(A_NAME)).execute();
            ctx.insertInto(AUTHOR, A_ID, A_NAME).values(10, "Iain M. Banks").onConflict(A_ID).doUpdate().set(A_NAME, DSL.excluded(A_NAME)).execute();
            eq(ctx.select(A_NAME).from(AUTHOR).where(A_ID.eq(10)).fetchOne(A_NAME), "Iain M. Banks", "upsert on the primary key");
            // batch of upserts
            var q = ctx.insertInto(BOOK, B_AUTHOR, B_TITLE, B_STOCK).values((Integer) null, null, null)
                    .onConflict(B_AUTHOR, B_TITLE).doUpdate().set(B_STOCK, DSL.excluded(B_STOCK));
            ctx.batch(q).bind(1, "Lathe", 50).bind(1, "Tehanu", 1).bind(10, "Excession", 7).execute();
            eq(ctx.select(B_TITLE, B_STOCK).from(BOOK).orderBy(B_TITLE).fetch().map(x -> x.get(B_TITLE) + "=" + x.get(B_STOCK)),
                    List.of("Earthsea=2", "Excession=7", "Lathe=50", "Tehanu=1"), "batched upserts");
        });
    }

    static void meta(Db db) throws Exception {
        with(db, ctx -> {
            List<String> names = ctx.meta().getSchemas("public").get(0).getTables().stream().map(Table::getName).sorted().toList();
            eq(names, List.of("author", "book"), "meta() tables in public");
            Table<?> book = ctx.meta().getTables("book").get(0);
            eq(List.of(book.fields()).stream().map(Field::getName).toList(), List.of("id", "author_id", "title", "published", "price", "stock"),
                    "meta() columns");
            eq(book.field("published").getDataType().getSQLDataType(), SQLDataType.DATE, "date column");
            eq(book.field("price").getDataType().precision() + "," + book.field("price").getDataType().scale(), "8,2", "numeric(8,2)");
            eq(book.field("title").getDataType().length(), 200, "varchar(200)");
            eq(book.field("title").getDataType().nullable(), false, "not null");
            isTrue(book.field("id").getDataType().identity(), "identity column");
            eq(book.getPrimaryKey().getFields().stream().map(Field::getName).toList(), List.of("id"), "primary key");
            List<? extends ForeignKey<?, ?>> fks = book.getReferences();
            eq(fks.stream().map(fk -> fk.getName() + ":" + fk.getFields().get(0).getName() + "->" + fk.getKey().getTable().getName()).toList(),
                    List.of("book_author_fk:author_id->author"), "foreign keys");
            eq(book.getKeys().stream().map(k -> k.getName()).sorted().toList(), List.of("book_pk", "book_title_uq"), "keys");
            eq(book.getIndexes().stream().map(i -> i.getName()).filter(x -> x.equals("book_published_idx")).toList(),
                    List.of("book_published_idx"), "indexes");
            // the meta model drives queries
            ctx.insertInto(ctx.meta().getTables("author").get(0)).set(DSL.field(name("name")), "Ada").execute();
            eq(ctx.fetchCount(ctx.meta().getTables("author").get(0)), 1, "query through a meta table");
        });
    }
}
