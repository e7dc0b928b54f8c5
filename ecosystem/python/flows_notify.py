"""LISTEN / NOTIFY with psycopg 3 and asyncpg: an idle listener receives another session's committed
notifications without running a query, never a rolled-back one, a transaction's duplicates once, and
its own notifications with its own pid."""
import asyncio

from ecoflow import conninfo, eq, flow, version

CHANNEL = "borealis_events"


def lib_psycopg():
    return "psycopg " + version("psycopg")


def lib_asyncpg():
    return "asyncpg " + version("asyncpg")


@flow("psycopg.listen_notify", lib_psycopg)
def f_psycopg(db):
    import psycopg
    with psycopg.connect(conninfo(db), autocommit=True) as listener, psycopg.connect(conninfo(db)) as notifier:
        listener.execute("LISTEN " + CHANNEL)
        eq(listener.execute("select * from pg_listening_channels()").fetchall(), [(CHANNEL,)], "pg_listening_channels()")
        notifier.execute("NOTIFY " + CHANNEL + ", 'rolled back'")
        notifier.rollback()
        for payload in ("order 42 shipped", "order 42 shipped", "order 43 shipped"):
            notifier.execute("select pg_notify(%s, %s)", (CHANNEL, payload))
        notifier.commit()
        # notifies() waits on the socket: the listener sends no query
        got = [(n.channel, n.payload, n.pid) for n in listener.notifies(timeout=10, stop_after=2)]
        pid = notifier.info.backend_pid
        eq(got, [(CHANNEL, "order 42 shipped", pid), (CHANNEL, "order 43 shipped", pid)],
           "committed notifications, duplicates once, in order, with the notifier's pid (never the rolled-back one)")
        eq(list(listener.notifies(timeout=0.3)), [], "nothing more")

        own = []
        listener.add_notify_handler(lambda n: own.append((n.channel, n.payload, n.pid)))
        listener.execute("select pg_notify(%s, %s)", (CHANNEL, "to myself"))
        eq(own, [(CHANNEL, "to myself", listener.info.backend_pid)], "own notification, with the query's answer")

        listener.execute("UNLISTEN *")
        notifier.execute("NOTIFY " + CHANNEL + ", 'nobody listens'")
        notifier.commit()
        listener.execute("select 1")
        eq(own[1:], [], "after UNLISTEN *")


@flow("asyncpg.listen_notify", lib_asyncpg)
async def f_asyncpg(db):
    import asyncpg

    async def connect():
        return await asyncpg.connect(host=db["host"], port=db["port"], user=db["user"], password=db["password"],
                                     database=db["dbname"], ssl=False)

    listener, notifier = await connect(), await connect()
    try:
        got = asyncio.Queue()

        def on_notify(conn, pid, channel, payload):
            got.put_nowait((channel, payload, pid))

        await listener.add_listener(CHANNEL, on_notify)  # LISTEN "borealis_events"
        tr = notifier.transaction()
        await tr.start()
        await notifier.execute("NOTIFY " + CHANNEL + ", 'rolled back'")
        await tr.rollback()
        async with notifier.transaction():
            for payload in ("order 42 shipped", "order 42 shipped", "order 43 shipped"):
                await notifier.execute("select pg_notify($1, $2)", CHANNEL, payload)
        pid = notifier.get_server_pid()
        first = await asyncio.wait_for(got.get(), 10)
        second = await asyncio.wait_for(got.get(), 10)
        eq([first, second], [(CHANNEL, "order 42 shipped", pid), (CHANNEL, "order 43 shipped", pid)],
           "committed notifications to an idle listener, duplicates once, in order (never the rolled-back one)")
        await asyncio.sleep(0.3)
        eq(got.qsize(), 0, "nothing more")

        await listener.execute("NOTIFY " + CHANNEL + ", 'to myself'")
        eq(await asyncio.wait_for(got.get(), 5), (CHANNEL, "to myself", listener.get_server_pid()), "own notification")

        await listener.remove_listener(CHANNEL, on_notify)  # UNLISTEN
        await notifier.execute("select pg_notify($1, $2)", CHANNEL, "nobody listens")
        await asyncio.sleep(0.3)
        eq(got.qsize(), 0, "after UNLISTEN")
    finally:
        await listener.close()
        await notifier.close()
