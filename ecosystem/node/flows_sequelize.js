'use strict';
// Sequelize 6 (on node-postgres): sync() and sync({alter: true}) against the live schema, associations
// (hasMany/belongsTo with include), ENUM columns (CREATE TYPE, and altered by sync({alter})), JSONB queries,
// transactions, QueryInterface.describeTable.
const { version, eq } = require('./eco');

const library = `sequelize ${version('sequelize')} + pg ${version('pg')}`;

function connect(db) {
  const { Sequelize } = require('sequelize');
  return new Sequelize(db.dbname, db.user, db.password, {
    host: db.host, port: db.port, dialect: 'postgres', logging: false, pool: { max: 4, min: 0 },
    dialectOptions: { ssl: false },
  });
}

function define(s, opts = {}) {
  const { DataTypes } = require('sequelize');
  const User = s.define('User', {
    name: { type: DataTypes.STRING(60), allowNull: false, unique: true },
    role: { type: DataTypes.ENUM(...(opts.roles || ['admin', 'member'])), allowNull: false, defaultValue: 'member' },
    prefs: { type: DataTypes.JSONB, defaultValue: {} },
    ...(opts.extraUser || {}),
  }, { tableName: 'users' });
  const Post = s.define('Post', {
    title: { type: DataTypes.STRING, allowNull: false },
    body: DataTypes.TEXT,
    status: { type: DataTypes.ENUM('draft', 'published'), defaultValue: 'draft' },
    views: { type: DataTypes.INTEGER, defaultValue: 0 },
  }, { tableName: 'posts', indexes: [{ fields: ['status'] }] });
  User.hasMany(Post, { as: 'posts', foreignKey: { name: 'authorId', allowNull: false }, onDelete: 'CASCADE' });
  Post.belongsTo(User, { as: 'author', foreignKey: { name: 'authorId', allowNull: false } });
  return { User, Post };
}

async function withSequelize(db, fn) {
  const s = connect(db);
  try {
    await s.authenticate();
    return await fn(s);
  } finally {
    await s.close();
  }
}

const flows = {
  'sequelize.sync': (db) => withSequelize(db, async (s) => {
    const { User, Post } = define(s);
    await s.sync();
    await s.sync(); // tables exist: nothing to do
    const qi = s.getQueryInterface();
    eq((await qi.showAllTables()).sort(), ['posts', 'users'], 'tables');
    const cols = await qi.describeTable('posts');
    eq(Object.keys(cols).sort(), ['authorId', 'body', 'createdAt', 'id', 'status', 'title', 'updatedAt', 'views'], 'posts columns');
    eq([cols.status.type, cols.status.special], ['USER-DEFINED', ['draft', 'published']], 'enum column described');
    eq(cols.authorId.allowNull, false, 'FK not null');
    await User.create({ name: 'ada' });
    // sync({alter}) compares the models to the database and alters: a new column, a new ENUM value
    const { DataTypes } = require('sequelize');
    s.modelManager.removeModel(Post);
    s.modelManager.removeModel(User);
    const v2 = define(s, { roles: ['admin', 'member', 'guest'], extraUser: { email: { type: DataTypes.STRING, allowNull: true } } });
    await s.sync({ alter: true });
    const ucols = await qi.describeTable('users');
    eq(Object.keys(ucols).sort(), ['createdAt', 'email', 'id', 'name', 'prefs', 'role', 'updatedAt'], 'users columns after alter');
    eq(ucols.role.special, ['admin', 'member', 'guest'], 'enum values after alter');
    const g = await v2.User.create({ name: 'gus', role: 'guest', email: 'g@example.org' });
    eq([g.role, g.email], ['guest', 'g@example.org'], 'new enum value and column usable');
    eq((await v2.User.findOne({ where: { name: 'ada' } })).role, 'member', 'data kept through alter');
    await s.sync({ alter: true }); // a second alter has nothing to change
    eq(await v2.User.count(), 2, 'rows after the second alter');
    const fks = await qi.getForeignKeyReferencesForTable('posts');
    eq(fks.map((f) => [f.columnName, f.referencedTableName, f.referencedColumnName]), [['authorId', 'users', 'id']], 'FK kept by alter');
  }),

  'sequelize.associations': (db) => withSequelize(db, async (s) => {
    const { Op } = require('sequelize');
    const { User, Post } = define(s);
    await s.sync({ force: true });
    const ada = await User.create({ name: 'ada', role: 'admin', prefs: { theme: 'dark', langs: ['en', 'fr'] } });
    const bob = await User.create({ name: 'bob' });
    await Post.bulkCreate([
      { title: 'first', authorId: ada.id, status: 'published', views: 10 },
      { title: 'second', authorId: ada.id },
      { title: 'third', authorId: bob.id, status: 'published', views: 3 },
    ]);
    const users = await User.findAll({ include: [{ model: Post, as: 'posts' }], order: [['name', 'ASC'], [{ model: Post, as: 'posts' }, 'id', 'ASC']] });
    eq(users.map((u) => [u.name, u.posts.map((p) => p.title)]), [['ada', ['first', 'second']], ['bob', ['third']]], 'hasMany include');
    const posts = await Post.findAll({ where: { status: 'published' }, include: [{ model: User, as: 'author', where: { role: 'admin' } }] });
    eq(posts.map((p) => [p.title, p.author.name]), [['first', 'ada']], 'belongsTo include with where on both');
    eq(await ada.countPosts(), 2, 'association count');
    const p = await ada.createPost({ title: 'fourth' });
    eq([p.authorId, p.status, p.views], [ada.id, 'draft', 0], 'association create with defaults');
    eq((await User.findOne({ where: { 'prefs.theme': 'dark' } })).name, 'ada', 'JSONB path in where');
    eq((await User.findOne({ where: { prefs: { [Op.contains]: { langs: ['fr'] } } } })).name, 'ada', 'JSONB contains');
    const { count, rows } = await Post.findAndCountAll({ where: { views: { [Op.gte]: 0 } }, order: [['id', 'ASC']], limit: 2, offset: 1 });
    eq([count, rows.map((r) => r.title)], [4, ['second', 'third']], 'findAndCountAll with limit/offset');
    const agg = await Post.findAll({ attributes: ['authorId', [s.fn('sum', s.col('views')), 'total']], group: ['authorId'], order: [['authorId', 'ASC']], raw: true });
    eq(agg.map((r) => [r.authorId, Number(r.total)]), [[ada.id, 10], [bob.id, 3]], 'group by with sum');
    // an invalid enum value is refused by the database
    await s.query("insert into posts (title, \"authorId\", status, \"createdAt\", \"updatedAt\") values ('x', 1, 'bogus', now(), now())")
      .then(() => { throw new Error('invalid enum value accepted'); }, (e) => eq(e.parent && e.parent.code, '22P02', 'invalid enum input'));
    // a managed transaction rolls back on error; the FK and unique constraints hold
    await s.transaction(async (t) => {
      await User.create({ name: 'tmp' }, { transaction: t });
      await User.create({ name: 'ada' }, { transaction: t });
    }).then(() => { throw new Error('duplicate name accepted'); }, (e) => eq(e.name, 'SequelizeUniqueConstraintError', 'unique error'));
    eq(await User.count(), 2, 'rolled back');
    await Post.create({ title: 'orphan', authorId: 999 }).then(() => { throw new Error('FK violation accepted'); },
      (e) => eq(e.name, 'SequelizeForeignKeyConstraintError', 'FK error'));
    await ada.destroy();
    eq(await Post.count(), 1, 'ON DELETE CASCADE');
    const [n] = await Post.update({ views: 4 }, { where: { title: 'third' } });
    eq(n, 1, 'update count');
    await Post.increment('views', { by: 2, where: { title: 'third' } });
    eq((await Post.findOne({ where: { title: 'third' } })).views, 6, 'increment');
  }),
};

module.exports = { library, flows };
