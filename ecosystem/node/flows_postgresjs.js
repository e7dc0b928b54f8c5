'use strict';
// postgres.js (porsager/postgres): it describes every statement first and encodes parameters by the types
// the server reports (ParameterDescription), so types and arrays depend on the server's inference.
const postgres = require('postgres');
const { Writable, Readable } = require('stream');
const { pipeline } = require('stream/promises');
const { version, eq, norm, checkAll } = require('./eco');
const T = require('./typecases');

const library = `postgres.js ${version('postgres')}`;

function connect(db, opts = {}) {
  return postgres({ host: db.host, port: db.port, database: db.dbname, username: db.user, password: db.password,
    ssl: false, onnotice: () => {}, max: 4, ...opts });
}

async function withSql(db, fn, opts) {
  const sql = connect(db, opts);
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

// What postgres.js returns where it differs from node-postgres (it parses int8 as string, numeric as string,
// date/timestamp as Date, interval as string, bytea as Buffer, json/jsonb parsed).
const PJS = {
  interval: 'string:3 days 04:00:05.5', time: 'string:13:45:30.123456', timetz: 'string:13:45:30.5+02',
  date: '2024-01-10T00:00:00.000Z',
};

const flows = {
  'postgresjs.crud': (db) => withSql(db, async (sql) => {
    await sql`create table users (id serial primary key, name text not null, age int, tags text[], meta jsonb)`;
    const [u] = await sql`insert into users ${sql({ name: 'ann', age: 31, tags: ['a', 'b'], meta: { k: 1 } })} returning *`;
    eq({ ...u }, { id: 1, name: 'ann', age: 31, tags: ['a', 'b'], meta: { k: 1 } }, 'insert helper returning *');
    await sql`insert into users ${sql([{ name: 'bob', age: 40 }, { name: 'cy', age: 22 }], 'name', 'age')}`;
    const older = await sql`select name from users where age > ${30} order by id limit ${10}`;
    eq(older.map((r) => r.name), ['ann', 'bob'], 'select with typed parameters');
    const some = await sql`select name from users where id = any(${[1, 3]}) order by id`;
    eq(some.map((r) => r.name), ['ann', 'cy'], '= any(array parameter)');
    const upd = await sql`update users set ${sql({ age: 32 }, 'age')} where name = ${'ann'}`;
    eq(upd.count, 1, 'update count');
    eq((await sql`select count(*) from users where name in ${sql(['bob', 'cy'])}`)[0].count, '2', 'in list helper (count is int8: a string)');
  }),

  'postgresjs.types': (db) => withSql(db, async (sql) => {
    await checkAll('types', T.CASES, async (cs) => {
      if (T.SETUP[cs.name]) await sql.unsafe(T.SETUP[cs.name]);
      const t = `t_${cs.name}`;
      await sql.unsafe(`create table ${t} (id int, v ${cs.type})`);
      const value = cs.name.startsWith('json') ? JSON.parse(cs.value) : cs.value;
      await sql.unsafe(`insert into ${t} values (1, $1)`, [value]);
      const want = PJS[cs.name] || cs.pg;
      eq(norm((await sql.unsafe(`select v from ${t}`))[0].v), want, 'stored and read back');
      eq(norm((await sql.unsafe(`select $1::${cs.type} as v`, [value]))[0].v), want, 'select $1::type');
    });
  }),

  'postgresjs.arrays': (db) => withSql(db, async (sql) => {
    // postgres.js encodes a JS array by the element type the server describes for the parameter
    // (NULL elements are left out: postgres.js itself reads them back as the string 'NULL').
    const cases = [
      { name: 'int4[]', type: 'integer[]', value: [1, 2, -3], want: '[number:1,number:2,number:-3]', text: '{1,2,-3}' },
      { name: 'int8[]', type: 'bigint[]', value: ['1', '9223372036854775807'], want: '[string:1,string:9223372036854775807]', text: '{1,9223372036854775807}' },
      { name: 'numeric[]', type: 'numeric[]', value: ['1.50', '-2'], want: '[string:1.50,string:-2]', text: '{1.50,-2}' },
      { name: 'float8[]', type: 'float8[]', value: [1.5, -0.25], want: '[number:1.5,number:-0.25]', text: '{1.5,-0.25}' },
      { name: 'text[]', type: 'text[]', value: ['a,b', 'c"d', 'e\\f', '{x}', ' sp ', ''],
        want: '[string:a,b,string:c"d,string:e\\f,string:{x},string: sp ,string:]', text: '{"a,b","c\\"d","e\\\\f","{x}"," sp ",""}' },
      { name: 'uuid[]', type: 'uuid[]', value: ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'], want: '[string:a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11]',
        text: '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}' },
    ];
    await checkAll('array types', cases, async (cs) => {
      const t = `a_${cs.name.replace(/\W/g, '_')}`;
      await sql.unsafe(`create table ${t} (id int, v ${cs.type})`);
      await sql.unsafe(`insert into ${t} values (1, $1)`, [cs.value]);
      const [row] = await sql.unsafe(`select v, v::text as t, cardinality(v) as n from ${t}`);
      eq(norm(row.v), cs.want, 'stored and read back');
      eq([row.t, row.n], [cs.text, cs.value.length], 'text form and cardinality');
    });
  }),

  'postgresjs.transactions': (db) => withSql(db, async (sql) => {
    await sql`create table t (v int primary key)`;
    await sql.begin(async (tx) => {
      await tx`insert into t values (1)`;
      try {
        await tx.savepoint(async (sp) => {
          await sp`insert into t values (2)`;
          await sp`insert into t values (1)`;
        });
      } catch (e) {
        if (e.code !== '23505') throw e;
      }
      await tx`insert into t values (3)`;
    });
    eq((await sql`select array_agg(v order by v) as a from t`)[0].a, [1, 3], 'after savepoint rollback');
  }),

  'postgresjs.cursor': (db) => withSql(db, async (sql) => {
    await sql`create table big as select g::int as id from generate_series(1, 500) g`;
    let n = 0;
    let batches = 0;
    await sql`select id from big where id > ${0} order by id`.cursor(100, async (rows) => {
      n += rows.length;
      batches++;
    });
    eq([n, batches], [500, 5], 'rows and batches');
    let seen = 0;
    for await (const [row] of sql`select id from big order by id`.cursor()) {
      if (row.id !== ++seen) throw new Error(`row ${seen} out of order: ${row.id}`);
    }
    eq(seen, 500, 'async iterator cursor');
  }),

  'postgresjs.copy': (db) => withSql(db, async (sql) => {
    await sql`create table cp (id int, name text)`;
    const w = await sql`copy cp from stdin`.writable();
    await pipeline(Readable.from(['1\tone\n', '2\t\\N\n', '3\tthree\n']), w);
    eq((await sql`select count(*)::int as n, count(name)::int as m from cp`)[0], { n: 3, m: 2 }, 'copy in');
    const chunks = [];
    const r = await sql`copy (select * from cp order by id) to stdout with (format csv)`.readable();
    await pipeline(r, new Writable({ write(ch, _e, cb) { chunks.push(ch); cb(); } }));
    eq(Buffer.concat(chunks).toString(), '1,one\n2,\n3,three\n', 'copy out csv');
  }),

  'postgresjs.errors': (db) => withSql(db, async (sql) => {
    await sql`create table a (id int primary key, email text unique not null)`;
    await sql`insert into a values (1, 'x@y')`;
    try {
      await sql`insert into a values (${2}, ${'x@y'})`;
      throw new Error('duplicate accepted');
    } catch (e) {
      eq({ code: e.code, table: e.table_name, constraint: e.constraint_name, schema: e.schema_name, detail: e.detail },
        { code: '23505', table: 'a', constraint: 'a_email_key', schema: 'public', detail: 'Key (email)=(x@y) already exists.' }, 'unique violation fields');
    }
  }),

  'postgresjs.prepared_concurrency': (db) => withSql(db, async (sql) => {
    await sql`create table hits (worker int, i int)`;
    await Promise.all([...Array(12).keys()].map(async (w) => {
      for (let i = 0; i < 10; i++) await sql`insert into hits values (${w}, ${i})`;
    }));
    eq((await sql`select count(*)::int as n from hits where worker = ${3}`)[0].n, 10, 'prepared insert reused across a pool of 4');
  }, { max: 4, prepare: true }),
};

module.exports = { library, flows };
