"""psycopg2: client-side interpolated parameters, executemany/execute_batch/execute_values, named (server-side)
cursors, COPY, every type and array, error diagnostics, transactions and a threaded pool."""
import threading

from ecoflow import conninfo, eq, flow, version
import typecases


def lib():
    return "psycopg2 " + version("psycopg2-binary")


def connect(db):
    import psycopg2
    import psycopg2.extras
    psycopg2.extras.register_uuid()
    return psycopg2.connect(conninfo(db))


@flow("psycopg2.crud_params", lib)
def f_crud(db):
    c = connect(db)
    try:
        cur = c.cursor()
        cur.execute("create table items (id serial primary key, name varchar(40) not null, qty int default 0, tags text[])")
        cur.execute("insert into items (name, qty, tags) values (%s, %s, %s) returning id", ("widget", 3, ["a", "b"]))
        eq(cur.fetchone(), (1,), "returning id")
        cur.execute("insert into items (name) values (%(name)s)", {"name": "gadget"})
        cur.execute("update items set qty = qty + %s where name in %s", (1, ("widget", "gadget")))
        eq(cur.rowcount, 2, "update ... in tuple")
        cur.execute("select name, qty, tags from items order by id")
        eq(cur.fetchall(), [("widget", 4, ["a", "b"]), ("gadget", 1, None)])
        cur.execute("select id from items where name = any(%s)", (["gadget"],))
        eq(cur.fetchall(), [(2,)], "= any(array)")
        cur.execute("delete from items where id = %s", (1,))
        eq(cur.rowcount, 1)
        c.commit()
    finally:
        c.close()


@flow("psycopg2.executemany", lib)
def f_executemany(db):
    import psycopg2.extras
    c = connect(db)
    try:
        cur = c.cursor()
        cur.execute("create table m (id int primary key, name text, amount numeric(8,2))")
        cur.executemany("insert into m values (%s, %s, %s)", [(i, f"n{i}", i * 1.5) for i in range(100)])
        psycopg2.extras.execute_batch(cur, "insert into m values (%s, %s, %s)", [(i, f"b{i}", 0) for i in range(100, 200)], page_size=30)
        ids = psycopg2.extras.execute_values(cur, "insert into m (id, name, amount) values %s returning id",
                                             [(i, f"v{i}", 1) for i in range(200, 250)], fetch=True)
        eq(len(ids), 50, "execute_values returning")
        cur.execute("select count(*), sum(amount) from m")
        from decimal import Decimal
        eq(cur.fetchone(), (250, Decimal("7475.00")))
        c.commit()
    finally:
        c.close()


@flow("psycopg2.named_cursor", lib)
def f_named(db):
    c = connect(db)
    try:
        cur = c.cursor()
        cur.execute("create table big (id int primary key, v text)")
        cur.execute("insert into big select g, 'v' || g from generate_series(1, 1000) g")
        c.commit()
        nc = c.cursor("stream")
        nc.itersize = 100
        nc.execute("select id, v from big where id > %s order by id", (0,))
        n = sum(1 for _ in nc)
        eq(n, 1000, "rows streamed by a named cursor")
        nc.close()
        sc = c.cursor("scroller", scrollable=True)
        sc.execute("select id from big order by id")
        sc.scroll(99, mode="absolute")
        eq(sc.fetchone(), (100,), "scroll absolute")
        sc.close()
        c.commit()
        hc = c.cursor("held", withhold=True)
        hc.execute("select id from big where id <= 2 order by id")
        c.commit()
        eq(hc.fetchall(), [(1,), (2,)], "WITH HOLD cursor after commit")
        hc.close()
    finally:
        c.close()


@flow("psycopg2.copy", lib)
def f_copy(db):
    import io
    c = connect(db)
    try:
        cur = c.cursor()
        cur.execute("create table cp (id int, name text, note text)")
        null = "\\N"
        buf = io.StringIO("".join(f"{i}\tname {i}\t{null if i % 5 == 0 else 'x'}\n" for i in range(100)))
        cur.copy_from(buf, "cp", columns=("id", "name", "note"))
        cur.execute("select count(*), count(note) from cp")
        eq(cur.fetchone(), (100, 80), "copy_from with NULLs")
        out = io.StringIO()
        cur.copy_to(out, "cp", columns=("id", "name"))
        eq(len(out.getvalue().splitlines()), 100, "copy_to lines")
        csv = io.StringIO('101,"quoted, name",\n102,plain,note\n')
        cur.copy_expert("copy cp from stdin with (format csv)", csv)
        out = io.StringIO()
        cur.copy_expert("copy (select * from cp where id > 100 order by id) to stdout with csv header", out)
        eq(out.getvalue(), 'id,name,note\n101,"quoted, name",\n102,plain,note\n', "csv out")
        c.commit()
    finally:
        c.close()


def _cases(db, arrays):
    import psycopg2
    import psycopg2.extras
    failures = []
    c = connect(db)
    c.autocommit = True
    cur = c.cursor()
    cases = [cs for cs in typecases.CASES if not (arrays and cs.json)] + ([None] if arrays else [])
    for case in cases:
        name, sqltype = ("tricky_text", "text") if case is None else (case.name, case.sqltype)
        try:
            if name == "enum":
                cur.execute(typecases.SETUP[0])
            if name == "domain":
                cur.execute(typecases.SETUP[1])
            t = ("a_" if arrays else "t_") + name
            col = sqltype + ("[]" if arrays else "")
            cur.execute(f"create table {t} (id int primary key, v {col})")
            if arrays:
                values = [typecases.TRICKY_TEXT_ARRAY if case is None else case.array_values]
                back = [values[0] if case is None else [case.back[0], None, case.back[-1]]]
            else:
                values, back = case.values, case.back
            wrap = psycopg2.extras.Json if case is not None and case.json else (lambda v: v)
            for i, v in enumerate(values):
                cur.execute(f"insert into {t} values (%s, (%s)::{col})", (i, wrap(v)))
            sel = "v::int[]" if arrays and name == "domain" else "v::text[]" if arrays and name in ("enum", "uuid") else "v"
            cur.execute(f"select {sel} from {t} order by id")
            got = [r[0] for r in cur.fetchall()]
            if name == "bytea":
                got = [bytes(g) if not arrays else [bytes(x) if x is not None else None for x in g] for g in got]
            if arrays and name == "uuid":
                got = [[__import__("uuid").UUID(x) if x else None for x in g] for g in got]
            eq(got, list(back), "stored and read back")
        except Exception as e:  # noqa: BLE001
            failures.append(f"{name}{'[]' if arrays else ''}: {type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}")
    c.close()
    if failures:
        raise AssertionError(f"{len(failures)}/{len(cases)} types differ: " + " | ".join(failures))


@flow("psycopg2.types", lib)
def f_types(db):
    _cases(db, arrays=False)


@flow("psycopg2.arrays", lib)
def f_arrays(db):
    _cases(db, arrays=True)


@flow("psycopg2.errors", lib)
def f_errors(db):
    import psycopg2
    import psycopg2.errors
    c = connect(db)
    c.autocommit = True
    cur = c.cursor()
    cur.execute("create table users (id bigserial primary key, email varchar(80) not null, constraint users_email_uq unique (email))")
    cur.execute("create table posts (id bigserial primary key, user_id bigint not null references users(id) on delete cascade)")
    cur.execute("insert into users (email) values ('a@x')")
    failures = []
    for sql, cls, want in [
        ("insert into users (email) values ('a@x')", psycopg2.errors.UniqueViolation,
         dict(pgcode="23505", table_name="users", constraint_name="users_email_uq", schema_name="public",
              message_detail="Key (email)=(a@x) already exists.")),
        ("insert into posts (user_id) values (7)", psycopg2.errors.ForeignKeyViolation,
         dict(pgcode="23503", table_name="posts", constraint_name="posts_user_id_fkey")),
        ("insert into users (email) values (null)", psycopg2.errors.NotNullViolation,
         dict(pgcode="23502", table_name="users", column_name="email")),
        ("insert into users (id, email) values (1, 'b@x')", psycopg2.errors.UniqueViolation,
         dict(pgcode="23505", constraint_name="users_pkey", message_detail="Key (id)=(1) already exists.")),
    ]:
        try:
            cur.execute(sql)
            failures.append(f"{sql}: no error")
        except psycopg2.Error as e:
            if not isinstance(e, cls):
                failures.append(f"{sql}: {type(e).__name__} {e.pgcode}")
                continue
            for k, v in want.items():
                got = e.pgcode if k == "pgcode" else getattr(e.diag, k)
                if got != v:
                    failures.append(f"{sql}: {k} {got!r}, not {v!r}")
    c.close()
    if failures:
        raise AssertionError(" | ".join(failures))


@flow("psycopg2.transactions", lib)
def f_tx(db):
    import psycopg2
    import psycopg2.extensions as ext
    c = connect(db)
    try:
        cur = c.cursor()
        cur.execute("create table t (v int primary key)")
        c.commit()
        cur.execute("insert into t values (1)")
        cur.execute("savepoint sp1")
        cur.execute("insert into t values (2)")
        cur.execute("rollback to savepoint sp1")
        cur.execute("release savepoint sp1")
        c.commit()
        cur.execute("select array_agg(v order by v) from t")
        eq(cur.fetchone(), ([1],), "after rollback to savepoint")
        c.commit()
        c.set_session(isolation_level=ext.ISOLATION_LEVEL_REPEATABLE_READ, readonly=True)
        cur.execute("show transaction_isolation")
        eq(cur.fetchone(), ("repeatable read",), "transaction_isolation")
        try:
            cur.execute("insert into t values (5)")
            raise AssertionError("insert in a read-only session succeeded")
        except psycopg2.errors.ReadOnlySqlTransaction:
            c.rollback()
        c.set_session(isolation_level=ext.ISOLATION_LEVEL_READ_COMMITTED, readonly=False)
        c.autocommit = True
        cur.execute("insert into t values (3)")
        eq(c.get_transaction_status(), ext.TRANSACTION_STATUS_IDLE, "idle in autocommit")
    finally:
        c.close()


@flow("psycopg2.pool", lib)
def f_pool(db):
    import psycopg2.pool
    pool = psycopg2.pool.ThreadedConnectionPool(2, 6, conninfo(db))
    c = pool.getconn()
    c.autocommit = True
    c.cursor().execute("create table hits (worker int, i int)")
    pool.putconn(c)
    errors = []

    def work(w):
        try:
            for i in range(20):
                conn = pool.getconn()
                try:
                    with conn, conn.cursor() as cur:
                        cur.execute("insert into hits values (%s, %s)", (w, i))
                finally:
                    pool.putconn(conn)
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))
    ts = [threading.Thread(target=work, args=(w,)) for w in range(6)]
    [t.start() for t in ts]
    [t.join(120) for t in ts]
    if errors:
        raise AssertionError(errors[0])
    conn = pool.getconn()
    cur = conn.cursor()
    cur.execute("select count(*), count(distinct worker) from hits")
    eq(cur.fetchone(), (120, 6))
    pool.putconn(conn)
    pool.closeall()
