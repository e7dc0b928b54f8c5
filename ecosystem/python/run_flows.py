#!/usr/bin/env python3
"""The Python side of the ecosystem suite (see ecosystem/README.md).

  run_flows.py list        prints @@FLOWS [{"id", "library"}, ...]
  run_flows.py run         reads one JSON object a line on stdin, {"id", host, port, dbname, user, password},
                           runs that flow on that database and prints @@RESULT {"id", "ok", "error", "detail"}.
Flows live in the flows_*.py modules beside this file; each is a function registered with @flow(id).
Flows that must own their process (Django configures itself once per process) are run in a child process.
"""
import asyncio
import importlib
import json
import os
import subprocess
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import ecoflow  # noqa: E402

MODULES = ["flows_psycopg", "flows_psycopg2", "flows_asyncpg", "flows_django", "flows_sqlalchemy", "flows_notify"]


def load():
    for m in MODULES:
        importlib.import_module(m)
    return ecoflow.REGISTRY


def describe(e):
    """One line: the exception type, SQLSTATE where the driver has one, and the message."""
    state = getattr(e, "sqlstate", None) or getattr(e, "pgcode", None)
    msg = str(e).strip().splitlines()[0] if str(e).strip() else repr(e)
    name = type(e).__module__ + "." + type(e).__name__ if type(e).__module__ not in ("builtins",) else type(e).__name__
    return f"{name}: " + (f"[{state}] " if state else "") + msg


def run_one(f, db):
    if f.own_process:
        r = subprocess.run([sys.executable, os.path.abspath(__file__), "child", f.id, json.dumps(db)],
                           capture_output=True, text=True, timeout=600)
        sys.stdout.write(r.stdout.replace("@@", "@ @"))
        for line in r.stderr.splitlines():
            if line.startswith("@@CHILD "):
                return json.loads(line[8:])
        return {"ok": False, "error": f"child process exited {r.returncode} without a result", "detail": r.stderr[-4000:]}
    try:
        if asyncio.iscoroutinefunction(f.fn):
            asyncio.run(f.fn(db))
        else:
            f.fn(db)
        return {"ok": True}
    except BaseException as e:  # noqa: BLE001 - a flow's failure of any kind is its result
        return {"ok": False, "error": describe(e), "detail": traceback.format_exc()[-6000:]}


def main():
    cmd = sys.argv[1]
    reg = load()
    if cmd == "list":
        print("@@FLOWS " + json.dumps([{"id": f.id, "library": f.library()} for f in reg.values()]))
    elif cmd == "run":
        for line in sys.stdin:
            if not line.strip():
                continue
            db = json.loads(line)
            fid = db["id"]
            res = run_one(reg[fid], db) if fid in reg else {"ok": False, "error": f"unknown flow {fid}"}
            res["id"] = fid
            print("@@RESULT " + json.dumps(res), flush=True)
    elif cmd == "child":
        f = reg[sys.argv[2]]
        db = json.loads(sys.argv[3])
        f.own_process = False
        res = run_one(f, db)
        sys.stderr.write("\n@@CHILD " + json.dumps(res) + "\n")
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
