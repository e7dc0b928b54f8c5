-- Differential corpus: every statement runs against PostgreSQL 15 and against Borealis, in order,
-- on one connection each (autocommit). Results (column names, rows as text, update counts) and
-- SQLSTATEs must match. Statements are deterministic (no now(), random(), OIDs).

-- ---- schema ----
create table dept(code text primary key, title text not null unique, budget bigint);
create table emp(id int primary key, name varchar(40) not null, dept text references dept(code), salary numeric(10,2),
  hired date, active boolean default true, manager_id int, email varchar(80) unique);
create table audit(id serial primary key, emp_id int, note text, amount numeric(8,2) check (amount >= 0));
create table kv(k text primary key, v int not null default 0);
create table docs(id int primary key, body json);
create table t_types(id int primary key, i2 smallint, i8 bigint, f4 real, f8 double precision, n numeric(12,4),
  b bytea, d date, ts timestamp, tstz timestamptz, t time, u uuid, flag boolean, txt text, vc varchar(10), ch char(3));
create index emp_dept_idx on emp(dept);
create sequence ticket_seq start 100;
create view active_emp as select id, name, dept from emp where active;

-- ---- data ----
insert into dept values ('eng', 'Engineering', 1000000), ('ops', 'Operations', 250000), ('hr', 'People', 120000);
insert into emp values (1, 'Ada', 'eng', 120000.50, '2019-03-01', true, null, 'ada@example.com');
insert into emp values (2, 'Brian', 'eng', 95000, '2020-07-15', true, 1, 'brian@example.com');
insert into emp values (3, 'Chen', 'ops', 70000.25, '2018-01-10', false, 1, 'chen@example.com');
insert into emp values (4, 'Dana', 'ops', 82000, '2021-11-30', true, 3, null);
insert into emp values (5, 'Eve', 'hr', 61000, '2022-05-05', true, 1, 'eve@example.com');
insert into emp values (6, 'Farid', null, null, null, true, null, null);
insert into emp (id, name, dept, salary) values (7, 'Gia', 'eng', 105000), (8, 'Hal', 'eng', 99000.99);
insert into audit(emp_id, note, amount) values (1, 'bonus', 500), (2, 'bonus', 250.5), (1, 'travel', 1200);
insert into kv values ('a', 1), ('b', 2), ('c', 3);
insert into docs values (1, '{"name": "alpha", "tags": ["x", "y"], "n": 3, "nested": {"k": "v"}}');
insert into docs values (2, '{"name": "beta", "n": 5}');
insert into t_types values (1, -5, 9000000000, 1.5, 2.25, 1234.5678, '\x00ff10', '2024-02-29', '2024-02-29 13:14:15.123456',
  '2024-02-29 13:14:15+00', '23:59:58', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', true, 'text value', 'short', 'ab');
insert into t_types (id) values (2);

-- ---- simple selects ----
select 1;
select 1 as one, 'two' as two, 3.5 as three;
select 1 + 2 * 3, (1 + 2) * 3, 7 / 2, 7 % 3, -7 / 2;
select 7.0 / 2, 10::numeric / 4;
select 2 ^ 10;
select 'abc' || 'def', 'x' || 1, 1 || 'y';
select true and false, true or false, not true;
select null is null, 1 is not null, null = null;
select 1 is distinct from null, null is not distinct from null;
select 1 < 2, 2 <= 2, 3 <> 3, 'a' < 'b';
select 5 between 1 and 10, 5 not between 6 and 10;
select 3 in (1, 2, 3), 4 not in (1, 2, 3);
select count(*) from emp;
select count(*) from dept;
select * from dept order by code;
select id, name from emp order by id;
select id, name from emp where dept = 'eng' order by id;
select id, name from emp where salary > 90000 order by salary desc;
select id, name from emp where dept is null;
select id, name from emp where email is null order by id;
select name from emp where name like 'A%';
select name from emp where name ilike 'a%' order by name;
select name from emp where name not like '%a%' order by name;
select name from emp where name ~ '^[A-C]' order by name;
select name from emp where name !~ 'a' order by name;
select name from emp where name ~* '^e' order by name;
select id from emp order by id limit 3;
select id from emp order by id limit 3 offset 2;
select id from emp order by id offset 6;
select id from emp order by id fetch first 2 rows only;
select distinct dept from emp where dept is not null order by dept;
select distinct on (dept) dept, name from emp where dept is not null order by dept, salary desc;
select name, salary from emp order by salary nulls first, id;
select name, salary from emp order by salary desc nulls last, id;
select name from emp order by 1;
select id, name from emp where id = any(array[2, 4, 6]) order by id;
select id, name from emp where active and salary >= 80000 order by id;
select id from emp where not active;

-- ---- aggregates ----
select count(*), count(salary), count(distinct dept) from emp;
select sum(salary), min(salary), max(salary) from emp;
select avg(salary) from emp where dept = 'ops';
select round(avg(salary), 2) from emp;
select dept, count(*) from emp group by dept order by dept nulls last;
select dept, sum(salary) from emp where dept is not null group by dept order by dept;
select dept, count(*) as n from emp group by dept having count(*) > 1 order by dept;
select dept, max(hired) from emp where dept is not null group by dept order by dept;
select string_agg(name, ', ' order by name) from emp where dept = 'eng';
select array_agg(id order by id) from emp where dept = 'ops';
select bool_and(active), bool_or(active) from emp;
select count(*) filter (where active) from emp;
select sum(v) from kv;
select count(*) from emp where salary is null;
select max(name), min(name) from emp;
select sum(amount) from audit;
select emp_id, sum(amount) from audit group by emp_id order by emp_id;

-- ---- joins ----
select e.name, d.title from emp e join dept d on d.code = e.dept order by e.id;
select e.name, d.title from emp e left join dept d on d.code = e.dept order by e.id;
select d.code, count(e.id) from dept d left join emp e on e.dept = d.code group by d.code order by d.code;
select e.name, m.name as manager from emp e left join emp m on m.id = e.manager_id order by e.id;
select e.name from emp e join audit a on a.emp_id = e.id group by e.name order by e.name;
select d.title, e.name from dept d right join emp e on e.dept = d.code order by e.id;
select count(*) from emp cross join dept;
select e.name from emp e where exists (select 1 from audit a where a.emp_id = e.id) order by e.name;
select e.name from emp e where not exists (select 1 from audit a where a.emp_id = e.id) order by e.name;
select name from emp where dept in (select code from dept where budget > 200000) order by name;
select name, (select title from dept where code = emp.dept) from emp order by id;
select name from emp where salary > (select avg(salary) from emp) order by name;
select e.name, d.title from emp e, dept d where e.dept = d.code and d.code = 'hr';
select e.name, d.title from emp e inner join dept d using (id) where false;
select d.code, d.title, x.n from dept d join (select dept, count(*) n from emp group by dept) x on x.dept = d.code order by d.code;

-- ---- set operations, CTEs, windows ----
select code from dept union select dept from emp where dept is not null order by 1;
select code from dept union all select 'eng' order by 1;
select code from dept intersect select dept from emp order by 1;
select code from dept except select dept from emp where dept = 'hr' order by 1;
with rich as (select * from emp where salary > 90000) select name from rich order by name;
with c as (select dept, count(*) n from emp group by dept) select max(n) from c;
with recursive r(n) as (select 1 union all select n + 1 from r where n < 5) select sum(n) from r;
with recursive chain(id, name, depth) as (select id, name, 0 from emp where manager_id is null and id = 1
  union all select e.id, e.name, c.depth + 1 from emp e join chain c on e.manager_id = c.id) select name, depth from chain order by depth, name;
-- LATERAL: one-row subqueries, and subqueries correlated by equalities (top-N per group)
select d.code, x.n from dept d left join lateral (select count(*) as n from emp e where e.dept = d.code) x on true order by 1;
select d.code, x.total from dept d, lateral (select sum(salary) as total from emp where emp.dept = d.code) x order by 1;
select d.code, top from dept d cross join lateral (select max(salary) top from emp where emp.dept = d.code) m order by top desc nulls last, 1;
select d.code, x.name from dept d cross join lateral (select name from emp e where e.dept = d.code order by salary desc, name limit 1) x order by 1;
select d.code, x.name, x.salary from dept d join lateral (select name, salary from emp where emp.dept = d.code and salary > 0
  order by salary desc, name limit 2) x on true order by 1, 3 desc, 2;
select d.code, x.name from dept d left join lateral (select name from emp where emp.dept = d.code order by name offset 1 limit 1) x on true order by 1;
select d.code, x.name from dept d left join lateral (select name from emp where emp.dept = d.code order by name limit 1) x on x.name < 'C' order by 1;
select e.name, t.twice from emp e, lateral (select e.id * 2 as twice) t where e.id < 4 order by 1;
select count(*) from (select d.code from dept d join lateral (select e.id from emp e where e.dept = d.code) x on true) y;
-- LATERAL: stars, outer columns in the select list, other correlation, VALUES
select d.code, x.* from dept d left join lateral (select e.name from emp e where e.dept = d.code order by e.salary desc nulls last, e.name limit 1) x on true order by 1;
select * from dept d, lateral (select d.budget / 1000 as k) g order by d.code;
select d.code, x.name, x.tag from dept d join lateral (select e.name, d.title || '/' || e.name as tag from emp e where e.dept = d.code) x on true order by 1, 2;
select d.code, x.* from dept d left join lateral (select e.name, e.salary - d.budget / 10 as over from emp e where e.salary > d.budget / 10) x on true order by 1, 2;
select d.code, x.name from dept d cross join lateral (select name from emp where salary * 10 > d.budget and hired >= date '2019-01-01') x order by 1, 2;
select d.code, x.name from dept d join lateral (select e.name from emp e where e.salary > d.budget / 12 order by e.salary limit 1) x on true where x.name <> 'Zed' or d.code = '' order by 1;
select d.code, v.* from dept d cross join lateral (values (d.code, 1), (upper(d.title), 2)) as v(label, n) order by 1, 3;
select d.code, v.column1 from dept d, lateral (values (d.budget * 2)) v order by 1;
select d.code, x.name from dept d cross join lateral (select name from emp where extract(year from hired) > d.budget / 1000000 + 2018) x order by 1, 2;
select name from emp order by id offset 2 limit 2;
select d.code, r.name from dept d join (select dept, name, row_number() over (partition by dept order by salary desc, name) as rn
  from emp) r on r.dept = d.code and r.rn = 1 order by 1;
select qualify from (select 1 as qualify) q;
select name, row_number() over (order by id) from emp order by id;
select name, rank() over (order by salary desc) from emp where salary is not null order by salary desc, name;
select name, dense_rank() over (partition by dept order by salary desc) from emp where dept = 'eng' order by 2, name;
select name, sum(salary) over (partition by dept) from emp where dept = 'ops' order by name;
select name, lag(name) over (order by id), lead(name) over (order by id) from emp order by id;
select id, count(*) over () from emp order by id limit 2;
select name, first_value(name) over (partition by dept order by id) from emp where dept is not null order by id;

-- ---- expressions and functions ----
select case when 1 > 2 then 'a' when 2 > 1 then 'b' else 'c' end;
select name, case dept when 'eng' then 'E' when 'ops' then 'O' else '?' end from emp order by id;
select coalesce(null, null, 3), nullif(5, 5), nullif(5, 6);
select greatest(1, 5, 3), least(4, 2, 8), greatest('a', 'c', 'b');
select upper('abc'), lower('ABC'), length('hello'), char_length('héllo');
select substring('abcdef' from 2 for 3), substring('abcdef', 3), substr('abcdef', 2, 2);
select position('c' in 'abcd'), strpos('abcd', 'd');
select replace('banana', 'a', 'o'), translate('abc', 'ab', 'xy');
select trim('  x  '), ltrim('  x'), rtrim('x  '), trim(both 'x' from 'xxaxx');
select lpad('5', 3, '0'), rpad('ab', 5, '.'), left('abcdef', 2), right('abcdef', 2);
select repeat('ab', 3), reverse('abc'), initcap('hello world');
select concat('a', null, 'b', 1), concat_ws('-', 'a', 'b', 'c');
select split_part('a,b,c', ',', 2), split_part('a,b,c', ',', 5);
select md5('hello');
select ascii('A'), chr(66);
select format('%s-%s', 'a', 1), format('%I', 'Weird Name'), format('%L', 'it''s');
select quote_ident('simple'), quote_ident('Needs Quote'), quote_literal('x''y');
select abs(-5), abs(-2.5), sign(-3), sign(4.2);
select round(2.567, 2), round(2.5), round(-2.5), trunc(2.9), trunc(-2.9);
select ceil(1.1), ceiling(-1.1), floor(1.9), floor(-1.1);
select mod(17, 5), 17 % 5, div(17, 5);
select power(2, 8), sqrt(16), cbrt(27);
select exp(0), ln(1), log(100), log10(1000);
select pi() > 3.14, degrees(pi()), radians(180) > 3.14;
select 10 / 3, 10.0 / 3, 10 / 3.0;
select 1::text, '42'::int, '3.5'::numeric, 3.99::int, '1e3'::float8;
select flag::text, (id > 1)::text as gt from t_types order by id;
select cast('2024-01-31' as date), cast(12.5 as int), cast(1 as boolean);
select '2024-02-29'::date + 1, '2024-03-01'::date - 1, '2024-03-01'::date - '2024-02-01'::date;
select date_trunc('month', timestamp '2024-02-29 13:14:15'), date_trunc('year', date '2024-06-01');
select extract(year from date '2024-02-29'), extract(month from timestamp '2024-02-29 13:14:15'), extract(dow from date '2024-02-29');
select date_part('day', date '2024-02-29');
select timestamp '2024-01-01 00:00:00' + interval '1 day', timestamp '2024-01-01 12:00' - interval '90 minutes';
select date '2024-01-31' + interval '1 month';
select interval '1 day' + interval '2 hours', interval '3 hours' * 2;
select '1 day'::interval, '36 hours'::interval, '90 seconds'::interval;
select to_char(date '2024-02-29', 'YYYY-MM-DD'), to_char(1234.5, '9999.99');
select make_date(2024, 2, 29);
select 'infinity'::timestamp, '-infinity'::date, '0044-03-15 BC'::date, '2024-01-10 +00'::date, timestamp '0044-03-15 10:00 BC', 'infinity'::timestamptz;
select isfinite('infinity'::date), isfinite('-infinity'::timestamp), isfinite(date '2024-01-10'), 'infinity'::date > current_date, '-infinity'::timestamptz < now();
create table dt_inf(id int primary key, d date default 'infinity', ts timestamp);
insert into dt_inf values (1, '-infinity', 'infinity'), (2, '0001-01-01 BC', '2020-01-01 10:00');
-- literals naming the current time, compared with what is deterministic about them
select 'now'::timestamp = localtimestamp as a, 'now'::timestamptz = now() as b, date 'today' = current_date as c,
  timestamp 'tomorrow' = current_date + 1 as d, 'yesterday'::date = current_date - 1 as e, timestamp 'today 10:00' - timestamp 'today' as f,
  time 'now' = localtime as g, localtime = localtime(6) as h, current_time = current_time(6) as i;
select 'today'::time;
select char 'c' = char 'c' as t, character 'ab' as b, char 'x' || 'y' as c;
select 'now 10:00'::timestamp;
create table dt_now(id int primary key, d date default 'today', ts timestamp);
insert into dt_now(id, ts) values (1, 'now'), (2, 'tomorrow 12:00');
select id, d = current_date, ts::date = current_date + id - 1 from dt_now order by id;
update dt_now set ts = 'yesterday' where id = 2;
select id, ts = current_date - 1 from dt_now where ts < timestamp 'today' order by id;
insert into dt_inf(id) values (3);
select id, d, ts from dt_inf order by d;
select min(d), max(d), max(ts) from dt_inf;
drop table dt_inf;
select age(timestamp '2024-03-01', timestamp '2024-02-01');
select 'yes'::boolean, 'off'::boolean, 't'::boolean;
select array[1, 2, 3], array['a', 'b'];
select array_length(array[1, 2, 3], 1), array_upper(array[4, 5], 1), cardinality(array[1, 2]);
select (array[10, 20, 30])[2];
select 2 = any(array[1, 2]), 5 = all(array[5, 5]);
select array_position(array['a', 'b', 'c'], 'c');
select string_to_array('a,b,c', ',');
select array_to_string(array[1, 2, 3], '-');
select unnest(array[1, 2, 3]);
select * from generate_series(1, 5);
select x * 2 from generate_series(1, 4) as g(x) order by x;
select sum(x) from generate_series(1, 100) as g(x);
select body->>'name' from docs order by id;
select body->'nested'->>'k' from docs where id = 1;
select (body->>'n')::int + 1 from docs order by id;
select id from docs where body->>'name' = 'beta';
select json_typeof(body) from docs where id = 1;
select body#>>'{nested,k}' from docs where id = 1;
select body from docs order by id;
select '{"x" : 1,  "y": [1, 2]}'::json, json '[1,  2]';
select '{bad'::json;
select current_schema();
select version() like 'PostgreSQL 15%';
select current_setting('standard_conforming_strings');
select pg_typeof(1), pg_typeof('a'::text), pg_typeof(1.5);
select coalesce(max(id), 0) + 1 from emp;
select count(*) from active_emp;
select name from active_emp where dept = 'ops';
select nextval('ticket_seq'), nextval('ticket_seq');
select currval('ticket_seq');
select 'a' = 'a' and 'B' > 'A';
select 0.1 + 0.2 = 0.3, 0.1::float8 + 0.2::float8;
select 1.5::float4, 1e20::float8, 123456789.123::float8;
select 12345678901234567890::numeric * 10;
select -0.0::numeric, 100::numeric(5,2);
create table num_scale(id int primary key, a numeric, c numeric(10,2), arr numeric[]);
insert into num_scale values (1, -123.4500, 1.5, '{1.50,NULL}'), (2, '1.50', 2, array[1.50, -2]), (3, 7.250, 1.555, null);
select id, a, c, arr from num_scale order by id;
select a * 2, a + 1, c * 2, c + a, a / 4 from num_scale order by id;
update num_scale set a = a * 10, c = 3 where id = 3 returning a, c;
select sum(a), sum(c), min(a), max(c), count(distinct a) from num_scale;
select 10::numeric / 4, '1.50'::numeric, numeric '2.10', 1.50 + 1, 1.50 * 2, 1::numeric / 3, 100000::numeric / 3, 0::numeric / 5;
drop table num_scale;
select 'x'::varchar(3), 'abcdef'::varchar(3);
select 'ab'::char(4) || '|';
select E'tab\there', E'new\\nline';
select $$dollar 'quoted'$$;
select U&'\0041BC';
select 'it''s';
select octet_length('héllo'), bit_length('a');
select lower(null), upper(null) is null;
select 5 > null, null and false, null or true;
select to_hex(255), to_hex(16);
select 'abc' similar to 'a%';
select overlay('abcdef' placing 'XY' from 3 for 2);
select starts_with('alphabet', 'alpha');
select gen_random_uuid() is not null;
select length(md5('x')) = 32;
select num_nulls(1, null, 3), num_nonnulls(1, null, 3);
select row_number() over () from (values (1), (2)) v(x) order by 1;
select x, y from (values (1, 'one'), (2, 'two')) as v(x, y) order by x;
values (1, 'a'), (2, 'b');
select * from (select 1 as a) s;
select t.* from (select 1 as a, 2 as b) t;

-- ---- types round trip ----
select i2, i8, f4, f8, n from t_types where id = 1;
select b, d, ts, t from t_types where id = 1;
select u, flag, txt, vc, ch from t_types where id = 1;
select tstz at time zone 'UTC' from t_types where id = 1;
select * from t_types where id = 2;
select i2 + 1, i8 * 2, n * 2, f8 / 2 from t_types where id = 1;
select length(b), encode(b, 'hex') from t_types where id = 1;
select d + 7, extract(year from ts) from t_types where id = 1;
select count(*) from t_types where u = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';
select txt is not null, vc || '!' from t_types where id = 1;

-- ---- DML with counts ----
update emp set salary = salary + 1000 where dept = 'eng';
update emp set active = false where id = 999;
delete from audit where note = 'nothing';
insert into kv values ('d', 4);
insert into kv (k) values ('e');
select k, v from kv order by k;
update kv set v = v * 10 where k in ('a', 'b');
delete from kv where k = 'e';
select k, v from kv order by k;
insert into kv values ('a', 100) on conflict do nothing;
insert into kv values ('a', 100) on conflict (k) do nothing;
insert into kv values ('a', 5) on conflict (k) do update set v = excluded.v;
insert into kv values ('f', 6), ('a', 7) on conflict (k) do update set v = kv.v + excluded.v;
select k, v from kv order by k;
insert into kv values ('g', 7) returning k, v;
update kv set v = v + 1 where k = 'g' returning v;
delete from kv where k = 'g' returning k;
insert into audit(emp_id, note, amount) values (3, 'refund', 10) returning id, note;
-- data-modifying statements in WITH: each runs once, its RETURNING rows read by what follows
with ins as (insert into kv values ('h', 8), ('i', 9) returning k, v) select k, v * 2 as doubled from ins order by k;
with gone as (delete from kv where k in ('h', 'i') returning *) insert into kv select k || '2', v + 100 from gone;
select k, v from kv where k like '_2' order by k;
with up as (update kv set v = -v where k like '_2' returning k), n as (select count(*) as c from up) select c from n;
with d as (delete from kv where k = 'nothing' returning k) select count(*) from d;
with d as (delete from kv where k like '_2') select 1 as done;
select count(*) from kv where k like '_2';
with t as (insert into t_types select 3, i2, i8, f4, f8, n, b, d, ts, tstz, t, u, flag, txt, vc, ch from t_types where id = 1 returning *)
  select i2, i8, f4, f8, n, b, d, ts, t, u, flag, txt, vc, ch from t;
with d as (delete from t_types where id = 3 returning id, n), s as (select sum(n) as total from d) insert into kv select 'sum', total::int from s;
select k, v from kv where k = 'sum';
with src as (select 'w' as k, 1 as v) insert into kv select k, v from src;
with src as (select 'w' as k) update kv set v = 2 from src where kv.k = src.k;
with src as (select 'w' as k) delete from kv using src where kv.k = src.k;
with x as (insert into kv values ('y', 1) returning k) select * from x join nosuch on true;
select count(*) from kv where k = 'y';
update emp set manager_id = 2 where id in (7, 8);
select id, manager_id from emp where id in (7, 8) order by id;
delete from audit where emp_id = 3;
select count(*) from audit;
insert into kv select 'x' || i, i from generate_series(1, 3) as g(i);
select count(*) from kv where k like 'x%';
delete from kv where k like 'x%';
update emp set email = lower(name) || '@corp.test' where email is null;
select id, email from emp order by id;
truncate kv;
select count(*) from kv;
insert into kv values ('z', 26);
truncate table kv restart identity;
select count(*) from kv;

-- ---- transactions ----
begin;
insert into kv values ('t1', 1);
select count(*) from kv;
rollback;
select count(*) from kv;
begin;
insert into kv values ('t2', 2);
commit;
select k from kv;
start transaction;
update kv set v = 20 where k = 't2';
end;
select v from kv where k = 't2';
begin isolation level repeatable read;
select v from kv where k = 't2';
commit;
begin;
insert into kv values ('s1', 1);
savepoint sp1;
insert into kv values ('s2', 2);
rollback to savepoint sp1;
insert into kv values ('s3', 3);
release savepoint sp1;
commit;
select k from kv order by k;
begin;
insert into kv values ('bad', 1);
insert into kv values ('bad', 2);
select 1;
rollback;
select count(*) from kv where k = 'bad';
commit;
rollback;
begin read only;
select count(*) from kv;
commit;

-- ---- settings ----
set application_name = 'differential';
show application_name;
set search_path to public;
show search_path;
set statement_timeout = 0;
show statement_timeout;
set extra_float_digits = 3;
reset extra_float_digits;
show standard_conforming_strings;
show server_encoding;
show client_encoding;
show datestyle;
show transaction isolation level;
set session characteristics as transaction isolation level read committed;
set time zone 'UTC';
show timezone;
set no_such_setting = 1;
show no_such_setting;
discard all;

-- ---- errors: SQLSTATEs must match ----
select * from no_such_table;
select no_such_column from emp;
select emp.nope from emp;
insert into emp values (1, 'Dup', 'eng', 1, null, true, null, null);
insert into emp (id, name, dept) values (50, 'Ghost', 'nope');
insert into emp (id) values (51);
insert into audit(emp_id, note, amount) values (1, 'negative', -5);
insert into dept values ('eng', 'Other', 1);
insert into dept values ('new', 'Engineering', 1);
delete from dept where code = 'hr';
select 1 / 0;
select 1.0 / 0;
select 5 % 0;
select 'abc'::int;
select '2024-13-45'::date;
select 'not a bool'::boolean;
select 32768::smallint;
select 2147483648::int;
select 'toolongvalue'::varchar(3)::text;
insert into t_types (id, vc) values (3, 'this is too long');
selec 1;
select from;
select (1;
select * from emp where;
select nosuchfunction(1);
select upper(1, 2);
select 1 + 'a';
create table dept(code text);
create table bad(id int, id int);
drop table no_such_table;
drop table if exists no_such_table;
drop view no_such_view;
alter table emp add column id int;
select * from emp e join dept d on d.code = e.nope;
insert into kv values (null, 1);
update kv set v = null where k = 't2';
select 1 where 1 = 'x';
begin;
select * from no_such_table;
select 1;
commit;
savepoint outside;
rollback to savepoint nosuch;
prepare p1 as select 1;
execute p1;

-- ---- DDL ----
create table ddl_t(id int primary key, a text);
alter table ddl_t add column b int default 5;
insert into ddl_t(id, a) values (1, 'x');
select id, a, b from ddl_t;
alter table ddl_t rename column a to aa;
select aa from ddl_t;
alter table ddl_t alter column b set not null;
alter table ddl_t drop column b;
select * from ddl_t;
create index ddl_t_aa on ddl_t(aa);
drop index ddl_t_aa;
alter table ddl_t rename to ddl_t2;
select count(*) from ddl_t2;
create table if not exists ddl_t2(id int);
create unlogged table logless(id int) with (fillfactor = 90);
insert into logless values (1);
select * from logless;
drop table logless;
create temporary table scratch(x int);
insert into scratch values (1), (2);
select sum(x) from scratch;
drop table scratch;
create table serials(id serial primary key, note text);
insert into serials(note) values ('a'), ('b') returning id;
insert into serials(note) values ('c') returning *;
create table withts(id int, at timestamptz, during interval);
insert into withts values (1, '2024-01-01 10:00:00+00', '2 days');
select id, during from withts;
comment on table ddl_t2 is 'a comment';
create schema extra;
create table extra.inside(id int);
insert into extra.inside values (7);
select * from extra.inside;
drop table extra.inside;
drop schema extra;
vacuum;
vacuum analyze emp;
analyze dept;
drop view active_emp;
drop table ddl_t2;
drop sequence ticket_seq;
create table ident_t ("id" bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY, name text not null);
create table ident_u (id integer primary key generated always as identity (start with 10), code text unique not null);
insert into ident_t (name) values ('a'), ('b');
insert into ident_u (code) values ('x');
select id, name from ident_t order by id;
select id, code from ident_u;
alter table ident_t rename name to title;
select title from ident_t order by id;
alter table ident_t rename to ident_renamed;
select count(*) from ident_renamed;
drop table ident_renamed;
drop table ident_u;
create table dropc (id int, extra text);
alter table dropc drop column extra cascade;
select * from dropc;
drop table dropc;
select relname from pg_catalog.pg_class where oid = cast('dept' as regclass);
create table defer_p (id int primary key);
create table defer_c (id int primary key, p int references defer_p(id) deferrable initially deferred, q int);
alter table defer_c add constraint defer_c_q_fk foreign key (q) references defer_p (id) deferrable initially immediate;
insert into defer_p values (1);
insert into defer_c values (1, 1, 1);
insert into defer_c values (2, 5, 1);
drop table defer_c;
drop table defer_p;
create table opsx (name varchar(80), body text);
create index opsx_name_like on opsx (name varchar_pattern_ops);
create index opsx_body_like on opsx (body text_pattern_ops, name);
insert into opsx values ('alpha', 'x'), ('beta', 'y');
select name from opsx where name like 'al%';
drop table opsx;

-- ---- arrays in text (issue 14) ----
select '{{1,2},{3,NULL}}'::int4[][] as m, array_ndims('{{1,2},{3,NULL}}'::int[]) as n, '{{a,"b c"},{NULL,d}}'::text[] as t;
select '{inf,-Infinity,NaN,1.5}'::float8[] as d, '{+inf,-inf,nan}'::real[] as r, 'inf'::float8 as s, '-Infinity'::real as u;
create table arr_t (id int primary key, c char(5)[], tm time[], iv interval[], ts timestamp[], d date[], f float8[], m int[][]);
insert into arr_t values (1, '{ab,NULL,abcde}', '{13:45:30.123456,NULL}', '{"3 days 04:00:05.5",-00:01:00}', '{"0001-01-01 00:00:00","2024-01-10 13:45:30.123456"}', '{0001-01-01,2000-02-29}', '{-Infinity,NULL,3.5}', '{{1,2},{3,4}}');
select c, tm, iv, ts, d, f, m from arr_t;
select c::text, iv::text, ts::text, f::text from arr_t;
select count(*) from arr_t where f = '{-Infinity,NULL,3.5}'::double precision[] and iv = '{"3 days 04:00:05.5",-00:01:00}'::interval[];
select m[2][1] as m21, array_length(m, 1), array_length(m, 2), c[1] || '|' from arr_t;
drop table arr_t;

-- ---- jsonb ordering: comparisons and ORDER BY of jsonb expressions ----
create table jsonb_ord (id int primary key, doc jsonb);
insert into jsonb_ord values (1, '{"n": 80, "s": "b"}'), (2, '{"n": 100, "s": "abc"}'), (3, '{"n": 9.5}'), (4, '[]'), (5, '{"n": "x"}'), (6, null), (7, '{"n": null}'), (8, '{"n": [1]}'), (9, '{"n": true}'), (10, '{"n": {}}');
select id from jsonb_ord where (doc -> 'n') > '90'::jsonb order by id;
select id from jsonb_ord where doc -> 'n' >= '9.50'::jsonb and doc -> 'n' < '100'::jsonb order by id;
select id from jsonb_ord where doc -> 'n' = '9.50'::jsonb;
select id from jsonb_ord where doc #> '{s}' < '"abc"'::jsonb or doc #> '{s}' <> '"b"'::jsonb order by id;
select id from jsonb_ord where doc = '{"s": "b", "n": 80}'::jsonb;
select id, doc -> 'n' as n from jsonb_ord order by doc -> 'n', id;
select id from jsonb_ord order by (doc -> 'n') desc nulls last, id;
select id, row_number() over (order by doc -> 'n' desc, id) as r from jsonb_ord order by id;
select '[]'::jsonb < 'null'::jsonb as a, '[1]'::jsonb > '5'::jsonb as b, '{}'::jsonb > '[1,2,3]'::jsonb as c, 'true'::jsonb > '1'::jsonb as d, '1.0'::jsonb = '1'::jsonb as e;
select '{"b":1,"a":2}'::jsonb = '{"a":2,"b":1}'::jsonb as a, '{"a":1,"b":2}'::jsonb > '{"c":1}'::jsonb as b, '{"aa":1}'::jsonb > '{"b":1}'::jsonb as c, '[1,[2]]'::jsonb > '[1,3]'::jsonb as d, '[[]]'::jsonb < '[1]'::jsonb as e;
select id, doc -> 'n' as n from jsonb_ord order by 2 desc, id;
select id, doc -> 'n' as n from jsonb_ord order by n, id;
select id from jsonb_ord where doc -> 'n' not between '9'::jsonb and '90'::jsonb order by id;
select id from jsonb_ord where doc -> 'n' > 90;
select '1'::jsonb < '2'::json;
drop table jsonb_ord;

-- ---- partial indexes: a unique one over the rows its predicate holds for ----
create table soft_users (id int primary key, email text not null, deleted_at date, logins int default 0);
create unique index soft_users_email_live on soft_users (email) where deleted_at is null;
create index soft_users_deleted on soft_users (deleted_at) where deleted_at is not null;
insert into soft_users values (1, 'a@x', null, 0), (2, 'a@x', '2024-01-01', 0), (3, 'a@x', '2024-02-01', 0);
insert into soft_users values (4, 'a@x', null, 0);
insert into soft_users (id, email) values (5, 'b@x');
update soft_users set deleted_at = null where id = 2;
update soft_users set deleted_at = '2024-03-01' where id = 1;
update soft_users set deleted_at = null where id = 2;
insert into soft_users (id, email) values (6, 'a@x') on conflict (email) where deleted_at is null do update set logins = soft_users.logins + 1;
insert into soft_users (id, email) values (7, 'c@x') on conflict (email) where deleted_at is null do nothing;
select * from soft_users order by id;
select attname from pg_attribute where attrelid = 'soft_users'::regclass and attnum > 0 order by attnum;
select column_name from information_schema.columns where table_name = 'soft_users' order by ordinal_position;
select indexname from pg_indexes where tablename = 'soft_users' order by indexname;
create unique index soft_users_dup on soft_users (email) where deleted_at is not null;
drop index soft_users_email_live;
insert into soft_users values (8, 'a@x', null, 0);
select count(*) from soft_users where email = 'a@x';
drop table soft_users;
create table arr_contain (id int primary key, tags text[], nums int[]);
insert into arr_contain values (1, '{a,b}', '{1,2,3}'), (2, '{b}', '{}'), (3, null, '{NULL}'), (4, '{c,a}', '{2,2}');
select id from arr_contain where tags @> '{b}' order by id;
select id from arr_contain where tags @> array['a'] order by id;
select id from arr_contain where nums <@ '{1,2,3,4}' order by id;
select id from arr_contain where nums @> '{NULL}' order by id;
select id from arr_contain where '{2}' <@ nums order by id;
select id, nums @> '{}' as all_have_empty from arr_contain order by id;
drop table arr_contain;
set enable_seqscan = off;
show enable_seqscan;
set enable_hashagg to 'fals';
show enable_hashagg;
set enable_sort = 'maybe';
reset enable_seqscan;
show enable_seqscan;
show jit_above_cost;
set max_parallel_workers_per_gather = 0;
show max_parallel_workers_per_gather;
select 'inf'::float8 as a, '-INF'::float8 as b, ' NaN '::float8 as c, float8 'infinity' as d, cast('-infinity' as real) as e;
create table fl_sp (id int primary key, f float8, r real);
insert into fl_sp values (1, 'inf', '-inf'), (2, 'nan', 'NaN'), (3, '1.5', '2.5');
select * from fl_sp order by id;
select id from fl_sp where f = 'infinity' order by id;
drop table fl_sp;
-- the session's TimeZone: a timestamptz shown in it, a timestamp without zone read in it
set timezone = 'america/new_york';
show timezone;
select tstz from t_types where id = 1;
select '2024-07-01 00:00'::timestamptz as summer, '2024-01-15 12:00:00.5'::timestamptz as winter;
select '2024-07-01 00:00+00'::timestamptz::timestamp as local;
select '2024-07-01 10:00'::timestamp::timestamptz as zoned;
set time zone -7;
show timezone;
select tstz from t_types where id = 1;
set time zone interval '+05:30' hour to minute;
show timezone;
select tstz from t_types where id = 1;
set timezone = 'UTC+3';
select tstz from t_types where id = 1;
set timezone to 'Asia/Kathmandu';
select tstz from t_types where id = 1;
set timezone = 'no/such_zone';
set time zone 'UTC';
select tstz from t_types where id = 1;
-- json set-returning functions: in FROM, lateral over a column, in the select list
select * from jsonb_each('{"b":1,"a":[1,2],"aa":null}'::jsonb);
select * from jsonb_each_text('{"b":1,"a":"x","c":null}'::jsonb);
select * from json_each('{"z":1,"y":{"q":2}}'::json);
select * from jsonb_array_elements('[1,"a",{"b":2},null]'::jsonb);
select * from jsonb_array_elements_text('[1,"a",null]'::jsonb);
select * from jsonb_object_keys('{"b":1,"a":2,"aa":3}'::jsonb) k;
select jsonb_array_elements('[1,2]'::jsonb) as e, 'x' as tag;
select jsonb_object_keys('{"b":1,"a":2}'::jsonb);
create table jsrf(id int primary key, doc jsonb);
insert into jsrf values (1, '{"b":1,"a":[1,2]}'), (2, '{}'), (3, null), (4, '{"k":"v"}');
select id, k, v from jsrf, jsonb_each(jsrf.doc) as x(k, v) order by 1, 2;
select jsrf.id, x.key from jsrf cross join lateral jsonb_each_text(jsrf.doc) x order by 1, 2;
select id, e.value from jsrf, jsonb_array_elements(jsrf.doc -> 'a') e order by 1, 2;
select id, e from jsrf, jsonb_array_elements_text(jsrf.doc -> 'a') e order by 1, 2;
select id, count(k) from jsrf left join lateral jsonb_object_keys(jsrf.doc) k on true group by id order by 1;
select * from jsonb_array_elements('{"a":1}'::jsonb);
select * from jsonb_each('[1]'::jsonb);
drop table jsrf;
select '{"a":[1,2],"b":{"d":1,"c":2}}'::jsonb ->> 'a' as arr, '{"a":[1,2],"b":{"d":1,"c":2}}'::jsonb #>> '{b}' as obj;
select jsonb_object_agg(k, v) from (values ('b', 1), ('a', 2)) t(k, v);
select json_object_agg(k, v) from (values ('b', 1), ('a', null)) t(k, v);
select g, jsonb_object_agg(k, v) from (values (1, 'x', 'p'), (1, 'y', 'q'), (2, 'z', 'r')) t(g, k, v) group by g order by g;
select jsonb_object_agg(k, v) from (values ('a', '{"n":1}'::jsonb)) t(k, v);
select jsonb_object_agg(k, v) from (values ('a', 1)) t(k, v) where false;
select json_agg(x) from (values (1), (null), (2)) v(x);
select jsonb_agg(x order by x desc) from (values (1), (null), (2)) v(x);
select json_agg(x) from (values (1)) v(x) where false;
select jsonb_agg(jsonb_build_object('a', id) order by id) filter (where id > 1) from (values (1), (2), (3)) v(id);
-- a FROM item as a JSON value
select row_to_json(r) from (select 1 as a, 'b' as c) r;
select json_agg(t order by t.a) from (select 2 as a, 'y' as b union all select 1, 'x') t;
select to_jsonb(t) from (select 1 as a, null::text as b) t;
select d.code, (select json_agg(e order by e.id) from (select id, name, dept from emp) e where e.dept = d.code) from dept d order by 1;
create table rv(id int primary key, name text, score numeric(5,2));
insert into rv values (1, 'a', 1.50), (2, null, 2.25);
select row_to_json(rv) from rv order by id;
select json_agg(x order by x.id) from rv x;
select jsonb_agg(x order by x.id desc) from rv x;
drop table rv;
-- generate_series over a column of an earlier FROM item (lateral)
create table gs(id int primary key, n int, d date, t timestamp);
insert into gs values (1, 3, '2024-01-30', '2024-01-01 00:00'), (2, 0, '2024-02-01', '2024-01-01 12:00'), (3, 1, null, null);
select gs.id, g from gs, generate_series(1, gs.n) g order by 1, 2;
select gs.id, g from gs cross join lateral generate_series(gs.n, 1, -1) as g order by 1, 2 desc;
select gs.id, x from gs left join lateral generate_series(1, gs.n) x on true order by 1, 2;
select gs.id, s from gs, generate_series(gs.t, gs.t + interval '3 hours', interval '90 minutes') s order by 1, 2;
select gs.id, s::date from gs, generate_series(gs.d, gs.d + 2, interval '1 day') s order by 1, 2;
select gs.id, g, o from gs, generate_series(1, gs.n) with ordinality as z(g, o) order by 1, 2;
drop table gs;
select concat('one') as a, concat(null) as b, concat('a', null, 2) as c;
-- ON CONFLICT ON CONSTRAINT: the constraint's columns are the arbiter
create table occ(id int primary key, email text constraint occ_email_key unique, n int);
insert into occ values (1, 'a@x', 1);
insert into occ values (2, 'a@x', 5) on conflict on constraint occ_email_key do update set n = occ.n + excluded.n returning id, n;
insert into occ values (1, 'b@x', 7) on conflict on constraint occ_pkey do nothing;
insert into occ values (3, 'c@x', 1) on conflict on constraint no_such_constraint do nothing;
select id, email, n from occ order by id;
drop table occ;
-- interval input as PostgreSQL decodes it: fractions spill into the next unit, out-of-range fields are errors
select interval '0.5 weeks', interval '1.5 years', interval '0.1 months', interval '1 2:03:04', '5min'::interval, interval 'P1DT2H';
select interval '2147483647 days', interval '9223372036854775807 microseconds';
select interval '2147483648 days';
select '2562047789 hours'::interval;
select interval '2147483647 years';
select concat_ws('#', 'one'), concat_ws(',', 'a', null, 'b');
-- weeks are ISO weeks (from Monday), whatever the JVM's locale
select date_trunc('week', timestamp '2004-02-29 15:44:17'), date_trunc('WEEK', timestamp '2004-03-01 00:00:01'), extract(week from date '2004-02-29'), date_part('week', date '2005-01-01'), extract(week from timestamp '2008-12-29 10:00');
-- a CTE named like a table is the CTE wherever it is visible (H2 read the table); WITH RECURSIVE without a column list
create table cte_orders(id int primary key, amount int);
insert into cte_orders values (1, 10), (2, 20), (3, 30);
with cte_orders as (select * from cte_orders where amount > 15) select count(*), sum(cte_orders.amount) from cte_orders;
with cte_orders as (select id, amount * 2 as amount from cte_orders) select o.id, o.amount, cte_orders.amount from cte_orders join cte_orders o on o.id = cte_orders.id order by 1;
select (with cte_orders as (select 1 as id) select count(*) from cte_orders), (select count(*) from cte_orders);
with recursive cte_orders(n) as (select 1 union all select n + 1 from cte_orders where n < 5) select sum(n) from cte_orders;
with recursive tree as (select 1 as id, 0 as depth union all select id + 1, depth + 1 from tree where id < 4) select * from tree order by id;
create table cte_nodes(id int primary key, parent_id int);
insert into cte_nodes values (1, null), (2, 1), (3, 1), (4, 2);
with recursive tree as (select id, parent_id, 1 as depth from cte_nodes where parent_id is null union all select n.id, n.parent_id, tree.depth + 1 from cte_nodes n join tree on n.parent_id = tree.id) select * from tree order by id;
with recursive path(id, trail) as (select id, id::text from cte_nodes where parent_id is null union all select n.id, path.trail || '>' || n.id from cte_nodes n, path where n.parent_id = path.id) select * from path order by id;
drop table cte_nodes;
drop table cte_orders;
-- a function refusing its arguments is a data exception (22xxx), not an internal error
select split_part('joeuser@mydatabase', '@', 0);
select json_array_length('4');
select jsonb_array_length('{"f1": 1}');
select json_build_object(null, 2);
select jsonb_build_object(null, 'a');
select json_build_object('a', 1, 'b');
select jsonb_build_object('a', 'x : y', 'b', 'z'), json_build_object('a', 'x : y');
select make_date(2013, 2, 30);
select div('0'::numeric, '0');
select jsonb_build_object('b', 1, 'a', 2, 'b', 3);
-- CREATE TABLE AS completes as PostgreSQL's does: SELECT n, or CREATE TABLE AS with no data
create table ctas_a as select generate_series(1, 3) as g;
create table ctas_b as select 1 as one with no data;
create temp table ctas_c(x) as values (1), (2);
create table ctas_d as table ctas_a;
create table "CtasE" as select g from ctas_a where g > 1;
select count(*) from ctas_b;
drop table ctas_a, ctas_b, ctas_c, ctas_d, "CtasE";

-- ---- literals compared with date/time columns take the column's type ----
create table validity(id int primary key, valid_from date, valid_to date, seen timestamp, seen_tz timestamptz, label text);
insert into validity values (1, '2020-01-01', 'infinity', 'epoch', '-infinity', 'infinity'), (2, '-infinity', '2024-06-30', '2024-01-01 10:00', '2024-01-01 10:00+00', 'x');
select id from validity where valid_to = 'infinity';
select id from validity where 'infinity' = valid_to;
select v.id from validity v where v.valid_from > '-infinity' and v.valid_to < 'infinity';
select id from validity where seen = 'epoch' or seen_tz = '-infinity' order by id;
select id from validity where valid_from between '-infinity' and 'January 8, 2021' order by id;
select id from validity where valid_to not between '2000-01-01' and 'infinity' order by id;
select count(*) filter (where valid_to = 'infinity') from validity;
select id from validity where label = 'infinity';
update validity set label = 'open' where valid_to = 'infinity';
delete from validity where valid_from = '-infinity';
select id, label from validity order by id;
drop table validity;
-- ---- INSERT without a column list and fewer values: the rest take their defaults ----
create table short_rows(id int primary key, name text default 'none', n int default 7, d date);
insert into short_rows values (1);
insert into short_rows values (2, 'b'), (3, 'c');
insert into short_rows values (4, 'd', 1, '2024-01-01');
insert into short_rows values (5, 'e', 2, '2024-01-01', 9);
insert into short_rows values (6), (7, 'x');
insert into short_rows values (8) on conflict (id) do nothing;
insert into short_rows values (9) returning *;
insert into short_rows as s values (10, 'k') on conflict (id) do update set name = s.name || excluded.name;
insert into short_rows as s values (10, 'k') on conflict (id) do update set name = s.name || excluded.name;
select * from short_rows order by id;
drop table short_rows;
-- ---- to_char as PostgreSQL formats (C locale): dates, times, numbers, intervals ----
select to_char(timestamp '2024-03-05 14:07:09.123', 'YYYY-MM-DD HH24:MI:SS');
select to_char(timestamp '2024-03-05 14:07:09.123', 'DD/MM/YYYY HH12:MI AM');
select to_char(timestamp '2024-03-05 14:07:09.123', 'Mon DD, YYYY');
select to_char(timestamp '2024-03-05 14:07:09.123', 'Month DD YYYY');
select to_char(timestamp '2024-03-05 14:07:09.123', 'FMMonth FMDD, YYYY');
select to_char(timestamp '2024-03-05 14:07:09.123', 'Day, DDth Mon YYYY');
select to_char(timestamp '2024-03-05 14:07:09.123', 'YYYY-"W"IW');
select to_char(timestamp '2024-03-05 14:07:09.123', 'Q YYYY DDD D');
select to_char(timestamp '2024-03-05 14:07:09.123', 'HH24:MI:SS.MS US');
select to_char(date '2024-03-05', 'YYYYMMDD');
select to_char(timestamptz '2024-03-05 14:07:09+00', 'YYYY-MM-DD"T"HH24:MI:SSOF');
select to_char(1234567.891, '9,999,999.99');
select to_char(1234567.891, 'FM9,999,999.00');
select to_char(-12.5, '999.99');
select to_char(0.5, '0.99');
select to_char(42, '000000');
select to_char(1234.5, 'L9999.99');
select to_char(12, '99th');
select to_char(-485, '999S');
select to_char(-485, 'MI999');
select to_char(485, 'PL999');
select to_char(1234567, '9G999G999');
select to_char(3.14159, '9D999');
select to_char(interval '3 hours 20 minutes', 'HH24:MI');
select to_char(12345.678, 'FM99999');
select to_char(0.001, 'FM0.000');
select to_char(v, '9999999999999999.999999999999999PR') from (values (4567890123456789::numeric), (-4567890123456789), (123), (-0.5)) t(v);
select to_char(v, 'FM9999999999999999.999999999999999PR') from (values (4567890123456789::numeric), (-4567890123456789), (123.45), (0)) t(v);
select to_char(v, 'SG9999999999999999.999999999999999th') from (values (4567890123456789::numeric), (-123), (0)) t(v);
select to_char(v, '0999999999999999.999999999999999') from (values (4567890123456789::numeric), (-123), (0)) t(v);
select to_char(v, 'S0999999999999999.999999999999999') from (values (123::numeric), (-123)) t(v);
select to_char(v, 'FM0999999999999999.999999999999999') from (values (123.5::numeric), (-123)) t(v);
select to_char(v, '9.999EEEE') from (values (1234.5::numeric)) t(v);
select to_char(v, 'FM9.99') from (values (1::numeric), (1.5), (0.25)) t(v);
select to_char(v, '999') from (values (-1::int), (1234), (0)) t(v);
select to_char(v, 'FM999MI') from (values (-7::int), (7)) t(v);
select to_char(1.5::float8, '9.9'), to_char(2::int8, '99'), to_char(-0.001, 'FM9.99');
select to_char(timestamp '0001-03-05 01:02:03', 'YYYY BC Y,YYY yyyy cc IYYY IW ID IDDD W WW J');
select to_char(timestamp '2024-12-30 23:59:59', 'IYYY-IW-ID hh am a.m. Mon mon MON month DAY dy rm RM');
select to_char(timestamp '2024-01-01 00:00:00', 'HH12 HH PM SSSS SSSSS FF3 FF6 TH DDTH DDth MMth');
select to_char(interval '-3 hours', 'HH24:MI:SS');
set timezone = 'America/New_York';
select to_char(timestamptz '2024-07-01 12:00:00+00', 'YYYY-MM-DD HH24:MI TZ TZH:TZM OF');
select to_char(timestamptz '2024-01-01 12:00:00+00', 'YYYY-MM-DD HH24:MI tz');
set timezone = 'Asia/Kolkata';
select to_char(timestamptz '2024-07-01 12:00:00+00', 'HH24:MI TZ OF TZH TZM');
set time zone 'UTC';
select to_char(v * -1, '9999999999999999S'), to_char(v * -1, 'S9999999999999999'), to_char(v, 'S9999'), to_char(v, 'FMS9999') from (values (456::int8), (4567890123456789)) t(v);
select to_char(v, 'S 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 . 9 9 9') from (values (456::int8), (4567890123456789), (-123)) t(v);
select to_char(v, E'99999 "text" 9999 "9999" 999 "\\"text between quote marks\\"" 9999') from (values (456::int8), (4567890123456789)) t(v);
select to_char(v, 'SG9999'), to_char(v, '9999SG') from (values (12::int), (-12)) t(v);
-- ---- count(t.*) counts the rows of t that exist: 0 for a LEFT JOIN's row without a match ----
create table ca(id int primary key);
create table cb(id int primary key, a_id int, note text);
create table cn(a_id int, note text);
create view vb as select * from cb;
insert into ca values (1), (2), (3);
insert into cb values (10, 1, 'x'), (11, 1, null), (12, 2, null);
insert into cb (id, a_id) values (13, null);
insert into cn values (1, null), (1, 'y');
select ca.id, count(n.*) from ca left join cn n on n.a_id = ca.id group by ca.id order by 1;
select ca.id, count(cb.*) from ca left join cb on cb.a_id = ca.id group by ca.id order by 1;
select ca.id, count(b.*) from ca left join public.cb as b on b.a_id = ca.id group by ca.id order by 1;
select ca.id, count(v.*) from ca left join vb v on v.a_id = ca.id group by ca.id order by 1;
select ca.id, count(cb.*), count(*) from ca, cb where cb.a_id = ca.id group by ca.id order by 1;
select count(cb.*) from cb;
select ca.id, (select count(cb.*) from cb where cb.a_id = ca.id) from ca order by 1;
drop view vb;
drop table ca, cb, cn;

-- ---- LATERAL: a select without FROM but with WHERE may have no row; HAVING too ----
create table lat_i4(f1 int);
insert into lat_i4 values (0), (123456), (-123456), (2147483647), (-2147483647);
select * from (select f1/2 as x from lat_i4) ss1 join lat_i4 on x = f1, lateral (select x) ss2(y);
select * from (select 0 as val0) as ss0 left join (select 1 as val) as ss1 on true left join lateral (select ss1.val as val_filtered where false) as ss2 on true;
select lat_i4.f1, s.v from lat_i4 cross join lateral (select lat_i4.f1 / 2 as v where lat_i4.f1 > 0) s order by 1;
select lat_i4.f1, s.v from lat_i4 left join lateral (select lat_i4.f1 / 2 as v where lat_i4.f1 > 0) s on true order by 1;
select lat_i4.f1, s.m from lat_i4 cross join lateral (select max(x.f1) as m from lat_i4 x where x.f1 < lat_i4.f1 having count(*) > 1) s order by 1;
drop table lat_i4;
-- ---- WITH RECURSIVE without an end, read up to a LIMIT ----
WITH RECURSIVE t(n) AS (VALUES (1) UNION ALL SELECT n+1 FROM t) SELECT * FROM t LIMIT 10;
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM t) SELECT n * 2 FROM t LIMIT 5 OFFSET 2;
WITH RECURSIVE fib(a, b) AS (SELECT 0::bigint, 1::bigint UNION ALL SELECT b, a + b FROM fib WHERE a < 1000000000) SELECT * FROM fib LIMIT 12;
WITH RECURSIVE t(n, s) AS (VALUES (1, 'a'), (2, 'b') UNION ALL SELECT n + 2, s || 'x' FROM t) SELECT * FROM t LIMIT 7;
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM t WHERE n < 3) SELECT * FROM t LIMIT 10;
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM t WHERE n < 5 OR n > 100) SELECT t.* FROM t LIMIT 4;
-- ---- a recursive CTE must be non-recursive UNION [ALL] recursive (42P19) ----
WITH RECURSIVE x(n) AS (SELECT 1 INTERSECT ALL SELECT n+1 FROM x) SELECT * FROM x;
WITH RECURSIVE x(n) AS (SELECT 1 EXCEPT ALL SELECT n+1 FROM x) SELECT * FROM x;
WITH RECURSIVE a(n) AS (SELECT 1 EXCEPT SELECT 2), b(m) AS (SELECT n FROM a UNION ALL SELECT m + 1 FROM b WHERE m < 3) SELECT * FROM b;
WITH RECURSIVE x(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM x WHERE n < 3) SELECT * FROM x;
-- ---- window calls: refused where PostgreSQL refuses them (before anything runs), frames ignored where unused ----
create table win_e(empno int, salary int);
insert into win_e values (1, 10), (2, 20), (3, 30), (4, 40);
delete from win_e returning rank() over (order by salary);
select count(*) from win_e;
select * from win_e where row_number() over (order by salary) < 10;
select * from win_e inner join win_e e2 on row_number() over (order by win_e.salary) < 10;
select count(*) from win_e group by row_number() over ();
select count(*) from win_e having sum(salary) > row_number() over ();
select * from win_e where empno in (select row_number() over (order by empno) from win_e where empno < 3) order by 1;
select * from (select empno, row_number() over (order by empno) rn from win_e) s where 2 >= rn order by 1;
select salary, lead(salary) over (order by salary range between 10 preceding and 10 following), lag(salary) over (order by salary rows between 1 preceding and 1 following) from win_e order by 1;
select salary, ntile(2) over (order by salary rows between 1 preceding and 1 following), rank() over (order by salary groups between 1 preceding and current row) from win_e order by 1;
select salary, first_value(salary) over (order by salary rows between 1 following and 2 following) from win_e order by 1;
drop table win_e;
-- ---- IS [NOT] DISTINCT FROM is an operator, not the start of a FROM clause ----
select f, f is distinct from 2 as "not 2", f is not distinct from 3 three from (values (1), (2), (null::int)) v(f) order by 1;
select 1 is distinct from 2 as d, 2 is not distinct from null;
-- ---- SIMILAR TO and SUBSTRING ... SIMILAR ----
select 'abcdefg' similar to '_bcd%' as t, 'abcdefg' similar to 'bcd%' as f, 'abcd%' similar to '_bcd#%' escape '#' as t2;
select 'abcd\efg' similar to '_bcd\%' escape '' as t, 'abcdefg' similar to '_bcd%' escape null as n;
select 'abcdefg' similar to '_bcd#%' escape '##';
select 'ab' not similar to 'a%' as f, 'x' || 'y' similar to 'x' || '%' and 'q' similar to '(p|q)' as t;
select 'a' || chr(10) || 'b' similar to 'a%b' as newline, 'abc' || chr(10) similar to 'abc' as trailing_newline;
select 'ab3' similar to '%[[:digit:]]', ']x' similar to '[]]x', 'x' similar to '[^]]';
select substring('abcdefg' similar 'a#"(b_d)#"%' escape '#') as bcd, substring('abcdefg' similar 'a*#"%#"g*' escape '#') as abcdefg;
select substring('abcdefg' similar 'a|b#"%#"g' escape '#'), substring('abcdefg' similar 'a#"%g' escape '#'), substring('abcdefg' similar 'a%g' escape '#');
select substring('abcdefg' similar '#"(b_d)#"%' escape '#') is null, substring('abcdefg' similar '%' escape null) is null;
select substring('abcdefg' similar 'a*#"%#"g*#"x' escape '#');
select substring('abcdefg' from 'a#"%#"g' for '#'), substring('abcdefg' from 2 for 3), substring('abcdef' from 'c.e'), substring('abcdef' from 'b(.*)f');
select similar_to_escape('a#"(b_d)#"%', '#'), similar_to_escape('_[_[:alpha:]_]_'), similar_escape('a%', null);
-- ---- array slices and nested array constructors ----
select (array[1,2,3,4])[2:3], (array[1,2,3,4])[:2], (array[1,2,3,4])[3:], (array[1,2,3,4])[5:9], (array[1,2,3,4])[0:2];
select (array[1,2,3,4])[null:2] is null, array[[1,2],[3,4]], (array[[1,2],[3,4]])[1][2], (array[[1,2],[3,4]])[2:2];
create table arr_s (id int, a int[], b text[]);
insert into arr_s values (1, '{1,2,3,4,5}', '{a,b,c}'), (2, '{}', null);
select id, a[2:3], b[2:], arr_s.a[1:1], a[4:2] from arr_s order by id;
drop table arr_s;
-- ---- SQL/JSON path: @?, @@ and the jsonb_path functions, lax and strict ----
create table jp_t (id int, j jsonb);
insert into jp_t values (1, '{"wait":null, "age":25, "public":true, "array":["foo","bar"]}'), (2, '{"wait":"CC", "public":true, "age":25.0}'), (3, '{"array":["baz"], "disabled":false}'), (4, '[1,2,{"a":3}]'), (5, '"str"');
select id, j @@ '$.wait == null', j @@ '"CC" == $.wait', j @@ '$.wait == "CC" && true == $.public', j @@ '$.age == 25' from jp_t order by id;
select id, j @@ 'exists($)', j @@ 'exists($.public) || exists($.disabled)', j @@ '$.array[*] == "bar"', j @@ 'exists($.array ? (@[*] == "bar"))' from jp_t order by id;
select id, j @? '$.wait ? (@ == null)', j @? '$ ? (@.wait == "CC" && true == @.public)', j @? '$.age ? (@ == 25)', j @? '$.bar', j @? '$.array[*] ? (@ == "bar")' from jp_t order by id;
select id, jsonb_path_query_array(j, '$.**'), jsonb_path_query_first(j, '$[*]') from jp_t order by id;
select jsonb_path_query_array('[1,2,3,4,5]', '$[1 to 3, last]'), jsonb_path_query_array('[1,2,3,4,5]', '$[*] ? (@ > 2) + 1');
select jsonb_path_query_array('[1,2,3,4,5]', '$[*] ? (@ > $min && @ < $max)', '{"min":1,"max":5}');
select jsonb_path_exists('{"a":1}', 'strict $.b'), jsonb_path_exists('{"a":1}', '$.b'), jsonb_path_exists('{"a":1}', 'strict $.b', '{}', true);
select jsonb_path_match('{"a":1}', '$.a == 1'), jsonb_path_match('{"a":1}', '$.a');
select jsonb_path_query_array('{"a": [1, "x", null, true, {"b": 2}, [3]]}', '$.a[*].type()'), jsonb_path_query_array('{"a":[1,2,3]}', '$.a.size()');
select jsonb_path_query_array('[1.5, -2.5, "3.25"]', '$[*].abs()'), jsonb_path_query_array('[1.5, -2.5]', '$[*].floor()'), jsonb_path_query_array('[1.5, -2.5]', '$[*].ceiling()'), jsonb_path_query_array('["1.5", 2]', '$[*].double()');
select jsonb_path_query_array('["abc", "abd", "xbc", 1]', '$[*] ? (@ like_regex "^ab")'), jsonb_path_query_array('["abc", "ABd"]', '$[*] ? (@ like_regex "^ab" flag "i")'), jsonb_path_query_array('["abc", "xab"]', '$[*] ? (@ starts with "ab")');
select jsonb_path_query_array('[1, "a", 2]', '$[*] ? ((@ > 1) is unknown)'), jsonb_path_query_array('{"a":1,"b":{"c":2}}', '$.*'), jsonb_path_query_array('{"a":1,"b":{"c":2}}', '$.**{1}');
select * from jsonb_path_query('{"a":[1,2,3]}', '$.a[*] ? (@ >= 2)');
select jsonb_path_query_array('{"a":10}', '$.a / 4'), jsonb_path_query_array('{"a":10}', '$.a * 2 - 1'), jsonb_path_query_array('{"a":10}', '-$.a'), jsonb_path_query_array('{"a":10}', '$.a % 3');
select jsonb_path_query_array('{"a":10}', '$.a / 0');
select jsonb_path_query_array('{"a":10}', '$.a + "x"');
select jsonb_path_query_array('{"a":10}', 'strict $.b');
select jsonb_path_query_array('[1,2]', 'strict $[5]'), 1;
select jsonb_path_query_array('[1,2]', 'lax $[5]');
select jsonb_path_query_array('{"a":1}', '$.a ? (@ == $x)', '{"y":1}');
select jsonb_path_query_array('{"a": [{"b": 1}, {"b": 2}]}', '$.a.b');
select jsonb_path_query_array('{"a": [{"b": 1}, {"b": 2}]}', 'strict $.a.b');
select jsonb_path_query_array('{"a": [1, [2, 3]]}', '$.a[*]');
select jsonb_path_query_array('{"a": 5}', '$.a[0]'), jsonb_path_query_array('{"a": 5}', '$.a[*]');
select jsonb_path_query_array('{"a": 5}', 'strict $.a[0]');
select jsonb_path_query_array('[1, [2, [3]]]', '$ ? (@[*] > 1)'), jsonb_path_query_array('[[1,2],[3,4]]', '$[*] ? (@[*] > 2)');
select jsonb_path_match('[1,2]', '$[*] > 1'), jsonb_path_match('[1,2]', 'strict $[*] > 1'), jsonb_path_match('[1,"a"]', '$[*] > 0'), jsonb_path_match('[1,"a"]', 'strict $[*] > 0');
select jsonb_path_match('{"a":null}', '$.a != 1'), jsonb_path_match('{"a":null}', '$.a < 1'), jsonb_path_match('{"a":"x"}', '$.a == 1');
select jsonb_path_query_array('[1,2,3]', '$[last - 1]'), jsonb_path_query_array('[1,2,3]', '$[1.7]'), jsonb_path_query_array('[]', '$[last]');
select jsonb_path_query_array('{"a":{"b":{"c":1}}}', '$.**.c'), jsonb_path_query_array('{"a":{"b":{"c":1}}}', '$.**{2 to last}');
select jsonb '{"a":1}' @? '$.a ? (@ > 0)', jsonb '{"a":1}' @@ '$.a > 0', jsonb '{"a":1}' @@ '$.a', jsonb '[1]' @@ '$[*] / 0 > 1';
select jsonb_path_query_array('[0.1, 1e2, -3]', '$[*] * 2'), jsonb_path_query_array('{"a":1}', '$.a / 3'), jsonb_path_query_array('[7]', '$[0] / 7');
select jsonb_path_query_array('{"a b": 1, "c": {"$d": 2}}', '$."a b"'), jsonb_path_query_array('{"a b": 1, "c": {"$d": 2}}', '$.c."$d"');
select jsonb_path_query_array('["a\nb"]', '$[*] ? (@ like_regex "a.b")'), jsonb_path_query_array('["a\nb"]', '$[*] ? (@ like_regex "a.b" flag "s")');
select jsonb_path_exists('{"a":1}', '$.a ? (@ == "1")'), jsonb_path_query_array('[true, false]', '$[*] ? (@ == true)'), jsonb_path_query_array('[true, false]', '$[*] ? (!(@ == true))');
select jsonb_path_query_first('[]', '$[*]') is null, jsonb_path_query_first(null, '$') is null, jsonb_path_exists('{}', null) is null;
select jsonb_path_query_array('[1,2]', '$.size()'), jsonb_path_query_array('{"a":1}', '$.size()'), jsonb_path_query_array('{"a":1}', 'strict $.size()');
select jsonb_path_query('{"a":[1,2,3]}', '$.a[*] ? (@ >= 2)');
select id, jsonb_path_query(j, '$.x[*]') from (values (1, '{"x":[1,{"b":2}]}'::jsonb), (2, '{"x":[]}'), (3, '{"x":["s"]}')) v(id, j) order by 1;
select * from jsonb_path_query('{"a":[1,2,3]}', '$.a[*] ? (@ >= 2)') q(v);
select count(*) from jp_t where j @? '$.wait ? (@ == null)';
select count(*) from jp_t where j @@ '$.array[*] == "bar"';
drop table jp_t;
-- ---- recursive CTE terms PostgreSQL refuses (H2 ran them without end) ----
create table rt_y (a int);
insert into rt_y values (1), (2), (3);
WITH RECURSIVE x(n) AS (SELECT n FROM x) SELECT * FROM x;
WITH RECURSIVE x(n) AS (SELECT n FROM x UNION ALL SELECT 1) SELECT * FROM x;
WITH RECURSIVE x(n) AS (SELECT a FROM rt_y WHERE a = 1 UNION ALL SELECT x.n+1 FROM rt_y LEFT JOIN x ON x.n = rt_y.a WHERE n < 10) SELECT * FROM x;
WITH RECURSIVE x(n) AS (SELECT a FROM rt_y WHERE a = 1 UNION ALL SELECT x.n+1 FROM x RIGHT JOIN rt_y ON x.n = rt_y.a WHERE n < 10) SELECT * FROM x;
WITH RECURSIVE x(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM x WHERE n IN (SELECT * FROM x)) SELECT * FROM x;
WITH RECURSIVE x(n) AS (SELECT 1 UNION ALL SELECT count(*) FROM x) SELECT * FROM x;
WITH RECURSIVE x(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM x ORDER BY 1) SELECT * FROM x;
WITH RECURSIVE x(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM x LIMIT 10 OFFSET 1) SELECT * FROM x;
WITH RECURSIVE x(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM x LIMIT 10) SELECT * FROM x;
WITH RECURSIVE x(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM x FOR UPDATE) SELECT * FROM x;
WITH RECURSIVE x(id) AS (values (1) UNION ALL SELECT (SELECT * FROM x) FROM x WHERE id < 5) SELECT * FROM x;
WITH RECURSIVE x(id) AS (SELECT 1 UNION ALL SELECT id+1 FROM y WHERE id < 5), y(id) AS (SELECT 1 UNION ALL SELECT id+1 FROM x WHERE id < 5) SELECT * FROM x;
WITH RECURSIVE foo(i) AS (values (1) UNION ALL (SELECT i+1 FROM foo WHERE i < 10 UNION ALL SELECT i+1 FROM foo WHERE i < 5)) SELECT * FROM foo;
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT n+1 FROM t WHERE n < 4) SELECT * FROM t ORDER BY 1;
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT t.n+1 FROM t LEFT JOIN (SELECT 1 AS k) s ON s.k = t.n WHERE t.n < 3) SELECT * FROM t;
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM t, rt_y WHERE n < 3 AND a = 1) SELECT * FROM t;
drop table rt_y;
-- ---- row values in PostgreSQL's record text ----
select row(1, 'a b', null, 'x"y', true, array[1,2], '', 'a,b', 2.50);
select row(row(1, 'x y'), null::int), row('back\slash', 'paren(');
-- ---- composite types (CREATE TYPE ... AS (...)) and the json functions that make rows ----
create type ct_pop as (a text, b int, c timestamp);
create type ct_rec as (i int, ia int[], t text, c char(10), js json, jsb jsonb, jsa json[], rec ct_pop, reca ct_pop[]);
select null::ct_pop, row('x', 3, '2012-12-31 15:30:56')::ct_pop, (row('x', 3, '2012-12-31 15:30:56')::ct_pop).b;
create table ct_t (id int, r ct_pop);
insert into ct_t values (1, row('a b', 1, '2020-01-01 00:00:00')), (2, null), (3, ('q', null, null));
select id, r, (r).a, (r).c from ct_t order by id;
select id from ct_t where (r).b = 1;
select * from json_populate_record(null::ct_pop, '{"a":"blurfl","x":43.2}') q;
select * from json_populate_record(row('x',3,'2012-12-31 15:30:56')::ct_pop, '{"a":"blurfl","x":43.2}') q;
select * from jsonb_populate_record(row('x',3,'2012-12-31 15:30:56')::ct_pop, '{"a":[100,200,false],"x":43.2}') q;
select * from json_populate_record(row('x',3,'2012-12-31 15:30:56')::ct_pop, '{"a":[100,200,false],"x":43.2}') q;
select * from json_populate_record(row('x',3,'2012-12-31 15:30:56')::ct_pop, '{"c":[100,200,false],"x":43.2}') q;
select * from json_populate_record(row('x',3,'2012-12-31 15:30:56')::ct_pop, '{}') q;
select json_populate_record(null::ct_pop, '{"a":"blurfl","b":3}'), (json_populate_record(null::ct_pop, '{"a":"blurfl","b":3}')).b;
select ia from json_populate_record(null::ct_rec, '{"ia": [1, "2", null, 4]}') q;
select ia from json_populate_record(null::ct_rec, '{"ia": 123}') q;
select ia from json_populate_record(null::ct_rec, '{"ia": [[1], 2]}') q;
select ia from json_populate_record(null::ct_rec, '{"ia": [[1], [2, 3]]}') q;
select ia from json_populate_record(null::ct_rec, '{"ia": "{1,2,3}"}') q;
select c from jsonb_populate_record(null::ct_rec, '{"c": "aaa"}') q;
select c from jsonb_populate_record(null::ct_rec, '{"c": "aaaaaaaaaaaaa"}') q;
select jsb, jsa from jsonb_populate_record(null::ct_rec, '{"jsb": {"a": "bbb", "b": null, "c": 123.45}, "jsa": [1, "2", null, 4]}') q;
select rec from jsonb_populate_record(null::ct_rec, '{"rec": {"a": "abc", "c": "01.02.2003", "x": 43.2}}') q;
select rec from jsonb_populate_record(null::ct_rec, '{"rec": "(abc,42,01.02.2003)"}') q;
select rec from jsonb_populate_record(null::ct_rec, '{"rec": 123}') q;
select reca from jsonb_populate_record(null::ct_rec, '{"reca": [{"a": "abc", "b": 456}, null, {"c": "01.02.2003", "x": 43.2}]}') q;
select reca from jsonb_populate_record(null::ct_rec, '{"reca": ["(abc,42,01.02.2003)"]}') q;
select * from json_populate_recordset(null::ct_pop, '[{"a":"blurfl","x":43.2},{"b":3,"c":"2012-01-20 10:42:53"}]') q;
select * from jsonb_populate_recordset(row('def',99,null)::ct_pop, '[{"a":"blurfl","x":43.2},{"b":3,"c":"2012-01-20 10:42:53"}]') q;
select * from json_populate_recordset(null::ct_pop, '[]') q;
select * from json_populate_recordset(null::ct_pop, '{"a": 1}') q;
select * from json_to_record('{"a":1,"b":"foo","c":"bar"}') as x(a int, b text, d text);
select * from jsonb_to_record('{"a":1,"b":[1,2,3],"c":{"x":1}}') as x(a int, b int[], c jsonb);
select * from json_to_recordset('[{"a":1,"b":"foo","d":false},{"a":2,"b":"bar","c":true}]') as x(a int, b text, c boolean);
select * from jsonb_to_recordset('[{"a":1,"b":{"d":"foo"},"c":true},{"a":2,"c":false,"b":{"d":"bar"}}]') as x(a int, b jsonb, c boolean) order by a desc;
drop table ct_t;
drop type ct_rec;
drop type ct_pop;
-- ---- extra_float_digits: 0 and below print %g-rounded floats, as the older output ----
select 131.10703231895047::float8, 0.1::float8, 1e20::float8, 1.5e-5::float8, 431.77260909229517::float4;
set extra_float_digits = 0;
select 131.10703231895047::float8, 0.1::float8, 1e20::float8, 1.5e-5::float8, 431.77260909229517::float4, 123456789012345678::float8, -0.000012345678901234567::float8, 1e15::float8, 1e14::float8;
select stddev_pop(x), var_samp(x) from (values (1.5::float8), (2.25), (9.125)) v(x);
set extra_float_digits = -3;
select 131.10703231895047::float8, 100000::float4 * 10;
set extra_float_digits = 3;
select 0.1::float8;
set extra_float_digits = 4;
set extra_float_digits = 'x';
reset extra_float_digits;
select 0.1::float8 + 0.2::float8;
-- ---- varchar(n) and char(n) take a longer string whose excess is spaces, cut to the length ----
create table vc_trim (v varchar(4), c char(3));
insert into vc_trim values ('ab  ', 'x  '), ('abcd    ', 'abc   ');
insert into vc_trim (v) values ('wxyz ');
insert into vc_trim values ('abcde', 'a');
insert into vc_trim values ('a', 'abcd');
update vc_trim set v = 'zz      ' where v = 'ab';
select '[' || v || ']', '[' || c || ']', length(v) from vc_trim order by 1;
drop table vc_trim;
-- ---- UPDATE ... SET (a, b) = (x, DEFAULT) and = ROW(...) ----
create table upd_rows (a int, b int, c text default 'dflt');
insert into upd_rows values (1, 2, 'x'), (3, 4, 'y');
UPDATE upd_rows SET (c,b,a) = ('bugle', b+11, DEFAULT) WHERE c = 'x';
UPDATE upd_rows SET (b,a) = (select a+1, b from upd_rows where a = 3) WHERE c = 'y';
UPDATE upd_rows SET (c) = ROW('solo') WHERE a is null;
UPDATE upd_rows SET (a, b) = ROW(b, a);
UPDATE upd_rows SET (a, b) = (1, 2, 3);
UPDATE upd_rows SET (a, b) = (1);
select * from upd_rows order by 1;
drop table upd_rows;
-- ---- ALTER TABLE with several actions (what Prisma and Rails' bulk changes send) ----
create table alt_multi (a int, drop1 int, drop2 int);
alter table alt_multi drop column drop1, drop column drop2;
alter table alt_multi add column b text, add column c int default 5 not null;
alter table alt_multi add column d int, alter column b set default 'x', drop column a;
alter table if exists alt_multi add column e int, add constraint alt_multi_c check (c > 0);
alter table alt_multi add column f numeric(10, 2), add constraint alt_multi_u unique (d, e);
insert into alt_multi (d) values (1);
select * from alt_multi;
select column_name, data_type, column_default, is_nullable from information_schema.columns where table_name = 'alt_multi' order by ordinal_position;
alter table alt_multi add column g int, add column g int;
drop table alt_multi;
-- ---- an ambiguous column reference ----
create table amb1 (a int, b int);
create table amb2 (a int, b int);
select b from amb1, amb2 where amb1.a = amb2.a;
select count(*) from amb1 x, amb2 y where x.a = y.a group by b;
drop table amb1, amb2;
-- ---- JOIN ... USING: the merged column named unqualified elsewhere in the query ----
create table ju1(i int, a int);
create table ju2(i int, b int);
create table ju3(i int, k int, c int);
insert into ju1 values (1,10),(2,20);
insert into ju2 values (1,100),(3,300);
insert into ju3 values (1,1,7),(2,2,8);
select * from ju1 left join ju2 using (i) where i = 1;
select i from ju1 join ju2 using (i);
select i, count(*) from ju1 left join ju2 using (i) group by i order by i;
select i, a, b from ju1 right join ju2 using (i) order by i;
select ju1.i, ju2.i from ju1 join ju2 using (i);
select i, a, b, c from ju1 join ju2 using (i) join ju3 using (i);
select x.i, i from ju1 x left join ju2 y using (i) order by i;
select i from ju1 join ju2 using (i) union select i from ju3 order by 1;
select i, (select max(i) from ju3) from ju1 join ju2 using (i);
select * from ju1 join ju3 using (i) where i in (select i from ju2);
select i as ii, count(*) over (partition by i) from ju1 join ju3 using (i) order by ii;
select * from ju1 join (select i, b from ju2) s using (i) where i > 0;
drop table ju1, ju2, ju3;
-- ---- SET timezone to a POSIX offset: hours west of Greenwich ----
SET timezone = '00:00';
SELECT to_char(now(), 'OF') as "OF", to_char(now(), 'TZH:TZM') as "TZH:TZM";
show timezone;
SET timezone = '+02:00';
SELECT to_char(now(), 'OF') as "OF", to_char(now(), 'TZH:TZM') as "TZH:TZM";
select '2024-01-01 12:00:00+00'::timestamptz;
show timezone;
SET timezone = '-13:00';
SELECT to_char(now(), 'OF');
SET timezone = '-04:15';
SELECT to_char(now(), 'OF'), '2024-01-01 12:00:00+00'::timestamptz;
SET timezone = '-8';
select '2024-01-01 12:00:00+00'::timestamptz;
reset timezone;
SET timezone = '04:30:15';
reset timezone;
-- ---- a row NOT IN a subquery with NULLs; a parenthesized query's command tag ----
create table o7597 (f1 int, f2 int);
create table i7597 (c1 int, c2 int);
insert into o7597 values (0,0),(1,0),(0,null),(1,null);
insert into i7597 values (0,null);
select * from o7597 where (f1, f2) not in (select * from i7597) order by 1, 2;
select f1, f2, (f1, f2) not in (select * from i7597) from o7597 order by 1, 2;
select * from o7597 where (f1, f2) not in (select c1, c2 from i7597 where c1 = o7597.f1) order by 1, 2;
select * from o7597 where (f1, f2) in (select * from i7597) order by 1, 2;
select * from o7597 where row(f1, f2) not in (select 1, 0) order by 1, 2;
(SELECT 2) UNION SELECT 2;
select * from o7597 where (f1, f2) not in (select max(c1), max(c2) from i7597) order by 1, 2;
drop table o7597, i7597;
-- ---- EXTRACT of SECOND, MILLISECOND, MICROSECOND count the whole seconds field; date_part is double precision ----
SELECT EXTRACT(MICROSECOND FROM TIME '13:30:25.575401'), EXTRACT(MILLISECOND FROM TIME '13:30:25.575401'), EXTRACT(SECOND FROM TIME '13:30:25.575401');
SELECT EXTRACT(MICROSECOND FROM timestamp '2020-05-26 13:30:25.575401'), EXTRACT(MILLISECOND FROM timestamp '2020-05-26 13:30:25.575401'), EXTRACT(SECOND FROM timestamp '2020-05-26 13:30:25.575401');
SELECT date_part('second', TIME '13:30:25.575401'), date_part('microsecond', timestamp '2020-05-26 13:30:25.575401');
SELECT EXTRACT(SECOND FROM interval '1 minute 25.5 seconds'), EXTRACT(MILLISECOND FROM interval '25.5 seconds');
SELECT EXTRACT(EPOCH FROM TIME '13:30:25.575401'), EXTRACT(HOUR FROM TIME '13:30:25.575401');
select date_part('year', date '2020-05-26'), date_part('second', timestamp '2020-05-26 13:30:25'), extract(second from timestamp '2020-05-26 13:30:25');
select extract(second from interval '-25.5 seconds'), extract(millisecond from time '00:00:00.001');
-- ---- VARIADIC arguments: the array's elements are the arguments ----
SELECT json_build_array(VARIADIC NULL::text[]); -- ok
SELECT json_build_array(VARIADIC '{}'::text[]); -- ok
SELECT json_build_array(VARIADIC '{a,b,c}'::text[]); -- ok
SELECT json_build_array(VARIADIC ARRAY['a', NULL]::text[]); -- ok
SELECT json_build_array(VARIADIC '{1,2,3,4}'::text[]); -- ok
SELECT json_build_array(VARIADIC '{1,2,3,4}'::int[]); -- ok
SELECT json_build_array(VARIADIC '{{1,4},{2,5},{3,6}}'::int[][]); -- ok

SELECT json_build_object('a',1,'b',1.2,'c',true,'d',null,'e',json '{"x": 3, "y": [1,2,3]}');

SELECT json_build_object('{a,b,c}'::text[]); -- error
SELECT json_build_object('{a,b,c}'::text[], '{d,e,f}'::text[]); -- error, key cannot be array
SELECT json_build_object('a', 'b', 'c'); -- error
SELECT json_build_object(NULL, 'a'); -- error, key cannot be NULL
SELECT json_build_object('a', NULL); -- ok
SELECT json_build_object(VARIADIC NULL::text[]); -- ok
SELECT json_build_object(VARIADIC '{}'::text[]); -- ok
SELECT json_build_object(VARIADIC '{a,b,c}'::text[]); -- error
SELECT json_build_object(VARIADIC ARRAY['a', NULL]::text[]); -- ok
SELECT json_build_object(VARIADIC ARRAY[NULL, 'a']::text[]); -- error, key cannot be NULL
SELECT json_build_object(VARIADIC '{1,2,3,4}'::text[]); -- ok
SELECT json_build_object(VARIADIC '{1,2,3,4}'::int[]); -- ok
SELECT json_build_object(VARIADIC '{{1,4},{2,5},{3,6}}'::int[][]); -- ok
SELECT jsonb_build_array(VARIADIC NULL::text[]); -- ok
SELECT jsonb_build_array(VARIADIC '{}'::text[]); -- ok
SELECT jsonb_build_array(VARIADIC '{a,b,c}'::text[]); -- ok
SELECT jsonb_build_array(VARIADIC ARRAY['a', NULL]::text[]); -- ok
SELECT jsonb_build_array(VARIADIC '{1,2,3,4}'::text[]); -- ok
SELECT jsonb_build_array(VARIADIC '{1,2,3,4}'::int[]); -- ok
SELECT jsonb_build_array(VARIADIC '{{1,4},{2,5},{3,6}}'::int[][]); -- ok

SELECT jsonb_build_object('a',1,'b',1.2,'c',true,'d',null,'e',json '{"x": 3, "y": [1,2,3]}');

SELECT jsonb_build_object('{a,b,c}'::text[]); -- error
SELECT jsonb_build_object('{a,b,c}'::text[], '{d,e,f}'::text[]); -- error, key cannot be array
SELECT jsonb_build_object('a', 'b', 'c'); -- error
SELECT jsonb_build_object(NULL, 'a'); -- error, key cannot be NULL
SELECT jsonb_build_object('a', NULL); -- ok
SELECT jsonb_build_object(VARIADIC NULL::text[]); -- ok
SELECT jsonb_build_object(VARIADIC '{}'::text[]); -- ok
SELECT jsonb_build_object(VARIADIC '{a,b,c}'::text[]); -- error
SELECT jsonb_build_object(VARIADIC ARRAY['a', NULL]::text[]); -- ok
SELECT jsonb_build_object(VARIADIC ARRAY[NULL, 'a']::text[]); -- error, key cannot be NULL
SELECT jsonb_build_object(VARIADIC '{1,2,3,4}'::text[]); -- ok
SELECT jsonb_build_object(VARIADIC '{1,2,3,4}'::int[]); -- ok
SELECT jsonb_build_object(VARIADIC '{{1,4},{2,5},{3,6}}'::int[][]); -- ok
select concat(variadic array[1,2,3]);
select concat_ws(',', variadic array[1,2,3]);
select concat_ws(',', variadic NULL::int[]);
select concat(variadic NULL::int[]) is NULL;
select concat(variadic '{}'::int[]) = '';
select format('%s and %s', variadic array['a','b']), format('%s', variadic null::int[]) is null;
-- ---- CREATE SEQUENCE options checked as PostgreSQL checks them; DROP of several sequences ----
CREATE SEQUENCE seqx INCREMENT BY 0;
CREATE SEQUENCE seqx INCREMENT BY -1 MINVALUE 20;
CREATE SEQUENCE seqx INCREMENT BY 1 MAXVALUE -20;
CREATE SEQUENCE seqx INCREMENT BY -1 START 10;
CREATE SEQUENCE seqx INCREMENT BY 1 START -10;
CREATE SEQUENCE seqx CACHE 0;
CREATE SEQUENCE seqx OWNED BY nobody;
CREATE SEQUENCE seqx AS text;
CREATE SEQUENCE seqx AS nosuchtype;
CREATE SEQUENCE seqx AS smallint MAXVALUE 100000;
CREATE SEQUENCE seqx AS smallint MINVALUE -100000;
CREATE SEQUENCE seqx AS smallint;
CREATE SEQUENCE seqy INCREMENT BY -1;
CREATE SEQUENCE seqz START 5 MINVALUE 1 MAXVALUE 10 CACHE 1;
select nextval('seqx'), nextval('seqy'), nextval('seqz');
DROP SEQUENCE IF EXISTS seqx, seqy, seqnone, seqz;
create table unknown_type_t (a nosuchtype);
-- ---- arrays: && overlap; a column compared with an array literal takes its element type ----
select array[1,2] && array[2,3], array[1,2] && '{2,3}'::int[], array[1] && array[2], array[1, null] && array[null]::int[];
create table aot (seqno int, i int[], t text[]);
insert into aot values (1, '{1,2,32}', '{a,b}'), (2, '{}', '{}'), (3, '{17}', '{AAAA}'), (4, null, null), (5, '{1,2,3}', '{x}');
SELECT seqno FROM aot WHERE i && '{32}' ORDER BY seqno;
SELECT seqno FROM aot WHERE i && '{32,17}' ORDER BY seqno;
SELECT seqno FROM aot WHERE i = '{}' ORDER BY seqno;
SELECT seqno FROM aot WHERE t && '{AAAA,b}' ORDER BY seqno;
SELECT seqno FROM aot WHERE t = '{}' ORDER BY seqno;
SELECT seqno FROM aot WHERE i > '{1,2,3}' ORDER BY seqno;
SELECT seqno FROM aot WHERE '{17}' = i ORDER BY seqno;
drop table aot;
-- ---- WITH ... AS [NOT] MATERIALIZED, ORDER BY ... USING, view options, jsonb #- ----
create table sc1 (a int, b int);
insert into sc1 values (1, 2), (3, 4), (2, 9);
with t as materialized (select * from sc1) select a from t order by a;
with t as not materialized (select * from sc1) select a from t order by a using >;
select a from sc1 order by a using <, b using >;
create view sc_v with (security_barrier=true) as select * from sc1 where a > 1;
create or replace view sc_v with (check_option = local) as select * from sc1 where a > 2;
select * from sc_v;
select '{"n":null, "a":1, "b":[1,2], "c":{"1":2}, "d":{"1":[2,3]}}'::jsonb #- '{n}', '{"a":[1,2,3]}'::jsonb #- '{a,1}';
drop view sc_v;
drop table sc1;
-- ---- AT TIME ZONE: a timestamp is wall-clock time in the zone, a timestamptz becomes the zone's wall-clock time ----
SET TimeZone = 'PST8PDT';
SELECT '2011-03-27 00:00:00'::timestamp AT TIME ZONE 'Europe/Moscow', '2011-03-26 21:00:00 UTC'::timestamptz AT TIME ZONE 'Europe/Moscow';
SELECT '2011-03-27 02:00:00'::timestamp AT TIME ZONE 'MSK', '2011-03-27 02:00:00'::timestamp AT TIME ZONE 'Europe/Moscow';
SELECT '2014-10-26 01:00:00'::timestamp AT TIME ZONE 'MSK', '2014-10-26 01:00:00'::timestamp AT TIME ZONE 'Europe/Moscow';
SELECT '2011-03-27 00:00:00'::timestamp AT TIME ZONE 'UTC+3', '2011-03-27 00:00:00'::timestamp AT TIME ZONE '+3', '2011-03-27 00:00:00'::timestamp AT TIME ZONE INTERVAL '+03:00';
SELECT '19970210 173201' AT TIME ZONE 'america/new_york', timestamp '2020-01-01 10:00' AT TIME ZONE 'EST5EDT', date '2020-07-01' AT TIME ZONE 'UTC';
SELECT '2011-03-27 00:00:00'::timestamp AT TIME ZONE 'nowhere';
SELECT '2011-03-27 00:00:00'::timestamp AT TIME ZONE INTERVAL '1 day';
create table tzt (a timestamp, b timestamptz, c date);
insert into tzt values ('2020-06-01 12:00', '2020-06-01 12:00+02', '2020-06-01'), ('infinity', '-infinity', 'infinity');
select a at time zone 'UTC', b at time zone 'Asia/Tokyo', x.a AT TIME ZONE 'europe/paris', c at time zone 'UTC' from tzt x order by 1;
select ('2022-12-01'::date + '1 day'::interval) at time zone 'UTC' as atz, b at time zone null from tzt order by 1;
drop table tzt;
RESET TimeZone;
-- ---- SQL PREPARE / EXECUTE / DEALLOCATE; a parameter declared float8 is a float8 in the statement ----
create table ppt (a int, b text);
insert into ppt values (1, 'one'), (2, 'two'), (3, null);
PREPARE pq1 AS SELECT 1 AS a;
EXECUTE pq1;
PREPARE pq1 AS SELECT 2;
DEALLOCATE pq1;
PREPARE pq2(text) AS SELECT * FROM ppt WHERE b = $1;
EXECUTE pq2('two');
EXECUTE pq2('two', 3);
EXECUTE pq2;
PREPARE pq3(int, float, boolean) AS SELECT a, $2 * 2 AS x, $3 FROM ppt WHERE a >= $1 ORDER BY a;
EXECUTE pq3(2, 1.5, true);
EXECUTE pq3('2', 1.5::float, 'yes');
PREPARE pq4(nonexistenttype) AS SELECT $1;
PREPARE pq5 AS UPDATE ppt SET b = $2 WHERE a = $1;
EXECUTE pq5(3, 'three');
PREPARE pq6 AS INSERT INTO ppt VALUES ($1, $2) RETURNING *;
EXECUTE pq6(1 + 4, upper('five'));
PREPARE pq7(int[], text[]) AS SELECT $1, $2;
EXECUTE pq7('{1,2}', ARRAY['a','b']);
PREPARE pq8 AS CREATE TABLE foo (a int);
EXECUTE nosuch;
SELECT name, statement, parameter_types, from_sql FROM pg_prepared_statements WHERE name LIKE 'pq%' ORDER BY name;
DEALLOCATE PREPARE pq2;
DEALLOCATE nosuch;
DEALLOCATE ALL;
SELECT name FROM pg_prepared_statements WHERE from_sql;
select * from ppt order by a;
drop table ppt;
-- ---- json_object(text[]), INSERT ... AS alias, JOIN ... USING (...) AS alias ----
SELECT json_object('{}'), json_object('{a,1,b,2,3,NULL,"d e f","a b c"}'), json_object('{{a,1},{b,2}}');
SELECT json_object('{a,b,c}');
select json_object('{a,b,c,"d e f"}','{1,2,3,"a b c"}'), json_object('{a,a}', '{1,2}');
select json_object('{a,b,NULL,"d e f"}','{1,2,3,"a b c"}');
create table ias (f1 int, f2 text, f3 int default 42);
INSERT INTO ias AS bar DEFAULT VALUES RETURNING *;
INSERT INTO ias AS bar VALUES (1, 'x') RETURNING bar.f3, bar.f1 + 1;
create unique index on ias (f1);
insert into ias as t values (1, 'y') on conflict (f1) do update set f2 = t.f2 || excluded.f2 where t.f3 = 42 returning t.*;
drop table ias;
CREATE TABLE jua (i integer, j integer, t text);
CREATE TABLE jub (i integer, k integer);
insert into jua values (1, 4, 'one'), (2, 3, 'two'), (0, null, 'zero');
insert into jub values (1, -1), (2, 2), (5, -5);
SELECT * FROM jua JOIN jub USING (i) AS x WHERE x.i = 1;
SELECT ROW(x.*) FROM jua JOIN jub USING (i) AS x WHERE jua.t = 'one';
SELECT x.i, x.* FROM jua LEFT JOIN jub USING (i) AS x ORDER BY 1;
drop table jua;
drop table jub;
-- ---- sequences named as PostgreSQL reads the text: unquoted parts fold to lower case, ::regclass allowed ----
create sequence serialTest2_f2_seq;
create sequence "MixedSeq";
SELECT nextval('serialTest2_f2_seq'), nextval('SERIALTEST2_F2_SEQ'::regclass), currval('serialtest2_f2_seq'::text), nextval('"MixedSeq"');
SELECT nextval('MixedSeq');
SELECT setval('serialTest2_f2_seq'::regclass, 32), nextval('public.serialtest2_f2_seq'), lastval();
create table sqd (id int default nextval('serialtest2_f2_seq'::regclass), b int);
insert into sqd (b) values (1), (2);
select id, b, lastval() from sqd order by b;
select column_name, column_default from information_schema.columns where table_name = 'sqd' order by 1;
drop table sqd;
drop sequence serialTest2_f2_seq;
drop sequence "MixedSeq";
-- ---- a decimal literal is an unconstrained numeric: each value keeps its scale in UNION, CASE, arrays ----
SELECT 1.1 AS two UNION SELECT 2 ORDER BY 1;
SELECT 1 AS two UNION SELECT 2.2 ORDER BY 1;
SELECT 1.1 AS two UNION SELECT 2.25 ORDER BY 1;
VALUES (1,2), (3,4+4), (7,77.7);
select case when true then 2 else 1.5 end, array[1.1, 2], coalesce(null, 1.50), 1.1 * 2, 1.10 + 1, 1.5 * 1.5, 0.1 + 0.2, -1.5;
-- ---- bytea text input in both formats (hex with spaces, escape with octal bytes), bytea_output = escape ----
SELECT E'De\\000dBeEf'::bytea, E'De\\123dBeEf'::bytea, E'\\xDeAdBeEf'::bytea, E'\\x De Ad Be Ef '::bytea, 'abc'::bytea, 'a\\b'::bytea;
SELECT E'De\\678dBeEf'::bytea;
SELECT '\x1'::bytea;
SELECT '\xzz'::bytea;
create table bytx (b bytea);
insert into bytx values ('\000\001'), (E'\\x00ff'), ('plain');
select b, length(b) from bytx order by 2, 1;
SET bytea_output = escape;
SELECT E'\\xDeAdBeEf'::bytea, 'De\000dBeEf'::bytea, E'De\\123dBeEf'::bytea, E'a\\\\b'::bytea;
select b from bytx order by 1;
RESET bytea_output;
drop table bytx;
-- ---- date/time values in JSON: ISO 8601, a timestamptz in the session's zone, infinity as a word ----
SET TimeZone = 'PST8PDT';
select to_jsonb(timestamptz '2014-05-28 12:22:35.614298-04'), to_json(timestamptz '2014-05-28 12:22:35-04');
select to_jsonb(date 'Infinity'), to_jsonb(timestamp '-Infinity'), to_json(timestamptz 'Infinity');
select to_json(timestamp '2014-05-28 12:22:35.614298'), to_json(date '2014-05-28'), to_json(time '12:22:35.5'), to_json(timetz '12:22:35+05:30');
select json_build_object('a', timestamptz '2014-05-28 12:22:35+00', 'b', date '2020-01-01'), jsonb_build_array(timestamp '2014-05-28 12:22:35', 1);
RESET TimeZone;
-- ---- storage parameters: accepted and checked by name (and fillfactor's range), nothing to tune here ----
create table stp (a int) with (fillfactor=70, autovacuum_enabled = false);
alter table stp set (fillfactor = 50);
alter table stp set (parallel_workers = 4, toast.autovacuum_enabled = off);
alter table stp reset (fillfactor);
alter table stp owner to current_user;
alter table stp set (fillfactor = 5);
alter table stp set (nosuch = 1);
create table stp2 (a int) with (bogus=1);
drop table stp;
-- ---- clear errors instead of internal ones: Unicode escapes, array subscripts below 1; to_char of an interval's RM ----
SELECT i, to_char(i * interval '1mon', 'rm'), to_char(i * interval '1mon', 'RM') FROM generate_series(-13, 13) i;
SELECT U&'wrong: \+2FFFFF';
SELECT U&'d\0061t\+000061', U&'\D83D\DE00' = E'\U0001F600';
SELECT U&'wrong: \zzzz';
-- ---- ON CONFLICT (cols) needs a unique index over exactly those columns (42P10), as in PostgreSQL ----
create table ocx (key int4, fruit text);
insert into ocx values (1, 'a') on conflict (key) do nothing;
insert into ocx values (1, 'a') on conflict do nothing;
create unique index ocx_k on ocx (key);
insert into ocx values (1, 'b') on conflict (key) do update set fruit = excluded.fruit;
insert into ocx values (1, 'c') on conflict (key, key, key) do update set fruit = excluded.fruit;
insert into ocx values (1, 'c') on conflict (fruit) do update set fruit = excluded.fruit;
insert into ocx values (1, 'c') on conflict (key, fruit) do nothing;
drop index ocx_k;
create unique index ocx_p on ocx (key) where fruit like '%berry';
insert into ocx values (23, 'Blackberry') on conflict (key) do update set fruit = excluded.fruit;
insert into ocx values (23, 'Blackberry') on conflict (key) where fruit like '%berry' do update set fruit = excluded.fruit;
create table ocy (a int primary key, b int, c int, unique (b, c));
insert into ocy values (1, 1, 1) on conflict (a) do update set b = 5;
insert into ocy values (2, 1, 1) on conflict (c, b) do update set a = 9;
select * from ocx order by 1;
select * from ocy order by 1;
drop table ocx;
drop table ocy;
-- ---- nextval/currval of a serial column's sequence by its PostgreSQL name; lastval after either ----
CREATE TABLE serialt3 (f1 text, f2 serial, f5 bigserial);
INSERT INTO serialt3 (f1) VALUES ('a');
SELECT nextval('serialT3_f2_seq'), nextval('serialt3_f5_seq'), currval('serialt3_f2_seq'), lastval();
INSERT INTO serialt3 (f1) VALUES ('b');
SELECT * FROM serialt3 ORDER BY f2;
SELECT currval('nosuch_seq');
create sequence cvs1;
select currval('cvs1');
DROP TABLE serialt3;
drop sequence cvs1;
-- ---- date - date is an integer number of days; timestamp with time zone 'today' ----
create table ddx (f1 date, t timestamp);
insert into ddx values ('2020-03-01', '2020-03-01 10:00'), ('1999-12-31', null);
SELECT f1 - date '2000-01-01' AS "Days From 2K" FROM ddx order by 1;
SELECT ddx.f1 - date 'epoch', f1 - '2020-01-01'::date, date '2020-03-01' - 1, f1 - 1 from ddx order by 1;
SELECT date 'yesterday' - date 'today' AS "One day", date 'tomorrow' - date 'today', current_date - date '2020-01-01' > 0;
select t - date '2020-03-01' from ddx where t is not null;
SELECT count(*) FROM ddx WHERE t < timestamp with time zone 'today' and t < timestamp without time zone 'tomorrow';
drop table ddx;
-- ---- interval text into and compared with an interval column; bytea escape text into a bytea column ----
create table ivx (f1 interval, b bytea);
insert into ivx (f1) values ('1 day 2 hours');
insert into ivx (f1) values ('@ 1 minute'), ('@ 14 seconds ago'), ('@ 10 day');
update ivx set f1 = '3 days' where f1 = '@ 10 day';
insert into ivx (b) values ('\000\001');
select f1, b from ivx order by f1;
drop table ivx;
-- ---- inverse hyperbolic functions ----
SELECT asinh(float8 '1'), acosh(float8 '2'), atanh(float8 '0.5'), asinh(float8 'infinity'), asinh(float8 'nan'), atanh(1), atanh(-1);
SELECT acosh(float8 '-infinity');
select atanh(float8 'infinity');
select asinh(-2.5), asinh(1e-10), acosh(10), atanh(-0.9), atanh(0.3), atanh(-0.1), asinh(-0.3), acosh(1.5), acosh(1);
-- ---- the one-byte type "char" ----
SELECT 'a'::"char", '\101'::"char", '\377'::"char", 'a'::"char"::text, '\000'::"char"::text, ''::text::"char", 'abc'::"char";
-- ---- COMMIT/ROLLBACK AND CHAIN keep the characteristics; a savepoint's end restores transaction_read_only; DEFERRABLE ----
COMMIT AND CHAIN;
create table chainx (a int);
SET default_transaction_read_only = on;
START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ WRITE, DEFERRABLE;
SHOW transaction_deferrable;
INSERT INTO chainx VALUES (1);
COMMIT AND CHAIN;
SELECT current_setting('transaction_isolation'), current_setting('transaction_read_only'), current_setting('transaction_deferrable');
INSERT INTO chainx VALUES ('error');
COMMIT AND CHAIN;
SHOW transaction_isolation;
INSERT INTO chainx VALUES (2);
ROLLBACK AND CHAIN;
INSERT INTO chainx VALUES (3);
COMMIT;
SHOW transaction_read_only;
SET default_transaction_read_only = off;
BEGIN;
SAVEPOINT a;
SET TRANSACTION READ ONLY;
SHOW transaction_read_only;
RELEASE SAVEPOINT a;
SHOW transaction_read_only;
SAVEPOINT b;
SET TRANSACTION READ ONLY;
ROLLBACK TO b;
INSERT INTO chainx VALUES (4);
COMMIT;
SELECT * FROM chainx ORDER BY a;
drop table chainx;
-- ---- jsonb - (key, keys, index) and jsonb || (merge, concatenate, wrap) ----
select '{"a":1 , "b":2, "c":3}'::jsonb - 'a', '["a","b","c"]'::jsonb - 'b', '["a","b","c"]'::jsonb - -1, '["a","b","c"]'::jsonb - 5;
select '{"a":1 , "b":2, "c":3}'::jsonb - '{c,b}'::text[], '{"a":1}'::jsonb - '{}'::text[];
select '{"a":1}'::jsonb - 0;
select '"s"'::jsonb - 'a';
select '{"aa":1 , "b":2, "cq":3}'::jsonb || '{"cq":"l", "b":"g", "fg":false}', '["c"]' || '["a", "b"]'::jsonb, '3'::jsonb || '4'::jsonb;
select '{"a":"b"}'::jsonb || '[]'::jsonb, '[3]'::jsonb || '{}'::jsonb - 'x', ('{"a":1}'::jsonb || '{"b":2}') = '{"b":2,"a":1}'::jsonb;
select '{"a":1}'::jsonb || null, '[1]'::jsonb || '[2]' || '[3]';
-- ---- jsonb subscripts: index from 0, negative from the end, keys, chained ----
select ('[1, "2", null]'::jsonb)[0];
select ('[1, "2", null]'::jsonb)[2];
select ('[1, "2", null]'::jsonb)[3];
select ('[1, "2", null]'::jsonb)[-2];
select ('{"a": {"b": 1}}'::jsonb)['a']['b'];
select ('{"a": {"b": 1}}'::jsonb)['a'];
select ('[1, "2", null]'::jsonb)['1'];
-- ---- integer shifts, prefix roots, sign of a bitwise operand; year fields of interval literals; date_trunc in a zone and with a unit from a column; interval as a column name ----
SELECT (-1::int2<<15)::text;
SELECT ((-1::int2<<15)+1::int2)::text;
SELECT (-1::int4<<31)::text;
SELECT ((-1::int4<<31)+1)::text;
SELECT (-1::int8<<63)::text;
SELECT q1, q1 << 2 AS "shl", q1 >> 3 AS "shr" FROM (values (123::int8), (-4567890123456789::int8)) v(q1);
SELECT |/ float8 '64' AS eight;
SELECT f1, |/f1 FROM (values (4.0::float8), (9)) f(f1);
SELECT EXTRACT(DECADE FROM INTERVAL '100 y'), EXTRACT(DECADE FROM INTERVAL '-99 y'), EXTRACT(CENTURY FROM INTERVAL '-100 y'), EXTRACT(MILLENNIUM FROM INTERVAL '2000 y');
SELECT EXTRACT(DECADE FROM date '2001-03-04'), EXTRACT(CENTURY FROM date '2001-03-04');
SELECT date_trunc('day', timestamp with time zone '2001-02-16 20:38:40+00', 'Australia/Sydney') as sydney_trunc;
SELECT date_trunc('day', timestamp with time zone '2001-02-16 20:38:40+00', 'GMT') as gmt_trunc;
SELECT date_trunc('hour', timestamptz '2001-02-16 20:38:40+00', 'Asia/Kolkata');
SELECT str, interval, date_trunc(str, ts) = date_bin(interval::interval, ts, timestamp '2001-01-01') AS equal FROM (VALUES ('week', '7 d'), ('day', '1 d'), ('hour', '1 h')) intervals (str, interval), (VALUES (timestamp '2020-02-29 15:44:17.71393')) ts (ts);
select interval from (values (1)) v(interval);
SELECT interval '1 day', interval(1) '1.25 seconds';
select date_trunc(u, timestamp '2020-02-29 15:44:17.71393'), date_trunc(u, timestamptz '2020-02-29 15:44:17.71393+00') from (values ('week'), ('Day'), ('quarter'), (null)) v(u);
select date_trunc(u, timestamp '2020-02-29 15:44:17') from (values ('fortnight')) v(u);
SELECT ||/ float8 '64' > 3.99, |/ 2.25;
select extract(year from interval '14 months'), extract(month from interval '14 months'), extract(day from interval '40 days'), extract(hour from interval '30 hours'), extract(quarter from interval '14 months');
select extract(year from interval '-14 months'), extract(month from interval '-14 months'), extract(quarter from interval '-14 months'), extract(quarter from interval '8 months');
SELECT EXTRACT(DECADE FROM INTERVAL '100 y'), EXTRACT(DECADE FROM INTERVAL '-99 y'), EXTRACT(CENTURY FROM INTERVAL '-100 y'), EXTRACT(MILLENNIUM FROM INTERVAL '2000 y');
SELECT EXTRACT(DECADE FROM date '2001-03-04'), EXTRACT(CENTURY FROM date '2001-03-04'), extract(year from interval '3' year);
create table exi (f1 interval);
drop table exi;
-- ---- recursive UNION (not ALL) ends where PostgreSQL's does: only new rows feed the next round ----
WITH RECURSIVE t(n) AS (SELECT 1 UNION SELECT 10-n FROM t) SELECT * FROM t;
WITH RECURSIVE t(n) AS (SELECT 1 UNION SELECT n+1 FROM t) SELECT * FROM t LIMIT 10;
WITH RECURSIVE t(n) AS (VALUES (1), (2), (1) UNION SELECT (n * 3) % 7 FROM t) SELECT * FROM t;
create table edges (src int, dst int);
insert into edges values (1,2),(2,3),(3,1),(3,4),(4,2),(5,6);
WITH RECURSIVE reach(node) AS (SELECT 1 UNION SELECT e.dst FROM edges e JOIN reach r ON e.src = r.node) SELECT * FROM reach;
WITH RECURSIVE reach(node, hops) AS (SELECT 1, 0 UNION SELECT e.dst, 0 FROM edges e, reach r WHERE e.src = r.node) SELECT count(*) FROM reach;
WITH RECURSIVE reach(node) AS (SELECT 1 UNION SELECT e.dst FROM edges e JOIN reach r ON e.src = r.node) SELECT a.node, b.node FROM reach a JOIN reach b ON a.node = b.node order by 1;
WITH RECURSIVE t(n) AS (SELECT 1 UNION SELECT n+1 FROM t WHERE n < 5), u(m) AS (SELECT 10 UNION SELECT m - 1 FROM u WHERE m > 8) SELECT * FROM t, u ORDER BY 1, 2;
WITH RECURSIVE t(a, b) AS (SELECT 1, NULL::int UNION SELECT a, b FROM t) SELECT * FROM t;
WITH RECURSIVE t(n) AS (SELECT 1.0 UNION SELECT n FROM t) SELECT * FROM t;
drop table edges;
WITH RECURSIVE t(n) AS (SELECT 1 UNION SELECT n+1 FROM t) SELECT * FROM t LIMIT 10;
WITH RECURSIVE t(n) AS (SELECT 1 UNION SELECT n+1 FROM t) SELECT * FROM t LIMIT 5 OFFSET 3;
WITH RECURSIVE t(n) AS (SELECT 1 UNION SELECT n % 3 + 1 FROM t) SELECT * FROM t LIMIT 10;
WITH RECURSIVE t(n, s) AS (SELECT 1, 'a' UNION SELECT n + 1, s || 'b' FROM t WHERE n < 4) SELECT * FROM t;
WITH RECURSIVE t(n) AS (SELECT 1 UNION SELECT 1 FROM t) SELECT count(*) FROM t;
-- ---- statements H2 failed on with a Java exception: VALUES before a set operation, ntile(NULL), EXCLUDE GROUP/TIES without ORDER BY, a NULL subscript assignment ----
create table iet (q1 int8, q2 int8);
insert into iet values (1, 2), (3, 4);
VALUES (1,2), (3,4+4), (7,77.7) UNION ALL SELECT 2+2, 57 UNION ALL TABLE iet;
SELECT ntile(NULL) OVER (ORDER BY q1), q1 FROM iet ORDER BY q1;
SELECT sum(q1) over (rows between 2 preceding and 2 following exclude group), sum(q1) over (rows between 1 preceding and 1 following exclude ties), q1 FROM iet ORDER BY q1;
create table iej (id int, j jsonb, a int[]);
insert into iej values (1, '{}', '{1}');
update iej set j[NULL] = '1';
update iej set a[NULL] = 1;
drop table iet; drop table iej;
-- ---- jsonb subscripts on columns: read (doc['k'] is doc -> 'k') and assigned (created along the path, nulls filling gaps) ----
create table jss (id int, j jsonb, k text);
insert into jss values (1, '{}', 'a'), (2, '{"key": "value"}', 'key'), (3, NULL, 'z'), (4, '[0]', '0');
update jss set j['a'] = '1' where id = 1;
update jss set j['a'] = '{"b": [1, 2]}'::jsonb where id = 2;
update jss set j['a'][2]['c'] = '"x"' where id = 3;
update jss set j[5] = '1', k = 'five' where id = 4;
update jss set j[-4] = 'true' where id = 4;
select id, j, j['a'], j['a']['b'][1], j[k] from jss order by id;
update jss set j['another'] = NULL where id = 1;
update jss set j[k] = '"v"' where id = 2;
select id, j from jss order by id;
update jss set j['a']['b'] = '1' where id = 1;
update jss set j[-9] = '1' where id = 4;
update jss set j['x'] = '1' where id = 4;
update jss set j[1.5] = '1' where id = 4;
select ('[1, 2]'::jsonb)[1:2];
drop table jss;
-- ---- ON CONFLICT (arbiter) DO NOTHING skips only conflicts on its arbiter: another unique key still raises 23505 ----
create table occ (id int primary key, email text constraint occ_email_key unique);
insert into occ values (1, 'a');
insert into occ values (2, 'a') on conflict on constraint occ_pkey do nothing;
insert into occ values (1, 'b') on conflict on constraint occ_pkey do nothing;
insert into occ values (3, 'a') on conflict (id) do nothing;
select * from occ order by id;
drop table occ;
create table occ2 (id int primary key, email text unique, n int default 0);
insert into occ2 values (1, 'a') on conflict (id) do nothing returning *;
insert into occ2 values (1, 'z'), (2, 'b'), (2, 'c') on conflict (id) do nothing returning id, email;
insert into occ2 (id, email) values (3, 'c') on conflict (email) do nothing;
insert into occ2 (id, email) values (3, 'd') on conflict (email) do nothing;
insert into occ2 (id, email) select 10 + g, 'e' || g from generate_series(1, 3) g on conflict (id) do nothing;
insert into occ2 default values on conflict do nothing;
select * from occ2 order by id;
drop table occ2;
-- ---- setval moves currval (until the next nextval), serial sequences too ----
create sequence svs;
select nextval('svs');
select setval('svs', 10);
select currval('svs');
select nextval('svs');
select setval('svs', 20, false);
select currval('svs');
select nextval('svs');
begin;
select setval('svs', 100);
rollback;
select nextval('svs');
drop sequence svs;
create sequence svs3;
select setval('svs3', 5);
select currval('svs3');
select nextval('svs3'), currval('svs3');
create table svt3 (id serial, v int);
select setval('svt3_id_seq', 50);
select currval('svt3_id_seq');
insert into svt3 (v) values (1);
select currval('svt3_id_seq'), id from svt3;
drop table svt3; drop sequence svs3;
-- ---- DO NOTHING with a partial index as the arbiter stays the engine's (its predicate decides) ----
create table icf (key int, fruit text);
create unique index partial_key_index on icf (key) where fruit like '%berry';
insert into icf values (23, 'Blackberry');
insert into icf as t values (23, 'Blackberry') on conflict (key) where fruit like '%berry' and t.fruit = 'inconsequential' do nothing;
select * from icf;
drop table icf;
