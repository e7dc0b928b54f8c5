#!/usr/bin/env bash
# Installs what the ecosystem suite (ecosystem/) drives, from the package registries by name and pinned:
#   - the Python libraries of ecosystem/python/requirements.txt into a venv outside git, under
#     ${BOREALIS_ECOSYSTEM_CACHE:-~/.cache/borealis-ecosystem}/venv-<hash of requirements.txt>;
#   - the Node libraries of ecosystem/node/package-lock.json with `npm ci` into ecosystem/node/node_modules.
# Idempotent: does nothing when both are in place. Its last line of output is `python=<venv python>`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
eco="$root/ecosystem"
cache="${BOREALIS_ECOSYSTEM_CACHE:-$HOME/.cache/borealis-ecosystem}"
req="$eco/python/requirements.txt"
hash=$(sha256sum "$req" | cut -c1-12)
venv="$cache/venv-$hash"
python="${BOREALIS_ECOSYSTEM_PYTHON:-python3}"

if [ ! -f "$venv/.complete" ]; then
  echo "ecosystem: creating $venv" >&2
  rm -rf "$venv"
  mkdir -p "$cache"
  "$python" -m venv "$venv"
  # --retries 0: where only a local index answers, a registry that cannot be reached fails at once.
  "$venv/bin/pip" install -q --disable-pip-version-check --retries 0 -r "$req" 2>&1 | grep -v -E "^WARNING: (Retrying|Location)" >&2 || true
  "$venv/bin/python" -c "import psycopg, psycopg2, asyncpg, django, sqlalchemy, alembic" \
    || { echo "ecosystem: the Python libraries did not install into $venv" >&2; exit 1; }
  touch "$venv/.complete"
fi

lock="$eco/node/package-lock.json"
stamp="$eco/node/node_modules/.borealis-lock-sha"
want=$(sha256sum "$lock" | cut -c1-64)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  command -v npm >/dev/null || { echo "ecosystem: npm is not installed (apt-get install nodejs npm)" >&2; exit 1; }
  echo "ecosystem: npm ci in $eco/node" >&2
  (cd "$eco/node" && npm ci --no-audit --no-fund --loglevel=error >&2)
  echo "$want" >"$stamp"
fi

echo "python=$venv/bin/python"
