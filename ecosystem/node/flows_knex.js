'use strict';
// Knex 3 (on node-postgres): migrations from a temporary directory (createTable, alterTable with a column
// rename, rollback, re-run), columnInfo and hasTable/hasColumn, the query builder (insert returning, joins,
// upsert with onConflict, jsonb), transactions.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { version, eq } = require('./eco');

const library = `knex ${version('knex')} + pg ${version('pg')}`;

function connect(db, extra) {
  const knex = require('knex');
  return knex({
    client: 'pg',
    connection: { host: db.host, port: db.port, database: db.dbname, user: db.user, password: db.password, ssl: false },
    pool: { min: 0, max: 4 },
    ...(extra || {}),
  });
}

const MIGRATIONS = {
  '20240101000000_create_users.js': `
exports.up = (knex) => knex.schema
  .createTable('users', (t) => {
    t.increments('id');
    t.string('user_name', 60).notNullable().unique();
    t.string('email').nullable();
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamps(true, true);
  })
  .createTable('posts', (t) => {
    t.increments('id');
    t.integer('user_id').unsigned().notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('title').notNullable();
    t.jsonb('meta');
    t.decimal('score', 8, 2).defaultTo(0);
    t.index(['user_id', 'title'], 'posts_user_title_idx');
  });
exports.down = (knex) => knex.schema.dropTable('posts').dropTable('users');
`,
  '20240102000000_alter_users.js': `
exports.up = (knex) => knex.schema.alterTable('users', (t) => {
  t.renameColumn('user_name', 'login');
  t.text('bio');
  t.dropColumn('email');
});
exports.down = (knex) => knex.schema.alterTable('users', (t) => {
  t.renameColumn('login', 'user_name');
  t.dropColumn('bio');
  t.string('email');
});
`,
};

function migrationDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eco-knex-'));
  for (const [name, src] of Object.entries(MIGRATIONS)) fs.writeFileSync(path.join(dir, name), src);
  return dir;
}

async function withKnex(db, fn, extra) {
  const k = connect(db, extra);
  try {
    return await fn(k);
  } finally {
    await k.destroy();
  }
}

const flows = {
  'knex.migrations': (db) => {
    const dir = migrationDir();
    return withKnex(db, async (k) => {
      const [batch, applied] = await k.migrate.latest();
      eq([batch, applied.map((f) => path.basename(f))], [1, Object.keys(MIGRATIONS)], 'migrate.latest applies both');
      eq((await k.migrate.latest())[1], [], 'a second migrate.latest applies nothing');
      eq(await k.migrate.currentVersion(), '20240102000000', 'currentVersion');
      const info = await k('users').columnInfo();
      eq(Object.keys(info).sort(), ['active', 'bio', 'created_at', 'id', 'login', 'updated_at'], 'users columns after rename/add/drop');
      eq(info.login, { type: 'character varying', maxLength: 60, nullable: false, defaultValue: null }, 'columnInfo(login)');
      eq(info.active.defaultValue, 'true', 'boolean default');
      eq(info.bio.type, 'text', 'added text column');
      eq(await k.schema.hasColumn('users', 'user_name'), false, 'old column name gone');
      eq(await k.schema.hasTable('posts'), true, 'hasTable');
      const [u] = await k('users').insert({ login: 'ada' }).returning(['id', 'login', 'active']);
      eq(u, { id: 1, login: 'ada', active: true }, 'insert returning on the renamed column');
      await k('users').insert({ login: 'ada' }).then(() => { throw new Error('duplicate login accepted'); },
        (e) => eq(e.code, '23505', 'unique constraint kept through the rename'));
      // rollback the last batch, then everything, then migrate again
      const [, rolled] = await k.migrate.rollback(undefined, true);
      eq(rolled.length, 2, 'rollback all');
      eq(await k.schema.hasTable('users'), false, 'users dropped by rollback');
      eq(await k.migrate.currentVersion(), 'none', 'currentVersion after rollback');
      await k.migrate.latest();
      await k.migrate.down();
      const cols = Object.keys(await k('users').columnInfo()).sort();
      eq(cols, ['active', 'created_at', 'email', 'id', 'updated_at', 'user_name'], 'users columns after migrate.down');
      await k.migrate.up();
      const done = await k('knex_migrations').select('name').orderBy('id');
      eq(done.map((r) => r.name), Object.keys(MIGRATIONS), 'knex_migrations rows');
      const lock = await k('knex_migrations_lock').select('is_locked');
      eq(lock, [{ is_locked: 0 }], 'migration lock released');
    }, { migrations: { directory: dir } }).finally(() => fs.rmSync(dir, { recursive: true, force: true }));
  },

  'knex.queries': (db) => withKnex(db, async (k) => {
    await k.schema.createTable('author', (t) => {
      t.increments('id');
      t.string('name').notNullable().unique();
    });
    await k.schema.createTable('book', (t) => {
      t.increments('id');
      t.integer('author_id').references('author.id');
      t.string('title');
      t.integer('pages');
      t.jsonb('tags').defaultTo('[]');
      t.date('published');
    });
    const ids = await k('author').insert([{ name: 'Le Guin' }, { name: 'Banks' }]).returning('id');
    eq(ids, [{ id: 1 }, { id: 2 }], 'multi-row insert returning');
    await k('book').insert([
      { author_id: 1, title: 'The Dispossessed', pages: 387, tags: JSON.stringify(['sf', 'anarchy']), published: '1974-05-01' },
      { author_id: 1, title: 'Lathe', pages: 184, published: '1971-03-01' },
      { author_id: 2, title: 'Excession', pages: 451, tags: JSON.stringify(['sf', 'culture']), published: '1996-01-01' },
    ]);
    const rows = await k('book as b').join('author as a', 'a.id', 'b.author_id')
      .select('a.name', k.raw('count(*)::int as n'), k.raw('sum(b.pages)::int as pages'))
      .groupBy('a.name').orderBy('a.name');
    eq(rows, [{ name: 'Banks', n: 1, pages: 451 }, { name: 'Le Guin', n: 2, pages: 571 }], 'join, group by');
    eq((await k('book').where('pages', '>', 200).whereIn('author_id', [1, 2]).orderBy('title').pluck('title')),
      ['Excession', 'The Dispossessed'], 'where / whereIn / pluck');
    eq((await k('book').where({ title: 'Lathe' }).first('tags', 'published')), { tags: [], published: new Date('1971-03-01T00:00:00Z') },
      'jsonb default and a date');
    const up = await k('author').insert({ name: 'Banks' }).onConflict('name').merge({ name: 'Iain Banks' }).returning(['id', 'name']);
    eq(up, [{ id: 2, name: 'Iain Banks' }], 'onConflict merge');
    eq(await k('author').insert({ name: 'Le Guin' }).onConflict('name').ignore().returning('id'), [], 'onConflict ignore');
    eq(await k('book').where('id', 2).update({ pages: k.raw('pages + ?', [1]) }), 1, 'update count');
    const page = await k('book').select('id').orderBy('id').limit(2).offset(1);
    eq(page.map((r) => r.id), [2, 3], 'limit/offset');
    // transactions: a failed one leaves nothing behind
    await k.transaction(async (trx) => {
      await trx('author').insert({ name: 'Tmp' });
      throw new Error('abort');
    }).catch((e) => { if (e.message !== 'abort') throw e; });
    eq((await k('author').count('* as n'))[0].n, '2', 'rolled-back transaction');
    await k.transaction(async (trx) => {
      await trx('author').insert({ name: 'Kept' });
      await trx.transaction(async (inner) => {
        await inner('author').insert({ name: 'Savepoint' });
        throw new Error('inner');
      }).catch(() => {});
    });
    eq((await k('author').orderBy('id').pluck('name')), ['Le Guin', 'Iain Banks', 'Kept'], 'nested transaction as a savepoint');
    eq(await k('book').where('author_id', 1).del(), 2, 'delete count');
    // jsonb key existence, in Knex's idiom (\\? is a literal question mark)
    eq((await k('book').whereRaw('tags \\? ?', ['culture']).pluck('title')), ['Excession'], 'jsonb ? operator');
  }),
};

module.exports = { library, flows };
