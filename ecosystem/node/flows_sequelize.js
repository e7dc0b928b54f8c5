'use strict'; module.exports = { library: 'sequelize', flows: {} };
