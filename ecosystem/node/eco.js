'use strict';
// Helpers shared by the Node flows.
const assert = require('assert');

function version(pkg) {
  const path = require('path');
  const fs = require('fs');
  // some packages do not export package.json: read it from node_modules
  return JSON.parse(fs.readFileSync(path.join(__dirname, 'node_modules', pkg, 'package.json'), 'utf8')).version;
}

function eq(actual, expected, what) {
  try {
    assert.deepStrictEqual(actual, expected);
  } catch (e) {
    throw new Error(`${what || 'value'}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

/** A canonical string for a value a driver returned, so expectations are plain strings. */
function norm(v) {
  if (v === null || v === undefined) return 'null';
  if (v instanceof Date) return isNaN(v) ? 'Invalid Date' : v.toISOString();
  if (Buffer.isBuffer(v)) return '\\x' + v.toString('hex');
  if (Array.isArray(v)) return '[' + v.map(norm).join(',') + ']';
  if (typeof v === 'bigint') return v.toString() + 'n';
  if (typeof v === 'object' && typeof v.toPostgres === 'function') return 'interval:' + v.toPostgres();
  if (typeof v === 'object') return JSON.stringify(v);
  return typeof v + ':' + String(v);
}

/** Runs every case, collecting failures into one error naming each failing case. */
async function checkAll(label, cases, fn) {
  const failures = [];
  for (const c of cases) {
    try {
      await fn(c);
    } catch (e) {
      failures.push(`${c.name}: ${(e.message || String(e)).split('\n')[0]}`);
    }
  }
  if (failures.length) throw new Error(`${failures.length}/${cases.length} ${label} differ: ${failures.join(' | ')}`);
}

module.exports = { version, eq, norm, checkAll };
