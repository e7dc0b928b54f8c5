'use strict';
// node-postgres (pg) with pg-cursor: parameterised CRUD, every type and array both ways, prepared (named)
// statements, transactions and savepoints, cursors, errors and their fields, a pool under concurrency.
const { Client, Pool } = require('pg');
const Cursor = require('pg-cursor');
const { version, eq, norm, checkAll } = require('./eco');
const T = require('./typecases');

const library = `pg ${version('pg')} + pg-cursor ${version('pg-cursor')}`;

function cfg(db) {
  return { host: db.host, port: db.port, database: db.dbname, user: db.user, password: db.password, ssl: false };
}

async function withClient(db, fn) {
  const c = new Client(cfg(db));
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const flows = {
  'pg.connect': (db) => withClient(db, async (c) => {
    const r = await c.query('select 1 as one, current_database() as db, current_user as u');
    eq(r.rows[0], { one: 1, db: db.dbname, u: db.user }, 'first query');
    eq(r.fields.map((f) => f.dataTypeID), [23, 19, 19], 'RowDescription OIDs (int4, name, name)');
  }),

  'pg.crud_params': (db) => withClient(db, async (c) => {
    await c.query('create table items (id serial primary key, name text not null, qty int default 0, price numeric(10,2), tags text[])');
    const ins = await c.query('insert into items (name, qty, price, tags) values ($1, $2, $3, $4) returning *', ['widget', 3, '9.90', ['a', 'b']]);
    eq(ins.rows[0], { id: 1, name: 'widget', qty: 3, price: '9.90', tags: ['a', 'b'] }, 'insert returning *');
    await c.query('insert into items (name) values ($1)', ['gadget']);
    const up = await c.query('update items set qty = qty + $1 where name = any($2)', [1, ['widget', 'gadget']]);
    eq(up.rowCount, 2, 'update rowCount with = any($2)');
    const sel = await c.query('select name, qty from items where qty > $1 order by id limit $2', [0, 10]);
    eq(sel.rows, [{ name: 'widget', qty: 4 }, { name: 'gadget', qty: 1 }], 'select with limit $2');
    eq((await c.query('select count(*)::int as n from items where $1 = any(tags)', ['b'])).rows[0].n, 1, '$1 = any(tags)');
    eq((await c.query('delete from items where id = $1', [2])).rowCount, 1, 'delete');
  }),

  'pg.types': (db) => withClient(db, async (c) => {
    await checkAll('types', T.CASES, async (cs) => {
      if (T.SETUP[cs.name]) await c.query(T.SETUP[cs.name]);
      const t = `t_${cs.name}`;
      await c.query(`create table ${t} (id int, v ${cs.type})`);
      await c.query(`insert into ${t} values (1, $1)`, [cs.value]);
      const r = await c.query(`select v from ${t}`);
      eq(norm(r.rows[0].v), cs.pg, 'stored and read back');
      const e = await c.query(`select $1::${cs.type} as v`, [cs.value]);
      eq(norm(e.rows[0].v), cs.pg, 'select $1::type');
    });
  }),

  'pg.arrays': (db) => withClient(db, async (c) => {
    await checkAll('array types', T.ARRAYS, async (cs) => {
      const t = `a_${cs.name.replace(/\W/g, '_')}`;
      await c.query(`create table ${t} (id int, v ${cs.type})`);
      await c.query(`insert into ${t} values (1, $1)`, [cs.value]);
      eq(norm((await c.query(`select v from ${t}`)).rows[0].v), cs.pg, 'stored and read back');
      eq(norm((await c.query(`select $1::${cs.type} as v`, [cs.value])).rows[0].v), cs.pg, 'select $1::type[]');
    });
  }),

  'pg.prepared': (db) => withClient(db, async (c) => {
    await c.query('create table p (id int primary key, name varchar(30))');
    for (let i = 0; i < 10; i++) {
      await c.query({ name: 'ins', text: 'insert into p values ($1, $2)', values: [i, `n${i}`] });
    }
    for (const i of [2, 5, 9]) {
      const r = await c.query({ name: 'sel', text: 'select name from p where id = $1', values: [i] });
      eq(r.rows, [{ name: `n${i}` }], 'named statement reused with new values');
    }
    const arr = await c.query({ text: 'select id from p order by id', rowMode: 'array' });
    eq(arr.rows.length, 10, 'rowMode array');
  }),

  'pg.transactions': (db) => withClient(db, async (c) => {
    await c.query('create table t (v int primary key)');
    await c.query('begin');
    await c.query('insert into t values (1)');
    await c.query('savepoint s1');
    await c.query('insert into t values (2)');
    try {
      await c.query('insert into t values (1)');
      throw new Error('duplicate accepted');
    } catch (e) {
      if (e.code !== '23505') throw e;
    }
    await c.query('rollback to savepoint s1');
    await c.query('insert into t values (3)');
    await c.query('commit');
    eq((await c.query('select array_agg(v order by v) as a from t')).rows[0].a, [1, 3], 'after rollback to savepoint');
    await c.query('begin read only');
    try {
      await c.query('insert into t values (4)');
      throw new Error('insert in a read-only transaction accepted');
    } catch (e) {
      if (e.code !== '25006') throw e;
    }
    await c.query('rollback');
  }),

  'pg.cursor': (db) => withClient(db, async (c) => {
    await c.query("create table big as select g as id, 'v' || g as v from generate_series(1, 1000) g");
    const cur = c.query(new Cursor('select id, v from big where id > $1 order by id', [0]));
    let n = 0;
    let first = null;
    for (;;) {
      const rows = await cur.read(100);
      if (!rows.length) break;
      if (first === null) first = rows[0];
      n += rows.length;
    }
    await cur.close();
    eq(first, { id: 1, v: 'v1' }, 'first row');
    eq(n, 1000, 'rows read in batches');
  }),

  'pg.errors': (db) => withClient(db, async (c) => {
    await c.query('create table customers (id serial primary key, email text not null unique, age int check (age >= 0))');
    await c.query('create table orders (id serial primary key, customer_id int not null references customers(id))');
    await c.query("insert into customers (email, age) values ('a@x', 1)");
    const cases = [
      { name: 'unique', sql: "insert into customers (email, age) values ('a@x', 2)",
        want: { code: '23505', schema: 'public', table: 'customers', constraint: 'customers_email_key', detail: 'Key (email)=(a@x) already exists.' } },
      { name: 'foreign key', sql: 'insert into orders (customer_id) values (42)',
        want: { code: '23503', schema: 'public', table: 'orders', constraint: 'orders_customer_id_fkey',
          detail: 'Key (customer_id)=(42) is not present in table "customers".' } },
      { name: 'not null', sql: 'insert into customers (email) values (null)', want: { code: '23502', table: 'customers', column: 'email' } },
      { name: 'check', sql: "insert into customers (email, age) values ('c@x', -1)", want: { code: '23514', table: 'customers', constraint: 'customers_age_check' } },
      { name: 'syntax', sql: 'selec 1', want: { code: '42601', severity: 'ERROR', position: '1' } },
      { name: 'undefined column', sql: 'select nope from customers', want: { code: '42703', position: '8' } },
    ];
    await checkAll('error cases', cases, async (cs) => {
      try {
        await c.query(cs.sql);
      } catch (e) {
        const got = {};
        for (const k of Object.keys(cs.want)) got[k] = e[k];
        eq(got, cs.want, 'error fields');
        return;
      }
      throw new Error('no error');
    });
  }),

  'pg.pool': async (db) => {
    const pool = new Pool({ ...cfg(db), max: 8 });
    pool.on('error', () => {});
    try {
      await pool.query('create table hits (worker int, i int)');
      await Promise.all([...Array(16).keys()].map(async (w) => {
        for (let i = 0; i < 10; i++) {
          await pool.query('insert into hits values ($1, $2)', [w, i]);
        }
      }));
      const client = await pool.connect();
      try {
        await client.query('begin');
        await client.query('update hits set i = i + 1 where worker = $1', [0]);
        await client.query('commit');
      } finally {
        client.release();
      }
      eq((await pool.query('select count(*)::int as n, sum(i)::int as s from hits')).rows[0], { n: 160, s: 730 }, 'rows');
    } finally {
      await pool.end();
    }
  },

  // LISTEN / NOTIFY: an idle listener is told without sending a query; never a rolled-back NOTIFY.
  'pg.listen_notify': (db) => withClient(db, (listener) => withClient(db, async (notifier) => {
    const got = [];
    listener.on('notification', (m) => got.push([m.channel, m.payload, m.processId]));
    const until = async (n, ms) => {
      const end = Date.now() + ms;
      while (got.length < n && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    };
    await listener.query('LISTEN borealis_events');
    await notifier.query('BEGIN');
    await notifier.query("NOTIFY borealis_events, 'rolled back'");
    await notifier.query('ROLLBACK');
    await notifier.query('BEGIN');
    for (const p of ['order 42 shipped', 'order 42 shipped', 'order 43 shipped']) {
      await notifier.query('select pg_notify($1, $2)', ['borealis_events', p]);
    }
    await notifier.query('COMMIT');
    await until(2, 10000);
    await new Promise((r) => setTimeout(r, 300));
    eq(got, [['borealis_events', 'order 42 shipped', notifier.processID], ['borealis_events', 'order 43 shipped', notifier.processID]],
      'committed notifications, duplicates once, in order, with the notifier\'s pid');
    await listener.query("NOTIFY borealis_events, 'to myself'");
    await until(3, 5000);
    eq(got[2], ['borealis_events', 'to myself', listener.processID], 'own notification');
    await listener.query('UNLISTEN *');
    await notifier.query("NOTIFY borealis_events, 'nobody listens'");
    await new Promise((r) => setTimeout(r, 300));
    eq(got.length, 3, 'after UNLISTEN *');
  })),
};

module.exports = { library, flows };
