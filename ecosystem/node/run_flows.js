'use strict';
// The Node side of the ecosystem suite (see ecosystem/README.md).
//   node run_flows.js list   prints @@FLOWS [{"id", "library"}, ...]
//   node run_flows.js run    reads one JSON object a line on stdin ({"id", host, port, dbname, user, password}),
//                            runs that flow on that database and prints @@RESULT {"id", "ok", "error", "detail"}.
// Flows live in flows_*.js beside this file; each exports {library, flows: {id: async (db) => {...}}}.
process.env.TZ = 'UTC';
// A late error from a connection a finished flow left behind (its database is dropped after the flow)
// must not end the runner in the middle of the next flow.
process.on('uncaughtException', (e) => console.error('uncaught (ignored):', e && e.message));
process.on('unhandledRejection', (e) => console.error('unhandled rejection (ignored):', e && e.message));
const readline = require('readline');

const MODULES = ['./flows_pg', './flows_postgresjs', './flows_knex', './flows_sequelize'];

function load() {
  const reg = new Map();
  for (const m of MODULES) {
    const mod = require(m);
    for (const [id, fn] of Object.entries(mod.flows)) {
      if (reg.has(id)) throw new Error(`flow ${id} defined twice`);
      reg.set(id, { fn, library: mod.library });
    }
  }
  return reg;
}

function describe(e) {
  if (!(e instanceof Error)) return String(e);
  const code = e.code && /^[0-9A-Z]{5}$/.test(e.code) ? `[${e.code}] ` : '';
  const msg = (e.message || '').split('\n')[0];
  const inner = e.original || e.parent || e.nativeError;
  const extra = inner && inner !== e && inner.message && !msg.includes(inner.message.split('\n')[0])
    ? ` <- ${inner.code ? `[${inner.code}] ` : ''}${inner.message.split('\n')[0]}` : '';
  return `${e.name || 'Error'}: ${code}${msg}${extra}`;
}

async function main() {
  const cmd = process.argv[2];
  const reg = load();
  if (cmd === 'list') {
    console.log('@@FLOWS ' + JSON.stringify([...reg.entries()].map(([id, f]) => ({ id, library: f.library }))));
    return;
  }
  if (cmd !== 'run') throw new Error(`unknown command ${cmd}`);
  const rl = readline.createInterface({ input: process.stdin });
  for await (const line of rl) {
    if (!line.trim()) continue;
    const db = JSON.parse(line);
    const f = reg.get(db.id);
    let res;
    try {
      if (!f) throw new Error(`unknown flow ${db.id}`);
      await f.fn(db);
      res = { ok: true };
    } catch (e) {
      res = { ok: false, error: describe(e), detail: String((e && e.stack) || e).slice(0, 6000) };
    }
    res.id = db.id;
    console.log('@@RESULT ' + JSON.stringify(res));
  }
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
