from ecoflow import flow


def lib():
    return "psycopg " + __import__("ecoflow").version("psycopg")


@flow("psycopg.connect", lib)
def connect(db):
    import psycopg
    with psycopg.connect(__import__("ecoflow").conninfo(db)) as c:
        assert c.execute("select 1").fetchone() == (1,)
