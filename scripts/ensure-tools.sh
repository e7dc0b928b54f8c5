#!/usr/bin/env bash
# Installs what the tests need from Debian's packages when it is missing: psql and pgbench
# (postgresql-client), a PostgreSQL 15 server for differential tests, Python's psycopg2, and
# Prometheus (with promtool) for the dashboard tests, Node.js and npm for the ecosystem suite. Needs root and apt-get; without them it only reports.
set -uo pipefail
missing=()
command -v psql >/dev/null || missing+=(postgresql-client)
command -v pgbench >/dev/null || missing+=(postgresql-client)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
# Debian's interpreter: python3-psycopg2 installs for /usr/bin/python3, not for other Pythons on the PATH.
/usr/bin/python3 -c "import psycopg2" >/dev/null 2>&1 || missing+=(python3-psycopg2)
command -v prometheus >/dev/null || missing+=(prometheus)
# The ecosystem suite's Node flows (scripts/ensure-ecosystem.sh installs the libraries themselves).
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing: ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null 2>&1; } \
    || echo "could not install ${missing[*]}; tests that need them will say so" >&2
else
  echo "missing ${missing[*]} and cannot install them (need root and apt-get); tests that need them will say so" >&2
fi
exit 0
