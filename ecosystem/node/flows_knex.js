'use strict'; module.exports = { library: 'knex', flows: {} };
