'use strict';
// The types of issue 14 for the Node drivers: the SQL type, a value sent as a parameter, and the canonical
// form (eco.norm) of what node-postgres returns for it (TZ=UTC). postgres.js differences are in its flow.
const SETUP = {
  enum: "create type mood as enum ('sad', 'ok', 'happy', 'very happy')",
  domain: 'create domain posint as integer check (value > 0)',
};

const CASES = [
  { name: 'int2', type: 'smallint', value: -32768, pg: 'number:-32768' },
  { name: 'int4', type: 'integer', value: 2147483647, pg: 'number:2147483647' },
  { name: 'int8', type: 'bigint', value: '9223372036854775807', pg: 'string:9223372036854775807' },
  { name: 'numeric_typmod', type: 'numeric(12,4)', value: '-123.4500', pg: 'string:-123.4500' },
  { name: 'numeric', type: 'numeric', value: '-123.4500', pg: 'string:-123.4500' },
  { name: 'float4', type: 'real', value: 1.5, pg: 'number:1.5' },
  { name: 'float8', type: 'double precision', value: 3.141592653589793, pg: 'number:3.141592653589793' },
  { name: 'text', type: 'text', value: 'quote \' dq " bs \\ { } , é', pg: 'string:quote \' dq " bs \\ { } , é' },
  { name: 'varchar', type: 'varchar(20)', value: 'abc', pg: 'string:abc' },
  { name: 'bpchar', type: 'char(5)', value: 'ab', pg: 'string:ab   ' },
  { name: 'bool', type: 'boolean', value: true, pg: 'boolean:true' },
  { name: 'bytea', type: 'bytea', value: Buffer.from([0, 1, 254, 255]), pg: '\\x0001feff' },
  { name: 'date', type: 'date', value: '2024-01-10', pg: '2024-01-10T00:00:00.000Z' },
  { name: 'time', type: 'time', value: '13:45:30.123456', pg: 'string:13:45:30.123456' },
  { name: 'timetz', type: 'timetz', value: '13:45:30.5+02', pg: 'string:13:45:30.5+02' },
  { name: 'timestamp', type: 'timestamp', value: '2024-01-10 13:45:30.123', pg: '2024-01-10T13:45:30.123Z' },
  { name: 'timestamptz', type: 'timestamptz', value: new Date('2024-07-01T06:00:00.250Z'), pg: '2024-07-01T06:00:00.250Z' },
  { name: 'interval', type: 'interval', value: '3 days 04:00:05.5', pg: 'interval:5.5 seconds 4 hours 3 days' },
  { name: 'uuid', type: 'uuid', value: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', pg: 'string:a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' },
  { name: 'json', type: 'json', value: JSON.stringify({ a: [1, 2, { b: null }] }), pg: '{"a":[1,2,{"b":null}]}' },
  { name: 'jsonb', type: 'jsonb', value: JSON.stringify({ a: 1, b: [true, null] }), pg: '{"a":1,"b":[true,null]}' },
  { name: 'jsonb_scalar', type: 'jsonb', value: '42', pg: 'number:42' },
  { name: 'enum', type: 'mood', value: 'very happy', pg: 'string:very happy' },
  { name: 'domain', type: 'posint', value: 7, pg: 'number:7' },
];

// Arrays: the JS array sent as a parameter and what node-postgres returns (NULL elements and quoting).
const ARRAYS = [
  { name: 'int4[]', type: 'integer[]', value: [1, null, -3], pg: '[number:1,null,number:-3]' },
  { name: 'int8[]', type: 'bigint[]', value: ['1', null, '9223372036854775807'], pg: '[string:1,null,string:9223372036854775807]' },
  { name: 'numeric[]', type: 'numeric[]', value: ['1.50', null], pg: '[number:1.5,null]' },
  { name: 'float8[]', type: 'float8[]', value: [1.5, null], pg: '[number:1.5,null]' },
  { name: 'text[]', type: 'text[]', value: ['a,b', 'c"d', 'e\\f', '{x}', 'NULL', null, ' sp ', ''],
    pg: '[string:a,b,string:c"d,string:e\\f,string:{x},string:NULL,null,string: sp ,string:]' },
  { name: 'varchar[]', type: 'varchar(10)[]', value: ['x', null], pg: '[string:x,null]' },
  { name: 'bool[]', type: 'boolean[]', value: [true, null, false], pg: '[boolean:true,null,boolean:false]' },
  { name: 'date[]', type: 'date[]', value: ['2024-01-10', null], pg: '[2024-01-10T00:00:00.000Z,null]' },
  { name: 'timestamptz[]', type: 'timestamptz[]', value: ['2024-07-01 08:00:00+02', null], pg: '[2024-07-01T06:00:00.000Z,null]' },
  { name: 'uuid[]', type: 'uuid[]', value: ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', null], pg: '[string:a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11,null]' },
  { name: 'jsonb[]', type: 'jsonb[]', value: ['{"a":1}', null], pg: '[{"a":1},null]' },
  { name: 'int4[][]', type: 'integer[][]', value: [[1, 2], [3, null]], pg: '[[number:1,number:2],[number:3,null]]' },
  { name: 'bytea[]', type: 'bytea[]', value: [Buffer.from([1, 2]), null], pg: '[\\x0102,null]' },
];

module.exports = { SETUP, CASES, ARRAYS };
