"""SQLAlchemy 2 (psycopg 3 dialect) and Alembic: create_all twice, reflection through inspect(engine), ORM
sessions, Alembic upgrade/downgrade/upgrade with a migration script generated in a temporary directory, and
autogenerate comparing the model to the database."""
import atexit
import datetime
import os
import shutil
import tempfile
from decimal import Decimal

from ecoflow import eq, flow, url, version


def lib():
    return "SQLAlchemy " + version("SQLAlchemy") + " + Alembic " + version("alembic") + " + psycopg " + version("psycopg")


def engine(db):
    from sqlalchemy import create_engine
    return create_engine(url(db, "postgresql+psycopg") + "?sslmode=disable")


def model():
    """A fresh declarative model (its own MetaData): customers, orders with a FK, JSONB, an index, a unique pair."""
    from sqlalchemy import (Boolean, Date, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint,
                            func)
    from sqlalchemy.dialects.postgresql import JSONB
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
    from sqlalchemy.types import DateTime

    class Base(DeclarativeBase):
        pass

    class Customer(Base):
        __tablename__ = "customer"
        id: Mapped[int] = mapped_column(Integer, primary_key=True)
        name: Mapped[str] = mapped_column(String(80), nullable=False)
        email: Mapped[str] = mapped_column(String(120), unique=True)
        active: Mapped[bool] = mapped_column(Boolean, server_default="true")
        orders: Mapped[list["Order"]] = relationship(back_populates="customer", cascade="all, delete-orphan",
                                                     order_by="Order.id")

    class Order(Base):
        __tablename__ = "orders"
        __table_args__ = (UniqueConstraint("customer_id", "ref", name="uq_orders_customer_ref"),
                          Index("ix_orders_placed", "placed"))
        id: Mapped[int] = mapped_column(Integer, primary_key=True)
        customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"), nullable=False)
        ref: Mapped[str] = mapped_column(String(20))
        total: Mapped[Decimal] = mapped_column(Numeric(10, 2))
        placed: Mapped[datetime.date] = mapped_column(Date)
        attrs: Mapped[dict] = mapped_column(JSONB, server_default="{}")
        created: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
        customer: Mapped[Customer] = relationship(back_populates="orders")

    return Base, Customer, Order


@flow("sqlalchemy.create_all", lib)
def f_create_all(db):
    from sqlalchemy import inspect
    Base, _, _ = model()
    e = engine(db)
    try:
        Base.metadata.create_all(e)
        Base.metadata.create_all(e)  # checkfirst: the second call sees the tables and creates nothing
        eq(sorted(inspect(e).get_table_names()), ["customer", "orders"], "tables")
        Base.metadata.drop_all(e)
        eq(inspect(e).get_table_names(), [], "tables after drop_all")
        Base.metadata.create_all(e)
        eq(sorted(inspect(e).get_table_names()), ["customer", "orders"], "tables after a second create_all")
    finally:
        e.dispose()


@flow("sqlalchemy.reflection", lib)
def f_reflection(db):
    from sqlalchemy import MetaData, Table, inspect
    Base, _, _ = model()
    e = engine(db)
    try:
        Base.metadata.create_all(e)
        i = inspect(e)
        cols = {c["name"]: c for c in i.get_columns("orders")}
        eq(list(cols), ["id", "customer_id", "ref", "total", "placed", "attrs", "created"], "column order")
        eq(str(cols["ref"]["type"]), "VARCHAR(20)", "varchar type")
        eq(str(cols["total"]["type"]), "NUMERIC(10, 2)", "numeric type")
        eq(str(cols["attrs"]["type"]), "JSONB", "jsonb type")
        eq(str(cols["created"]["type"]), "TIMESTAMP", "timestamptz type")
        eq(cols["created"]["type"].timezone, True, "timestamptz has a time zone")
        eq(cols["customer_id"]["nullable"], False, "not null")
        if "nextval" not in (cols["id"].get("default") or "") and not cols["id"].get("identity"):
            raise AssertionError(f"serial id without a default: {cols['id']}")
        fks = i.get_foreign_keys("orders")
        eq([(f["constrained_columns"], f["referred_table"], f["referred_columns"], f["options"].get("ondelete")) for f in fks],
           [(["customer_id"], "customer", ["id"], "CASCADE")], "foreign keys")
        eq(i.get_pk_constraint("orders")["constrained_columns"], ["id"], "primary key")
        eq([(u["name"], u["column_names"]) for u in i.get_unique_constraints("orders")],
           [("uq_orders_customer_ref", ["customer_id", "ref"])], "unique constraints")
        eq([(x["name"], x["column_names"]) for x in i.get_indexes("orders") if not x.get("duplicates_constraint")], [("ix_orders_placed", ["placed"])], "indexes")
        eq([(u["column_names"]) for u in i.get_unique_constraints("customer")], [["email"]], "unique email")
        # autoload a Table and use it
        t = Table("orders", MetaData(), autoload_with=e)
        eq(t.c.total.type.scale, 2, "autoloaded numeric scale")
        eq([fk.target_fullname for fk in t.foreign_keys], ["customer.id"], "autoloaded FK")
    finally:
        e.dispose()


@flow("sqlalchemy.partial_indexes", lib)
def f_partial_indexes(db):
    """Index(..., postgresql_where=...): a soft-delete unique email and a job-queue index, enforced, upserted
    against (on_conflict_do_update with index_where) and reflected."""
    from sqlalchemy import (Column, DateTime, Index, Integer, MetaData, String, Table, inspect, insert, select, text,
                            update)
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.exc import IntegrityError
    md = MetaData()
    account = Table("account", md, Column("id", Integer, primary_key=True), Column("email", String(120), nullable=False),
                    Column("deleted_at", DateTime), Column("logins", Integer, nullable=False, server_default="0"),
                    Index("uq_account_email_live", "email", unique=True, postgresql_where=text("deleted_at IS NULL")))
    job = Table("job", md, Column("id", Integer, primary_key=True), Column("queue", String(40)), Column("status", String(20)))
    Index("ix_job_pending", job.c.queue, postgresql_where=job.c.status == "pending")
    e = engine(db)
    try:
        md.create_all(e)
        with e.begin() as c:
            c.execute(insert(account), [{"id": 1, "email": "a@x"}, {"id": 2, "email": "b@x"}])
            c.execute(insert(job), [{"id": 1, "queue": "q", "status": "pending"}, {"id": 2, "queue": "q", "status": "pending"}])
        try:
            with e.begin() as c:
                c.execute(insert(account).values(id=3, email="a@x"))
            raise AssertionError("a second live a@x was accepted")
        except IntegrityError as err:
            eq(err.orig.sqlstate, "23505", "duplicate live email")
            eq(err.orig.diag.constraint_name, "uq_account_email_live", "constraint named")
        with e.begin() as c:
            c.execute(update(account).where(account.c.id == 1).values(deleted_at=text("now()")))
            c.execute(insert(account).values(id=3, email="a@x"))  # the deleted one no longer counts
            stmt = pg_insert(account).values(id=4, email="a@x")
            c.execute(stmt.on_conflict_do_update(index_elements=["email"], index_where=text("deleted_at IS NULL"),
                                                 set_={"logins": account.c.logins + 1}))
            rows = c.execute(select(account.c.id, account.c.email, account.c.logins).order_by(account.c.id)).all()
        eq([tuple(r) for r in rows], [(1, "a@x", 0), (2, "b@x", 0), (3, "a@x", 1)], "rows after the upsert")
        i = inspect(e)
        eq([c["name"] for c in i.get_columns("account")], ["id", "email", "deleted_at", "logins"], "columns")
        ix = {x["name"]: x for x in i.get_indexes("account")}
        live = ix["uq_account_email_live"]
        eq((live["unique"], live["column_names"]), (True, ["email"]), "the partial unique index")
        eq(live["dialect_options"].get("postgresql_where"), "(deleted_at IS NULL)", "its predicate")
        pending = {x["name"]: x for x in i.get_indexes("job")}["ix_job_pending"]
        eq((pending["unique"], pending["column_names"]), (False, ["queue"]), "the partial job index")
        if "pending" not in (pending["dialect_options"].get("postgresql_where") or ""):
            raise AssertionError(f"job index predicate: {pending}")
        with e.begin() as c:
            c.execute(text("DROP INDEX uq_account_email_live"))
            c.execute(insert(account).values(id=5, email="b@x"))
        eq([c["name"] for c in inspect(e).get_columns("account")], ["id", "email", "deleted_at", "logins"], "columns after the drop")
    finally:
        md.drop_all(e)
        e.dispose()


@flow("sqlalchemy.orm_session", lib)
def f_session(db):
    from sqlalchemy import func, select, update
    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.orm import Session, selectinload
    Base, Customer, Order = model()
    e = engine(db)
    try:
        Base.metadata.create_all(e)
        with Session(e) as s, s.begin():
            c = Customer(name="Ada", email="ada@example.org")
            c.orders = [Order(ref="A1", total=Decimal("10.50"), placed=datetime.date(2024, 1, 10), attrs={"gift": True}),
                        Order(ref="A2", total=Decimal("4.00"), placed=datetime.date(2024, 2, 29))]
            s.add_all([c, Customer(name="Bob", email="bob@example.org")])
        with Session(e) as s:
            ada = s.scalars(select(Customer).where(Customer.email == "ada@example.org").options(selectinload(Customer.orders))).one()
            eq(ada.active, True, "server default true")
            eq([(o.ref, o.total, o.placed) for o in ada.orders],
               [("A1", Decimal("10.50"), datetime.date(2024, 1, 10)), ("A2", Decimal("4.00"), datetime.date(2024, 2, 29))],
               "orders through the relationship")
            eq(ada.orders[0].attrs, {"gift": True}, "JSONB value")
            eq(ada.orders[1].attrs, {}, "JSONB server default")
            if ada.orders[0].created.tzinfo is None:
                raise AssertionError("timestamptz came back naive")
            rows = s.execute(select(Customer.name, func.count(Order.id), func.coalesce(func.sum(Order.total), 0))
                             .outerjoin(Order).group_by(Customer.name).order_by(Customer.name)).all()
            eq([tuple(r) for r in rows], [("Ada", 2, Decimal("14.50")), ("Bob", 0, 0)], "outer join with group by")
            eq(s.scalars(select(Order.ref).where(Order.attrs["gift"].as_boolean())).all(), ["A1"], "JSONB path in where")
            s.execute(update(Order).where(Order.ref == "A2").values(total=Order.total * 2))
            s.commit()
            eq(s.scalar(select(Order.total).where(Order.ref == "A2")), Decimal("8.00"), "bulk update")
            # the unique (customer_id, ref) pair is enforced and the session rolls back
            s.add(Order(customer_id=ada.id, ref="A1", total=1, placed=datetime.date(2024, 3, 1)))
            try:
                s.commit()
                raise AssertionError("duplicate (customer_id, ref) accepted")
            except IntegrityError:
                s.rollback()
            # a savepoint
            with s.begin_nested():
                s.add(Customer(name="Tmp", email="tmp@example.org"))
            nested = s.begin_nested()
            s.add(Customer(name="Gone", email="gone@example.org"))
            s.flush()
            nested.rollback()
            s.commit()
            eq(s.scalars(select(Customer.name).order_by(Customer.id)).all(), ["Ada", "Bob", "Tmp"], "savepoints")
            # delete-orphan cascade and ON DELETE CASCADE
            s.delete(s.get(Customer, ada.id))
            s.commit()
            eq(s.scalar(select(func.count()).select_from(Order)), 0, "orders cascaded")
    finally:
        e.dispose()


ALEMBIC_ENV = '''
from alembic import context
from sqlalchemy import create_engine
config = context.config
target_metadata = config.attributes.get("target_metadata")
engine = create_engine(config.get_main_option("sqlalchemy.url"))
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
'''


def alembic_config(db, metadata=None):
    from alembic import command
    from alembic.config import Config
    tmp = tempfile.mkdtemp(prefix="eco-alembic-")
    atexit.register(shutil.rmtree, tmp, True)  # the suite leaves nothing in /tmp
    cfg = Config(os.path.join(tmp, "alembic.ini"))
    cfg.set_main_option("script_location", os.path.join(tmp, "migrations"))
    cfg.set_main_option("sqlalchemy.url", (url(db, "postgresql+psycopg") + "?sslmode=disable").replace("%", "%%"))
    cfg.attributes["target_metadata"] = metadata
    command.init(cfg, os.path.join(tmp, "migrations"), template="generic")
    with open(os.path.join(tmp, "migrations", "env.py"), "w") as f:
        f.write(ALEMBIC_ENV)
    return cfg


def version_table(e):
    from sqlalchemy import inspect, text
    with e.connect() as c:
        if "alembic_version" not in inspect(c).get_table_names():
            return None
        return [r[0] for r in c.execute(text("select version_num from alembic_version"))]


@flow("sqlalchemy.alembic_upgrade_downgrade", lib)
def f_alembic(db):
    from alembic import command
    from sqlalchemy import inspect
    cfg = alembic_config(db)
    r1 = command.revision(cfg, "create account", rev_id="0001")
    with open(r1.path, "a") as f:
        f.write('''
def upgrade():
    op.create_table("account",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("balance", sa.Numeric(12, 2), server_default="0"))
    op.create_index("ix_account_name", "account", ["name"])


def downgrade():
    op.drop_index("ix_account_name", table_name="account")
    op.drop_table("account")
''')
    r2 = command.revision(cfg, "add ledger", rev_id="0002")
    with open(r2.path, "a") as f:
        f.write('''
def upgrade():
    op.add_column("account", sa.Column("currency", sa.String(3), server_default="EUR", nullable=False))
    op.create_table("ledger",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("account.id"), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2)))
    op.execute("insert into account (name) values ('seed')")
    op.alter_column("account", "name", new_column_name="title")


def downgrade():
    op.alter_column("account", "title", new_column_name="name")
    op.drop_table("ledger")
    op.drop_column("account", "currency")
''')
    e = engine(db)
    try:
        command.upgrade(cfg, "head")
        eq(version_table(e), ["0002"], "alembic_version after upgrade head")
        i = inspect(e)
        eq(sorted(i.get_table_names()), ["account", "alembic_version", "ledger"], "tables at head")
        eq([c["name"] for c in i.get_columns("account")], ["id", "title", "balance", "currency"], "account columns at head")
        command.downgrade(cfg, "-1")
        eq(version_table(e), ["0001"], "alembic_version after downgrade -1")
        i = inspect(e)
        eq([c["name"] for c in i.get_columns("account")], ["id", "name", "balance"], "account columns at 0001")
        eq("ledger" in i.get_table_names(), False, "ledger dropped")
        command.downgrade(cfg, "base")
        eq(version_table(e), [], "alembic_version at base")
        eq(inspect(e).get_table_names(), ["alembic_version"], "tables at base")
        command.upgrade(cfg, "head")
        command.upgrade(cfg, "head")  # already there: nothing to do
        eq(version_table(e), ["0002"], "alembic_version after the second upgrade")
        from sqlalchemy import text
        with e.connect() as c:
            eq(c.execute(text("select title, balance, currency from account")).all(), [("seed", Decimal("0.00"), "EUR")],
               "the data migration ran once")
    finally:
        e.dispose()


@flow("sqlalchemy.alembic_autogenerate", lib)
def f_autogen(db):
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    Base, _, _ = model()
    cfg = alembic_config(db, Base.metadata)
    e = engine(db)
    try:
        # autogenerate the first migration from the model, apply it, then compare: no difference
        rev = command.revision(cfg, "initial", autogenerate=True, rev_id="0001")
        src = open(rev.path).read()
        for needle in ("op.create_table('customer'", "op.create_table('orders'", "sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ondelete='CASCADE')",
                       "op.create_index('ix_orders_placed'", "sa.UniqueConstraint('customer_id', 'ref', name='uq_orders_customer_ref')"):
            if needle not in src:
                raise AssertionError(f"autogenerated script lacks {needle!r}:\n{src}")
        command.upgrade(cfg, "head")
        with e.connect() as c:
            diff = compare_metadata(MigrationContext.configure(c), Base.metadata)
        eq(diff, [], "autogenerate differences between the model and the migrated database")
        command.check(cfg)  # raises when autogenerate would write a new migration
        # a change to the model is found
        from sqlalchemy import Column, String
        Base.metadata.tables["customer"].append_column(Column("phone", String(20)))
        with e.connect() as c:
            diff = compare_metadata(MigrationContext.configure(c), Base.metadata)
        eq([(d[0], d[3].name) for d in diff], [("add_column", "phone")], "a new model column is detected")
    finally:
        e.dispose()
