// segments.mjs: the DuckDB side of bench/segments.sh.
//
// Copyright 2026 The Audiences authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Loads the demo CSV files into in-memory tables with read_csv_auto, shaped
// like the views segments.sh puts over the workspace for the sqlite3 shell:
//
//   c (id, customer_id, <every customer column>)     dates as YYYY-MM-DD text,
//                                                     booleans as 1/0
//   e (customer, event, ts, <every event column>)    customer: c.id or NULL,
//                                                     ts: UTC seconds, each
//                                                     decimal also as <name>_cents
//
// then runs each bench/segments/*.sql (a query of member ids) as a count, with
// its base k and its edited k, and the overlap matrix of all of them.
//
//   node segments.mjs CUSTOMERS.csv EVENTS.csv NOW TODAY ROUNDS FILE.sql...
//
// Prints JSON: times in milliseconds (median of ROUNDS; wall-clock, and CPU
// time of all threads), counts, the matrix.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const [customersCsv, eventsCsv, now, today, roundsText, ...files] = process.argv.slice(2);
const rounds = Number(roundsText);

// The query of FILE with $now, $today and $k replaced (the values are the
// benchmark's own constants, never data).
function instantiate (sql, k) {
  return sql.replaceAll('$now', String(now))
            .replaceAll('$today', `'${today}'`)
            .replaceAll('$k', String(k));
}

function median (values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function quote (text) {
  return `'${text.replaceAll("'", "''")}'`;
}

const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();

async function rows (sql) {
  return (await con.runAndReadAll(sql)).getRowObjects();
}

// Runs SQL ROUNDS times: the median wall-clock and CPU (all threads)
// milliseconds, and the rows.
async function timed (sql) {
  const wall = [];
  const cpu = [];
  let result;
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    result = await rows(sql);
    const usage = process.cpuUsage(startCpu);
    wall.push(performance.now() - start);
    cpu.push((usage.user + usage.system) / 1000);
  }
  return { ms: median(wall), cpu_ms: median(cpu), rows: result };
}

// Loading -------------------------------------------------------------------

const loadStart = performance.now();
const customersSource = `read_csv_auto(${quote(customersCsv)})`;
const eventsSource = `read_csv_auto(${quote(eventsCsv)})`;

const customerColumns = (await rows(`DESCRIBE SELECT * FROM ${customersSource}`))
  .filter(col => col.column_name !== 'customer_id')
  .map(col => {
    const name = `"${col.column_name}"`;
    if (col.column_type === 'DATE')
      return `strftime(${name}, '%Y-%m-%d') AS ${name}`;
    if (col.column_type === 'BOOLEAN')
      return `CAST(${name} AS INTEGER) AS ${name}`;
    return name;
  });
await con.run(`CREATE TABLE c AS
               SELECT CAST(row_number() OVER () AS BIGINT) AS id, customer_id,
                      ${customerColumns.join(', ')}
               FROM ${customersSource}`);

const eventColumns = (await rows(`DESCRIBE SELECT * FROM ${eventsSource}`))
  .filter(col => !['customer_id', 'event', 'timestamp'].includes(col.column_name))
  .flatMap(col => {
    const name = `"${col.column_name}"`;
    if (col.column_type === 'DOUBLE')
      return [`x.${name}`, `CAST(round(x.${name} * 100) AS BIGINT) AS "${col.column_name}_cents"`];
    return [`x.${name}`];
  });
await con.run(`CREATE TABLE e AS
               SELECT c.id AS customer, x.event, CAST(epoch(x.timestamp) AS BIGINT) AS ts,
                      ${eventColumns.join(', ')}
               FROM ${eventsSource} x LEFT JOIN c ON c.customer_id = x.customer_id`);
const loadMs = performance.now() - loadStart;

// Counts --------------------------------------------------------------------

const segments = [];
for (const file of files) {
  const sql = readFileSync(file, 'utf8');
  const match = sql.match(/^-- k: (\S+) (\S+)$/m);
  if (!match)
    throw new Error(`${file}: no "-- k: BASE EDITED" line`);
  const [, base, edited] = match;
  const count = await timed(`SELECT count(*) AS n FROM (${instantiate(sql, base)})`);
  const edit = await timed(`SELECT count(*) AS n FROM (${instantiate(sql, edited)})`);
  segments.push({
    file: basename(file),
    k: [Number(base), Number(edited)],
    count: Number(count.rows[0].n),
    ms: count.ms,
    cpu_ms: count.cpu_ms,
    edited_count: Number(edit.rows[0].n),
    edited_ms: edit.ms,
    edited_cpu_ms: edit.cpu_ms,
    sql: instantiate(sql, base),
  });
}

// Overlap: every segment's members in one table, then the matrix ------------

await con.run(`CREATE TEMP TABLE m AS ` +
              segments.map((s, i) => `SELECT ${i} AS seg, id FROM (${s.sql})`)
                      .join(' UNION ALL '));
const overlap = await timed(`SELECT a.seg AS i, b.seg AS j, count(*) AS n
                             FROM m a JOIN m b ON a.id = b.id GROUP BY 1, 2`);
const matrix = segments.map(() => segments.map(() => 0));
for (const row of overlap.rows)
  matrix[row.i][row.j] = Number(row.n);

const version = (await rows('SELECT version() AS v'))[0].v;
const threads = (await rows("SELECT current_setting('threads') AS t"))[0].t;

console.log(JSON.stringify({
  version,
  threads: Number(threads),
  load_ms: loadMs,
  segments: segments.map(({ sql, ...rest }) => rest),
  overlap_ms: overlap.ms,
  overlap_cpu_ms: overlap.cpu_ms,
  overlap: matrix,
}, null, 2));
