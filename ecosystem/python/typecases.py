"""The types of issue 14, each with values that must come back exactly as PostgreSQL 15 returns them.

A case: name, the column's SQL type, the values to send (None included where the type allows), and
optionally the values expected back when they differ from those sent (bpchar pads). Set-up DDL creates
the enum and the domain. Arrays of every type are checked with a NULL element and, for text types,
the characters that need quoting in an array literal.
"""
import datetime as dt
import uuid
from decimal import Decimal

UTC = dt.timezone.utc
PLUS2 = dt.timezone(dt.timedelta(hours=2))

SETUP = [
    "create type mood as enum ('sad', 'ok', 'happy', 'very happy')",
    "create domain posint as integer check (value > 0)",
]


class Case:
    def __init__(self, name, sqltype, values, back=None, json=False, array=True, array_values=None):
        self.name = name
        self.sqltype = sqltype
        self.values = values
        self.back = back if back is not None else values
        self.json = json
        self.array = array
        # the array sent: two values with a NULL element between them
        self.array_values = array_values if array_values is not None else [values[0], None, values[-1]]
        self.array_back = None


CASES = [
    Case("int2", "smallint", [0, -32768, 32767]),
    Case("int4", "integer", [0, -2147483648, 2147483647]),
    Case("int8", "bigint", [0, -9223372036854775808, 9223372036854775807]),
    Case("numeric_typmod", "numeric(12,4)", [Decimal("-123.4500"), Decimal("0.0000"), Decimal("99999999.9999")]),
    Case("numeric", "numeric", [Decimal("-123.4500"), Decimal("1.10"), Decimal("0.000001"), Decimal("12345678901234567890.123")]),
    Case("float4", "real", [1.5, -0.25, float("inf")]),
    Case("float8", "double precision", [3.141592653589793, -1e300, float("-inf")]),
    Case("text", "text", ["", "héllo wörld ✓", "quote ' dq \" bs \\ brace { } comma ,", "multi\nline\ttab", "NULL", " spaced "]),
    Case("varchar", "varchar(20)", ["abc", "x" * 20, "ünïcode"]),
    Case("bpchar", "char(5)", ["ab", "abcde"], back=["ab   ", "abcde"]),
    Case("bool", "boolean", [True, False]),
    Case("bytea", "bytea", [b"\x00\x01\xfe\xff", b"", b"\\x"]),
    Case("date", "date", [dt.date(2024, 1, 10), dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(2000, 2, 29)]),
    Case("time", "time", [dt.time(13, 45, 30, 123456), dt.time(0, 0), dt.time(23, 59, 59, 999999)]),
    Case("timetz", "timetz", [dt.time(13, 45, 30, 500000, tzinfo=PLUS2), dt.time(1, 2, 3, tzinfo=UTC)]),
    Case("timestamp", "timestamp", [dt.datetime(2024, 1, 10, 13, 45, 30, 123456), dt.datetime(1970, 1, 1), dt.datetime(1, 1, 1, 0, 0)]),
    Case("timestamptz", "timestamptz", [dt.datetime(2024, 1, 10, 13, 45, 30, 123456, tzinfo=UTC),
                                        dt.datetime(2024, 7, 1, 8, 0, tzinfo=PLUS2)]),
    Case("interval", "interval", [dt.timedelta(days=3, hours=4, seconds=5, microseconds=500000), dt.timedelta(0),
                                  dt.timedelta(days=-1, seconds=60)]),
    Case("uuid", "uuid", [uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), uuid.UUID(int=0)]),
    Case("json", "json", [{"a": [1, 2, {"b": None}], "s": "x\"y"}, [1, "two", 3.5], "scalar"], json=True),
    Case("jsonb", "jsonb", [{"a": 1, "b": [True, None], "c": {"d": "é"}}, [], 42], json=True),
    Case("enum", "mood", ["happy", "very happy", "sad"]),
    Case("domain", "posint", [1, 2147483647]),
]

BY_NAME = {c.name: c for c in CASES}

# Text values whose array literal needs quoting and escaping, with a NULL element and the string 'NULL'.
TRICKY_TEXT_ARRAY = ["a,b", 'c"d', "e\\f", "{x}", "NULL", None, " sp ", "", "é"]

# PostgreSQL's OIDs of each case's type and of its array type (the enum's are looked up; a domain is sent as its base type).
OIDS = {
    "int2": (21, 1005), "int4": (23, 1007), "int8": (20, 1016), "numeric_typmod": (1700, 1231), "numeric": (1700, 1231),
    "float4": (700, 1021), "float8": (701, 1022), "text": (25, 1009), "varchar": (1043, 1015), "bpchar": (1042, 1014),
    "bool": (16, 1000), "bytea": (17, 1001), "date": (1082, 1182), "time": (1083, 1183), "timetz": (1266, 1270),
    "timestamp": (1114, 1115), "timestamptz": (1184, 1185), "interval": (1186, 1187), "uuid": (2950, 2951),
    "json": (114, 199), "jsonb": (3802, 3807), "domain": (23, None),
}
# The type modifiers PostgreSQL puts in RowDescription for a column of the case's type (-1: none).
TYPMODS = {"numeric_typmod": (12 << 16 | 4) + 4, "varchar": 20 + 4, "bpchar": 5 + 4}
