'use strict';
if (process.argv[2] === 'list') { console.log('@@FLOWS []'); }
