"""CRUD through psycopg2 (Debian's python3-psycopg2): parameters, transactions, COPY in and out.

Usage: psycopg2_crud.py "<libpq conninfo>"   (password in PGPASSWORD). Prints "ok: ..." lines and
exits non-zero on the first failure.
"""
import datetime
import decimal
import io
import sys

import psycopg2
import psycopg2.extras

conn = psycopg2.connect(sys.argv[1])
cur = conn.cursor()


def check(what, expected, actual):
    if expected != actual:
        print(f"FAIL: {what}: expected {expected!r}, got {actual!r}")
        sys.exit(1)
    print(f"ok: {what}")


cur.execute("create table notes(id serial primary key, title text not null, body text, score numeric(6,2),"
            " created timestamptz default now(), day date, tags text[])")
conn.commit()

# Parameters of many types, interpolated by psycopg2 on the client side.
cur.execute("insert into notes(title, body, score, day, tags) values (%s, %s, %s, %s, %s) returning id",
            ("first", "it's quoted", decimal.Decimal("12.50"), datetime.date(2024, 2, 29), ["a", "b c"]))
first_id = cur.fetchone()[0]
cur.executemany("insert into notes(title, score) values (%s, %s)", [(f"note {i}", i) for i in range(10)])
conn.commit()
cur.execute("select count(*) from notes")
check("rows after insert", 11, cur.fetchone()[0])

cur.execute("select title, body, score, day, tags from notes where id = %s", (first_id,))
check("typed round trip", ("first", "it's quoted", decimal.Decimal("12.50"), datetime.date(2024, 2, 29), ["a", "b c"]),
      cur.fetchone())

cur.execute("update notes set score = score * 2 where score >= %(min)s", {"min": 5})
check("update rowcount", 6, cur.rowcount)
cur.execute("delete from notes where title like %s", ("note 0%",))
check("delete rowcount", 1, cur.rowcount)
conn.commit()

# A transaction that rolls back leaves nothing behind.
cur.execute("insert into notes(title) values ('rolled back')")
conn.rollback()
cur.execute("select count(*) from notes where title = 'rolled back'")
check("rollback", 0, cur.fetchone()[0])

# An error aborts the transaction until rollback.
try:
    cur.execute("insert into notes(id, title) values (%s, 'dup')", (first_id,))
    print("FAIL: duplicate key accepted")
    sys.exit(1)
except psycopg2.errors.UniqueViolation:
    print("ok: unique violation raised")
try:
    cur.execute("select 1")
    print("FAIL: statement ran in an aborted transaction")
    sys.exit(1)
except psycopg2.errors.InFailedSqlTransaction:
    print("ok: in failed transaction")
conn.rollback()

# COPY FROM STDIN (text format), then COPY TO STDOUT (CSV).
data = io.StringIO("".join(f"{100 + i}\tcopied {i}\t{i}.25\n" for i in range(500)))
cur.copy_expert("copy notes(id, title, score) from stdin", data)
check("copy in rowcount", 500, cur.rowcount)
conn.commit()
cur.execute("select count(*), sum(score) from notes where id >= 100")
check("copied rows", (500, decimal.Decimal("124875.00")), cur.fetchone())

out = io.StringIO()
cur.copy_expert("copy (select id, title from notes where id between 100 and 102 order by id) to stdout with (format csv, header)", out)
check("copy out", "id,title\n100,copied 0\n101,copied 1\n102,copied 2\n", out.getvalue())

# Dict cursors and server-side (named) cursors.
dict_cur = conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor)
dict_cur.execute("select id, title from notes where id = %s", (first_id,))
check("dict cursor", {"id": first_id, "title": "first"}, dict(dict_cur.fetchone()))
named = conn.cursor("big_scan")
named.itersize = 100
named.execute("select id from notes where id >= 100 order by id")
check("named cursor", 500, sum(1 for _ in named))
named.close()
conn.commit()

conn.autocommit = True
cur.execute("select current_database(), current_user")
db, user = cur.fetchone()
check("session names", True, "." in db and user == conn.info.user)
conn.close()
print("psycopg2 CRUD script passed")
