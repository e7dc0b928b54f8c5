"""psycopg 3: what its users do — parameters in text and binary, every type, arrays, server-side cursors,
COPY in every format, executemany and pipeline mode, prepared statements, transactions, errors, concurrency."""
import threading

from ecoflow import conninfo, eq, flow, version
import typecases


def lib():
    return "psycopg " + version("psycopg")


def connect(db, **kw):
    import psycopg
    return psycopg.connect(conninfo(db), **kw)


@flow("psycopg.connect", lib)
def f_connect(db):
    with connect(db) as c:
        eq(c.execute("select 1").fetchone(), (1,))
        info = c.info
        assert info.server_version >= 120000, info.server_version
        for p, want in [("server_encoding", "UTF8"), ("client_encoding", "UTF8"), ("integer_datetimes", "on"),
                        ("standard_conforming_strings", "on")]:
            eq(info.parameter_status(p), want.encode() if isinstance(info.parameter_status(p), bytes) else want, p)
        assert info.parameter_status("DateStyle").startswith("ISO"), info.parameter_status("DateStyle")
        eq(c.execute("select current_database()").fetchone()[0], db["dbname"], "current_database()")
        eq(c.execute("select current_user").fetchone()[0], db["user"], "current_user")


@flow("psycopg.crud_params", lib)
def f_crud(db):
    with connect(db) as c:
        c.execute("create table items (id serial primary key, name text not null, qty int default 0, price numeric(10,2))")
        row = c.execute("insert into items (name, qty, price) values (%s, %s, %s) returning id, name, qty, price",
                        ("widget", 3, __import__("decimal").Decimal("9.90"))).fetchone()
        eq(row, (1, "widget", 3, __import__("decimal").Decimal("9.90")), "insert returning")
        c.execute("insert into items (name) values (%(n)s)", {"n": "gadget"})
        cur = c.execute("update items set qty = qty + %s where name = %s", (2, "widget"))
        eq(cur.rowcount, 1, "update rowcount")
        eq(c.execute("select name, qty from items where qty >= %s order by id", (0,)).fetchall(), [("widget", 5), ("gadget", 0)])
        eq(c.execute("select count(*) from items where name = any(%s)", (["widget", "nope"],)).fetchone()[0], 1, "= any(list)")
        eq(c.execute("select name from items order by id limit %s offset %s", (1, 1)).fetchall(), [("gadget",)], "limit/offset params")
        cur = c.execute("delete from items where id = %s", (2,))
        eq(cur.rowcount, 1, "delete rowcount")
        c.commit()


@flow("psycopg.transactions_savepoints", lib)
def f_tx(db):
    import psycopg
    with connect(db) as c:
        c.execute("create table t (v int primary key)")
        c.commit()
        with c.transaction():
            c.execute("insert into t values (1)")
            try:
                with c.transaction():  # a savepoint
                    c.execute("insert into t values (2)")
                    c.execute("insert into t values (1)")  # unique violation: rolls back to the savepoint
            except psycopg.errors.UniqueViolation:
                pass
            c.execute("insert into t values (3)")
        eq(c.execute("select v from t order by v").fetchall(), [(1,), (3,)], "after savepoint rollback")
        c.rollback()
        c.autocommit = True
        c.execute("begin isolation level serializable")
        c.execute("insert into t values (4)")
        c.execute("rollback")
        eq(c.execute("select count(*) from t").fetchone()[0], 2, "explicit rollback")
        with connect(db) as c2:
            c2.read_only = True
            eq(c2.execute("select count(*) from t").fetchone()[0], 2)
            try:
                c2.execute("insert into t values (9)")
                raise AssertionError("insert in a read-only transaction succeeded")
            except psycopg.errors.ReadOnlySqlTransaction:
                pass


@flow("psycopg.executemany", lib)
def f_executemany(db):
    with connect(db) as c:
        c.execute("create table m (id int primary key, name text, at date)")
        import datetime as dt
        rows = [(i, f"n{i}", dt.date(2024, 1, 1) + dt.timedelta(days=i)) for i in range(200)]
        with c.cursor() as cur:
            cur.executemany("insert into m values (%s, %s, %s)", rows)  # pipelined by psycopg 3
            eq(cur.rowcount, 200, "executemany rowcount")
            cur.executemany("insert into m values (%s, %s, %s) returning id", [(1000, "a", None), (1001, "b", None)], returning=True)
            ids = []
            while True:
                ids.append(cur.fetchone()[0])
                if not cur.nextset():
                    break
            eq(ids, [1000, 1001], "executemany returning")
        eq(c.execute("select count(*), max(at) from m").fetchone(), (202, dt.date(2024, 7, 18)))


@flow("psycopg.pipeline", lib)
def f_pipeline(db):
    with connect(db) as c:
        with c.pipeline():
            c.execute("create table p (id int primary key, v text)")
            c.execute("insert into p values (%s, %s)", (1, "one"))
            c.execute("insert into p values (%s, %s)", (2, "two"))
            cur = c.execute("select v from p where id = %s", (2,))
        eq(cur.fetchone(), ("two",))
        c.commit()


@flow("psycopg.prepared_reuse", lib)
def f_prepared(db):
    with connect(db, prepare_threshold=0) as c:
        c.execute("create table r (id int primary key, v text)")
        for i in range(10):
            c.execute("insert into r values (%s, %s)", (i, f"v{i}"), prepare=True)
        for i in range(10):
            eq(c.execute("select v from r where id = %s", (i,), prepare=True).fetchone(), (f"v{i}",), "prepared select")
        eq(c.execute("select count(*) from pg_prepared_statements").fetchone()[0] >= 2, True, "pg_prepared_statements")


@flow("psycopg.server_cursor", lib)
def f_server_cursor(db):
    with connect(db) as c:
        c.execute("create table big (id int primary key, v text)")
        c.execute("insert into big select g, 'v' || g from generate_series(1, 1000) g")
        with c.cursor(name="big_cur") as cur:
            cur.itersize = 100
            cur.execute("select id, v from big order by id")
            first = cur.fetchmany(10)
            eq([r[0] for r in first], list(range(1, 11)), "fetchmany")
            total = 10 + sum(1 for _ in cur)
            eq(total, 1000, "iterated rows")
        with c.cursor(name="scroll_cur", scrollable=True) as cur:
            cur.execute("select id from big order by id")
            cur.scroll(500, mode="absolute")
            eq(cur.fetchone(), (501,), "scroll absolute")
            cur.scroll(-2)
            eq(cur.fetchone(), (500,), "scroll relative backwards")
        c.commit()
        with c.cursor(name="hold_cur", withhold=True) as cur:
            cur.execute("select id from big where id <= 3 order by id")
            c.commit()
            eq(cur.fetchall(), [(1,), (2,), (3,)], "WITH HOLD cursor after commit")


@flow("psycopg.server_cursor_params", lib)
def f_server_cursor_params(db):
    with connect(db) as c:
        c.execute("create table big (id int primary key, v text)")
        c.execute("insert into big select g, 'v' || g from generate_series(1, 100) g")
        with c.cursor(name="pc") as cur:
            cur.execute("select id, v from big where id > %s and v like %s order by id", (90, "v9%"))
            eq(cur.fetchall(), [(i, f"v{i}") for i in range(91, 100)], "DECLARE with parameters")


@flow("psycopg.copy_text", lib)
def f_copy_text(db):
    with connect(db) as c:
        c.execute("create table cp (id int, name text, note text, at timestamptz)")
        import datetime as dt
        with c.cursor() as cur:
            with cur.copy("copy cp (id, name, note, at) from stdin") as cp:
                for i in range(100):
                    cp.write_row((i, f"name {i}", None if i % 10 == 0 else "tab\there\\back\nnl",
                                  dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)))
            eq(cur.rowcount, 100, "copy in rowcount")
            eq(c.execute("select count(*), count(note) from cp").fetchone(), (100, 90))
            eq(c.execute("select note from cp where id = 1").fetchone(), ("tab\there\\back\nnl",), "escapes")
            out = []
            with cur.copy("copy (select id, name, note from cp where id < 3 order by id) to stdout") as cp:
                for row in cp.rows():
                    out.append(row)
            eq(out, [("0", "name 0", None), ("1", "name 1", "tab\there\\back\nnl"), ("2", "name 2", "tab\there\\back\nnl")], "copy out rows")


@flow("psycopg.copy_csv", lib)
def f_copy_csv(db):
    with connect(db) as c:
        c.execute("create table cp (id int, name text, amount numeric(8,2))")
        with c.cursor() as cur:
            with cur.copy("copy cp from stdin with (format csv, header true)") as cp:
                cp.write('id,name,amount\n1,"a, quoted ""name""",1.50\n2,,\n3,plain,-2.00\n')
            eq(cur.rowcount, 3)
            data = b""
            with cur.copy("copy cp to stdout with (format csv, header true)") as cp:
                for chunk in cp:
                    data += bytes(chunk)
            eq(data.decode(), 'id,name,amount\n1,"a, quoted ""name""",1.50\n2,,\n3,plain,-2.00\n', "csv out")


@flow("psycopg.copy_binary", lib)
def f_copy_binary(db):
    import datetime as dt
    from decimal import Decimal
    with connect(db) as c:
        c.execute("create table cb (id int, name text, amount numeric(8,2), at timestamptz, data bytea)")
        rows = [(i, f"n{i}", Decimal("1.25") * i, dt.datetime(2024, 1, 1, i % 24, tzinfo=dt.timezone.utc), bytes([i % 256]))
                for i in range(50)]
        with c.cursor() as cur:
            with cur.copy("copy cb from stdin (format binary)") as cp:
                cp.set_types(["int4", "text", "numeric", "timestamptz", "bytea"])
                for r in rows:
                    cp.write_row(r)
            eq(c.execute("select count(*), sum(amount) from cb").fetchone(), (50, Decimal("1531.25")))
            out = []
            with cur.copy("copy (select id, name, amount, at, data from cb order by id) to stdout (format binary)") as cp:
                cp.set_types(["int4", "text", "numeric", "timestamptz", "bytea"])
                out = list(cp.rows())
            eq(out, [tuple(r) for r in rows], "binary copy out")


def _setup_case(c, name):
    """The enum and the domain are created (and the enum registered, as applications do) by their own case."""
    from psycopg.types.enum import EnumInfo, register_enum
    if name == "enum":
        c.execute(typecases.SETUP[0])
        info = EnumInfo.fetch(c, "mood")
        register_enum(info, c)
        return info
    if name == "domain":
        c.execute(typecases.SETUP[1])
    return None


def _roundtrip_cases(db, binary):
    """Every type: sent as a parameter (text or binary), stored, read back; echoed by `select $1::t`; used in WHERE."""
    from psycopg.types.json import Json, Jsonb
    failures = []
    ph = "%b" if binary else "%s"
    with connect(db, autocommit=True) as c:
        info = None
        for case in typecases.CASES:
            try:
                info = _setup_case(c, case.name) or info
                wrap = (Json if case.sqltype == "json" else Jsonb) if case.json else (lambda v: v)
                if case.name == "enum":  # what applications send: the enum class psycopg made for the type
                    wrap = lambda v: v if v is None else info.enum[v]  # noqa: E731
                t = "t_" + case.name
                c.execute(f"create table {t} (id int primary key, v {case.sqltype})")
                cur = c.cursor(binary=binary)
                for i, v in enumerate(case.values):
                    cur.execute(f"insert into {t} (id, v) values (%s, {ph})", (i, wrap(v)))
                cur.execute(f"insert into {t} (id, v) values (%s, {ph})", (999, None))
                got = [r[0] for r in cur.execute(f"select v from {t} order by id").fetchall()]
                want = list(case.back) + [None]
                got = [g.name if case.name == "enum" and g is not None else g for g in got]
                eq(got, want, "stored and read back")
                if not case.json:
                    echo = cur.execute(f"select {ph}::{case.sqltype}", (wrap(case.values[0]),)).fetchone()[0]
                    echo = echo.name if case.name == "enum" else echo
                    eq(echo, case.back[0], "select $1::type")
                    n = cur.execute(f"select count(*) from {t} where v = {ph}", (wrap(case.values[-1]),)).fetchone()[0]
                    eq(n, 1, "where v = $1")
            except Exception as e:  # noqa: BLE001
                failures.append(f"{case.name}: {type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}")
    if failures:
        raise AssertionError(f"{len(failures)}/{len(typecases.CASES)} types differ: " + " | ".join(failures))


@flow("psycopg.types_text", lib)
def f_types_text(db):
    _roundtrip_cases(db, binary=False)


@flow("psycopg.types_binary", lib)
def f_types_binary(db):
    _roundtrip_cases(db, binary=True)


def _arrays(db, binary):
    failures = []
    ph = "%b" if binary else "%s"
    with connect(db, autocommit=True) as c:
        info = None
        cases = [cs for cs in typecases.CASES if not cs.json] + [None]
        for case in cases:
            name, sqltype = ("tricky_text", "text") if case is None else (case.name, case.sqltype)
            values = typecases.TRICKY_TEXT_ARRAY if case is None else case.array_values
            back = values if case is None else [case.back[0], None, case.back[-1]]
            try:
                info = _setup_case(c, name) or info
                t = "a_" + name
                c.execute(f"create table {t} (id int primary key, a {sqltype}[])")
                cur = c.cursor(binary=binary)
                sent = [info.enum[v] if v is not None else None for v in values] if name == "enum" else values
                cur.execute(f"insert into {t} values (1, {ph})", (sent,))
                # an array of a domain comes back typed as the domain's array, which drivers read as its base type's
                got = cur.execute(f"select a{'::integer[]' if name == 'domain' else ''} from {t}").fetchone()[0]
                if name == "enum":
                    got = [g.name if g is not None else None for g in got]
                eq(got, back, "array stored and read back")
                n = cur.execute(f"select array_length(a, 1), cardinality(a) from {t}").fetchone()
                eq(n, (len(values), len(values)), "array_length")
                lit = c.execute(f"select a::text from {t}").fetchone()[0]
                again = c.execute(f"select %s::{sqltype}[] = a from {t}", (lit,)).fetchone()[0]
                eq(again, True, f"the text form {lit!r} read back as an array")
            except Exception as e:  # noqa: BLE001
                failures.append(f"{name}[]: {type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}")
    if failures:
        raise AssertionError(f"{len(failures)}/{len(cases)} array types differ: " + " | ".join(failures))


@flow("psycopg.arrays_text", lib)
def f_arrays_text(db):
    _arrays(db, binary=False)


@flow("psycopg.arrays_binary", lib)
def f_arrays_binary(db):
    _arrays(db, binary=True)


def check_error_fields(diag, sqlstate_got, **want):
    for k, v in want.items():
        eq(diag.get(k) if isinstance(diag, dict) else getattr(diag, k), v, k)


@flow("psycopg.errors", lib)
def f_errors(db):
    import psycopg
    with connect(db, autocommit=True) as c:
        c.execute("create table customers (id serial primary key, email text not null unique, age int check (age >= 0))")
        c.execute("create table orders (id serial primary key, customer_id int not null references customers(id))")
        c.execute("insert into customers (email, age) values ('a@x', 1)")
        cases = [
            ("insert into customers (email, age) values ('a@x', 2)", psycopg.errors.UniqueViolation,
             dict(sqlstate="23505", schema_name="public", table_name="customers", constraint_name="customers_email_key",
                  message_detail="Key (email)=(a@x) already exists.")),
            ("insert into orders (customer_id) values (42)", psycopg.errors.ForeignKeyViolation,
             dict(sqlstate="23503", schema_name="public", table_name="orders", constraint_name="orders_customer_id_fkey",
                  message_detail='Key (customer_id)=(42) is not present in table "customers".')),
            ("insert into customers (email, age) values (null, 3)", psycopg.errors.NotNullViolation,
             dict(sqlstate="23502", schema_name="public", table_name="customers", column_name="email")),
            ("insert into customers (email, age) values ('b@x', -1)", psycopg.errors.CheckViolation,
             dict(sqlstate="23514", schema_name="public", table_name="customers", constraint_name="customers_age_check")),
            ("select * from no_such_table", psycopg.errors.UndefinedTable, dict(sqlstate="42P01")),
            ("select no_such_column from customers", psycopg.errors.UndefinedColumn, dict(sqlstate="42703")),
            ("select 1/0", psycopg.errors.DivisionByZero, dict(sqlstate="22012")),
            ("select 'x'::int", psycopg.errors.InvalidTextRepresentation, dict(sqlstate="22P02")),
        ]
        failures = []
        for sql, cls, want in cases:
            try:
                c.execute(sql)
                failures.append(f"{sql}: no error")
            except psycopg.Error as e:
                if not isinstance(e, cls):
                    failures.append(f"{sql}: {type(e).__name__} [{e.sqlstate}] {e}, not {cls.__name__}")
                    continue
                for k, v in want.items():
                    got = e.sqlstate if k == "sqlstate" else getattr(e.diag, k)
                    if got != v:
                        failures.append(f"{sql}: {k} {got!r}, not {v!r}")
                if e.diag.severity != "ERROR" or e.diag.severity_nonlocalized != "ERROR":
                    failures.append(f"{sql}: severity {e.diag.severity!r}/{e.diag.severity_nonlocalized!r}")
        if failures:
            raise AssertionError(" | ".join(failures))
        # the session is usable after errors; an error in a transaction aborts it until rollback
        c.autocommit = False
        try:
            c.execute("select 1/0")
        except psycopg.errors.DivisionByZero:
            pass
        try:
            c.execute("select 1")
            raise AssertionError("a statement after an error in a transaction ran")
        except psycopg.errors.InFailedSqlTransaction:
            pass
        c.rollback()
        eq(c.execute("select 1").fetchone(), (1,))


@flow("psycopg.concurrency", lib)
def f_concurrency(db):
    with connect(db, autocommit=True) as c:
        c.execute("create table counter (id int primary key, n int not null)")
        c.execute("insert into counter values (1, 0)")
        c.execute("create table log (worker int, i int)")
    errors = []

    def worker(w):
        try:
            with connect(db) as cw:
                for i in range(25):
                    with cw.transaction():
                        cw.execute("select n from counter where id = 1 for update")
                        cw.execute("update counter set n = n + 1 where id = 1")
                        cw.execute("insert into log values (%s, %s)", (w, i))
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))
    threads = [threading.Thread(target=worker, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    if errors:
        raise AssertionError(errors[0])
    with connect(db) as c:
        eq(c.execute("select n from counter").fetchone(), (200,), "counter after 8x25 locked increments")
        eq(c.execute("select count(*) from log").fetchone(), (200,))


@flow("psycopg.row_description", lib)
def f_row_description(db):
    """RowDescription: the OID and type modifier of every column type, and of its array, as PostgreSQL sends them."""
    failures = []
    with connect(db, autocommit=True) as c:
        cols = ", ".join(f"c_{cs.name} {cs.sqltype}" for cs in typecases.CASES if cs.name not in ("enum", "domain"))
        c.execute(f"create table rd (id int, {cols})")
        acols = ", ".join(f"a_{cs.name} {cs.sqltype}[]" for cs in typecases.CASES if cs.name not in ("enum", "domain", "json", "jsonb"))
        try:
            c.execute(f"create table rda (id int, {acols})")
        except Exception as e:  # noqa: BLE001
            failures.append(f"create table of arrays: {e}")
            acols = None
        cur = c.execute("select * from rd")
        res = cur.pgresult
        for i in range(1, res.nfields):
            name = res.fname(i).decode()[2:]
            oid, mod = res.ftype(i), res.fmod(i)
            want = typecases.OIDS[name][0], typecases.TYPMODS.get(name, -1)
            if (oid, mod) != want:
                failures.append(f"{name}: oid/typmod {oid}/{mod}, not {want[0]}/{want[1]}")
        if acols:
            res = c.execute("select * from rda").pgresult
            for i in range(1, res.nfields):
                name = res.fname(i).decode()[2:]
                if res.ftype(i) != typecases.OIDS[name][1]:
                    failures.append(f"{name}[]: oid {res.ftype(i)}, not {typecases.OIDS[name][1]}")
        exprs = [("generate_series(1, 2)", 23), ("count(*)", 20), ("1::int2 + 1::int2", 21), ("sum(1::int)", 20),
                 ("avg(1::int)", 1700), ("'x'::text || 'y'", 25), ("now()", 1184), ("current_date", 1082),
                 ("'{\"a\":1}'::jsonb -> 'a'", 3802), ("array[1, 2]", 1007), ("length('abc')", 23), ("1.5", 1700),
                 ("true", 16), ("gen_random_uuid()", 2950), ("interval '1 day'", 1186), ("lower('A')", 25)]
        for expr, want in exprs:
            try:
                got = c.execute(f"select {expr}").pgresult.ftype(0)
                if got != want:
                    failures.append(f"select {expr}: oid {got}, not {want}")
            except Exception as e:  # noqa: BLE001
                failures.append(f"select {expr}: {type(e).__name__}: {str(e).splitlines()[0]}")
    if failures:
        raise AssertionError(f"{len(failures)} differ: " + " | ".join(failures))


@flow("psycopg.parameter_types", lib)
def f_parameter_types(db):
    """ParameterDescription: the type PostgreSQL infers for each $n (what asyncpg and postgres.js encode by)."""
    failures = []
    with connect(db, autocommit=True) as c:
        c.execute("create table pt (id int primary key, small smallint, big bigint, name varchar(20), body text, price numeric(10,2),"
                  " ok boolean, at timestamptz, day date, tags text[], ids int[], doc jsonb, meta json, span interval, u uuid, raw bytea)")
        cases = [
            ("select $1::int", [23]),
            ("select $1::bigint, $2::text", [20, 25]),
            ("select * from pt where id = $1", [23]),
            ("select * from pt where name = $1 and big > $2", [25, 20]),
            ("insert into pt (id, small, big, name, body, price, ok, at, day) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
             [23, 21, 20, 1043, 25, 1700, 16, 1184, 1082]),
            ("insert into pt (id, tags, ids, doc, meta, span, u, raw) values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
             [23, 1009, 1007, 3802, 114, 1186, 2950, 17]),
            ("update pt set body = $1 where id = $2 returning *", [25, 23]),
            ("select * from pt order by id limit $1 offset $2", [20, 20]),
            ("select * from pt where id = any($1)", [1007]),
            ("select * from pt where $1 = any(tags)", [25]),
            ("select * from pt where at > $1 and day = $2", [1184, 1082]),
            ("select lower($1)", [25]),
            ("delete from pt where day < $1", [1082]),
        ]
        for i, (sql, want) in enumerate(cases):
            name = f"s{i}".encode()
            r = c.pgconn.prepare(name, sql.encode())
            if r.status != 1:  # COMMAND_OK
                failures.append(f"{sql}: {r.error_message.decode().strip().splitlines()[0]}")
                continue
            d = c.pgconn.describe_prepared(name)
            got = [d.param_type(k) for k in range(d.nparams)]
            if got != want:
                failures.append(f"{sql}: {got}, not {want}")
    if failures:
        raise AssertionError(f"{len(failures)}/{len(cases)} differ: " + " | ".join(failures))
