#!/usr/bin/env bash
# Smoke test with the real psql: start a node on free ports, create a tenant and a cluster with the
# CLI, then drive psql through DDL, DML, a transaction and a rollback, and check what it prints.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
pg_port=$(free_port); admin_port=$(free_port)
export BOREALIS_ENDPOINT="http://127.0.0.1:$admin_port" BOREALIS_TOKEN="smoke-token"
BOREALIS_ADMIN_TOKEN=smoke-token "$here/bin/borealis" start --data-dir "$work/data" --pg-port "$pg_port" --admin-port "$admin_port" \
  >"$work/node.log" 2>&1 &
node=$!
cleanup() { kill "$node" 2>/dev/null || true; wait "$node" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 120); do
  if (exec 3<>/dev/tcp/127.0.0.1/"$pg_port") 2>/dev/null; then break; fi
  kill -0 "$node" 2>/dev/null || { echo "node died:"; cat "$work/node.log"; exit 1; }
  sleep 0.5
done
"$here/bin/borealis" tenant create smoke >/dev/null
"$here/bin/borealis" cluster create --tenant smoke --name db1 --master-username app --master-user-password 'smoke-pass' >/dev/null

export PGPASSWORD=smoke-pass
conn="host=127.0.0.1 port=$pg_port dbname=smoke.db1 user=app sslmode=disable"
run() { psql -X -v ON_ERROR_STOP=1 -At "$conn" "$@"; }
expect() { # expect <what> <expected> <actual>
  if [ "$2" != "$3" ]; then echo "FAIL: $1: expected [$2], got [$3]"; echo "--- node log"; tail -50 "$work/node.log"; exit 1; fi
  echo "ok: $1"
}
run -c "create table notes(id int primary key, body text not null)" >/dev/null
run -c "insert into notes values (1, 'one'), (2, 'two'), (3, 'three')" >/dev/null
expect "rows after insert" "3" "$(run -c 'select count(*) from notes')"
expect "update count" "UPDATE 2" "$(psql -X -v ON_ERROR_STOP=1 "$conn" -c "update notes set body = upper(body) where id < 3" | tail -1)"
run -c "begin" -c "delete from notes" -c "rollback" >/dev/null
expect "rollback kept the rows" "ONE|TWO|three" "$(run -c 'select body from notes order by id' | paste -sd'|')"
run <<'SQL' >/dev/null
begin;
insert into notes values (4, 'four');
commit;
SQL
expect "committed transaction" "4" "$(run -c 'select max(id) from notes')"
err=$(psql -X "$conn" -c "select * from no_such_table" 2>&1 || true)
case "$err" in *'relation "no_such_table" does not exist'*) echo "ok: undefined table error";; *) echo "FAIL: error text: $err"; exit 1;; esac
bad=$(PGPASSWORD=wrong psql -X "$conn" -c "select 1" 2>&1 || true)
case "$bad" in *'password authentication failed for user "app"'*) echo "ok: wrong password refused";; *) echo "FAIL: wrong password: $bad"; exit 1;; esac

# A reader instance, added with the CLI, serves the -ro endpoint: the rows, psql's \dt, and 25006 for a write.
"$here/bin/borealis" cluster add-reader --tenant smoke --name db1 >/dev/null
ro="host=127.0.0.1 port=$pg_port dbname=smoke.db1-ro user=app sslmode=disable"
seen=""
for _ in $(seq 1 60); do
  seen=$(psql -X -At "$ro" -c 'select max(id) from notes' 2>/dev/null || true)
  [ "$seen" = "4" ] && break
  sleep 0.5
done
expect "reader shows the writer's rows" "4" "$seen"
tables=""
for _ in $(seq 1 20); do # pg_catalog follows the writer's DDL a refresh or two later
  tables=$(psql -X -At "$ro" -c '\dt' | cut -d'|' -f2)
  [ "$tables" = "notes" ] && break
  sleep 0.5
done
expect "psql \\dt on the reader" "notes" "$tables"
ro_err=$(psql -X "$ro" -c "insert into notes values (9, 'nine')" 2>&1 || true)
case "$ro_err" in *'cannot execute INSERT in a read-only transaction'*) echo "ok: write on the reader refused";; *) echo "FAIL: write on reader: $ro_err"; tail -50 "$work/node.log"; exit 1;; esac
echo "psql smoke test passed"
