"""asyncpg: binary protocol with the parameter types the server describes — every type as a typed parameter and
back (scalars and arrays), executemany, binary COPY, cursors, prepared statements, a pool, errors."""
import asyncio
import json

from ecoflow import eq, flow, version
import typecases


def lib():
    return "asyncpg " + version("asyncpg")


async def connect(db):
    import asyncpg
    c = await asyncpg.connect(host=db["host"], port=db["port"], user=db["user"], password=db["password"],
                              database=db["dbname"], ssl=False)
    # json and jsonb as Python objects, as applications configure them
    for t in ("json", "jsonb"):
        await c.set_type_codec(t, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")
    return c


async def _setup(c, case):
    if case.name == "enum":
        await c.execute(typecases.SETUP[0])
    if case.name == "domain":
        await c.execute(typecases.SETUP[1])


def typed_flow(case):
    async def run(db):
        c = await connect(db)
        try:
            await _setup(c, case)
            await c.execute(f"create table t (id int primary key, v {case.sqltype})")
            for i, v in enumerate(case.values):
                await c.execute("insert into t (id, v) values ($1, $2)", i, v)
            rows = await c.fetch("select v from t order by id")
            eq([r["v"] for r in rows], list(case.back), "column read back")
            eq(await c.fetchval(f"select $1::{case.sqltype}", case.values[0]), case.back[0], "select $1::type")
            if case.sqltype != "json":  # json has no equality operator
                eq(await c.fetchval("select count(*) from t where v = $1", case.values[-1]), 1, "where v = $1")
            if case.name == "numeric":
                eq(await c.fetchval("select '-123.4500'::numeric"), __import__("decimal").Decimal("-123.4500"), "trailing zeros")
        finally:
            await c.close()
    return run


for _case in typecases.CASES:
    flow(f"asyncpg.typed_params_{_case.name}", lib)(typed_flow(_case))


@flow("asyncpg.typed_arrays", lib)
async def f_typed_arrays(db):
    """Every type's array as a typed parameter and back, with a NULL element; = any($1); select $1::t[]."""
    c = await connect(db)
    failures = []
    cases = [cs for cs in typecases.CASES if not cs.json]
    try:
        for case in cases:
            try:
                await _setup(c, case)
                t = "a_" + case.name
                await c.execute(f"create table {t} (id int primary key, v {case.sqltype}, a {case.sqltype}[])")
                for i, v in enumerate(case.values):
                    await c.execute(f"insert into {t} (id, v, a) values ($1, $2, $3)", i, v, [v, None])
                eq([r["a"] for r in await c.fetch(f"select a from {t} order by id")], [[b, None] for b in case.back], "array column")
                eq(await c.fetchval(f"select count(*) from {t} where v = any($1)", list(case.values)), len(case.values), "= any($1)")
                eq(await c.fetchval(f"select $1::{case.sqltype}[]", case.array_values), [case.back[0], None, case.back[-1]],
                   "select $1::type[]")
            except Exception as e:  # noqa: BLE001
                failures.append(f"{case.name}[]: {type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}")
    finally:
        await c.close()
    if failures:
        raise AssertionError(f"{len(failures)}/{len(cases)} array types differ: " + " | ".join(failures))


@flow("asyncpg.tricky_text_array", lib)
async def f_tricky(db):
    c = await connect(db)
    try:
        await c.execute("create table t (id int primary key, a text[], m int[][])")
        await c.execute("insert into t values (1, $1, $2)", typecases.TRICKY_TEXT_ARRAY, [[1, 2], [3, None]])
        row = await c.fetchrow("select a, m, a::text as lit from t")
        eq(row["a"], typecases.TRICKY_TEXT_ARRAY, "text[] with quoting")
        eq(row["m"], [[1, 2], [3, None]], "two-dimensional int[]")
        eq(row["lit"], '{"a,b","c\\"d","e\\\\f","{x}","NULL",NULL," sp ","",é}', "array text output")
    finally:
        await c.close()


@flow("asyncpg.crud_executemany", lib)
async def f_executemany(db):
    import datetime as dt
    c = await connect(db)
    try:
        await c.execute("create table ev (id serial primary key, kind text not null, at timestamptz not null, payload jsonb)")
        rows = [(f"k{i % 3}", dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=i), {"i": i}) for i in range(100)]
        await c.executemany("insert into ev (kind, at, payload) values ($1, $2, $3)", rows)
        eq(await c.fetchval("select count(*) from ev"), 100)
        r = await c.fetchrow("insert into ev (kind, at) values ($1, $2) returning id, kind", "x", dt.datetime.now(dt.timezone.utc))
        eq(r["kind"], "x")
        eq(await c.execute("update ev set kind = $1 where id <= $2", "y", 10), "UPDATE 10", "command tag")
        eq([tuple(r) for r in await c.fetch("select kind, count(*) from ev group by kind order by kind")],
           [("k0", 30), ("k1", 30), ("k2", 30), ("x", 1), ("y", 10)], "group by")
        eq(await c.fetchval("select payload->>'i' from ev where id = $1", 50), "49", "jsonb ->>")
    finally:
        await c.close()


@flow("asyncpg.copy_records_to_table", lib)
async def f_copy_records(db):
    import datetime as dt
    from decimal import Decimal
    c = await connect(db)
    try:
        await c.execute("create table cp (id int, name text, amount numeric(10,2), at timestamptz, tags text[])")
        recs = [(i, f"n{i}", Decimal(i) / 4, dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc), ["a", str(i)]) for i in range(500)]
        res = await c.copy_records_to_table("cp", records=recs)
        eq(res, "COPY 500", "binary COPY in")
        eq(await c.fetchval("select sum(amount) from cp"), Decimal("31187.50"))
    finally:
        await c.close()


@flow("asyncpg.copy_text", lib)
async def f_copy_text(db):
    import io
    c = await connect(db)
    try:
        await c.execute("create table cp (id int, name text)")
        res = await c.copy_to_table("cp", source=io.BytesIO(b"1\tone\n2\t\\N\n3\tthree\n"))
        eq(res, "COPY 3")
        res = await c.copy_to_table("cp", source=io.BytesIO(b'4,"four, quoted"\n'), format="csv")
        eq(res, "COPY 1")
        out = io.BytesIO()
        await c.copy_from_query("select * from cp order by id", output=out, format="csv")
        eq(out.getvalue(), b'1,one\n2,\n3,three\n4,"four, quoted"\n', "copy out csv")
        out = io.BytesIO()
        await c.copy_from_table("cp", output=out)
        eq(len(out.getvalue().splitlines()), 4, "copy_from_table text")
    finally:
        await c.close()


@flow("asyncpg.cursor", lib)
async def f_cursor(db):
    c = await connect(db)
    try:
        await c.execute("create table big as select g as id, 'v' || g as v from generate_series(1, 1000) g")
        async with c.transaction():
            n = 0
            async for r in c.cursor("select id, v from big where id > $1 order by id", 0, prefetch=50):
                n += 1
            eq(n, 1000, "iterated rows")
            cur = await c.cursor("select id from big order by id")
            eq([r[0] for r in await cur.fetch(5)], [1, 2, 3, 4, 5], "fetch(5)")
            await cur.forward(10)
            eq(await cur.fetchrow(), (16,), "after forward(10)")
    finally:
        await c.close()


@flow("asyncpg.prepared", lib)
async def f_prepared(db):
    c = await connect(db)
    try:
        await c.execute("create table p (id int primary key, name varchar(30), score float8)")
        ins = await c.prepare("insert into p values ($1, $2, $3)")
        eq([t.name for t in ins.get_parameters()], ["int4", "varchar", "float8"], "parameter types")
        for i in range(20):
            await ins.fetch(i, f"n{i}", i / 2)
        sel = await c.prepare("select id, name, score from p where id = $1")
        eq([(a.name, a.type.name) for a in sel.get_attributes()], [("id", "int4"), ("name", "varchar"), ("score", "float8")],
           "result attributes")
        for i in (3, 7, 19):
            eq(await sel.fetchrow(i), (i, f"n{i}", i / 2), "reused with new arguments")
    finally:
        await c.close()


@flow("asyncpg.transactions", lib)
async def f_tx(db):
    import asyncpg
    c = await connect(db)
    try:
        await c.execute("create table t (v int primary key)")
        async with c.transaction():
            await c.execute("insert into t values (1)")
            try:
                async with c.transaction():  # savepoint
                    await c.execute("insert into t values (1)")
            except asyncpg.UniqueViolationError:
                pass
            await c.execute("insert into t values (2)")
        eq(await c.fetchval("select array_agg(v order by v) from t"), [1, 2])
        try:
            async with c.transaction(isolation="serializable", readonly=True):
                await c.execute("insert into t values (3)")
            raise AssertionError("insert in a read-only transaction succeeded")
        except asyncpg.ReadOnlySQLTransactionError:
            pass
    finally:
        await c.close()


@flow("asyncpg.errors", lib)
async def f_errors(db):
    import asyncpg
    c = await connect(db)
    try:
        await c.execute("create table acct (id uuid primary key, email text not null unique, balance int check (balance >= 0))")
        await c.execute("create table tx (id serial primary key, acct uuid not null references acct(id))")
        import uuid
        u = uuid.UUID(int=1)
        await c.execute("insert into acct values ($1, 'a@x', 0)", u)
        failures = []
        for sql, args, cls, want in [
            ("insert into acct values ($1, 'b@x', 0)", [u], asyncpg.UniqueViolationError,
             dict(constraint_name="acct_pkey", table_name="acct", schema_name="public",
                  detail="Key (id)=(00000000-0000-0000-0000-000000000001) already exists.")),
            ("insert into acct values ($1, 'a@x', 0)", [uuid.UUID(int=2)], asyncpg.UniqueViolationError,
             dict(constraint_name="acct_email_key", table_name="acct", detail="Key (email)=(a@x) already exists.")),
            ("insert into tx (acct) values ($1)", [uuid.UUID(int=3)], asyncpg.ForeignKeyViolationError,
             dict(constraint_name="tx_acct_fkey", table_name="tx")),
            ("update acct set balance = -1", [], asyncpg.CheckViolationError, dict(constraint_name="acct_balance_check", table_name="acct")),
            ("insert into acct (id) values ($1)", [uuid.UUID(int=4)], asyncpg.NotNullViolationError,
             dict(column_name="email", table_name="acct")),
        ]:
            try:
                await c.execute(sql, *args)
                failures.append(f"{sql}: no error")
            except asyncpg.PostgresError as e:
                if not isinstance(e, cls):
                    failures.append(f"{sql}: {type(e).__name__} {e.sqlstate}")
                    continue
                for k, v in want.items():
                    if getattr(e, k) != v:
                        failures.append(f"{sql}: {k} {getattr(e, k)!r}, not {v!r}")
        if failures:
            raise AssertionError(" | ".join(failures))
    finally:
        await c.close()


@flow("asyncpg.pool", lib)
async def f_pool(db):
    import asyncpg
    pool = await asyncpg.create_pool(host=db["host"], port=db["port"], user=db["user"], password=db["password"],
                                     database=db["dbname"], ssl=False, min_size=2, max_size=6)
    try:
        await pool.execute("create table hits (worker int, i int, at timestamptz default now())")

        async def work(w):
            for i in range(20):
                async with pool.acquire() as conn:
                    await conn.execute("insert into hits (worker, i) values ($1, $2)", w, i)
                    await conn.fetchval("select count(*) from hits where worker = $1", w)
        await asyncio.gather(*[work(w) for w in range(10)])
        eq(await pool.fetchval("select count(*) from hits"), 200)
    finally:
        await pool.close()
