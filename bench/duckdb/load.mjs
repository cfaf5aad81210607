// DuckDB reads a CSV (or JSON Lines) file into a table: the comparison for
// `lifeline import` in bench/run_import.sh. Prints one JSON line.
//   node load.mjs csv|jsonl FILE
import { DuckDBInstance } from '@duckdb/node-api';

const [kind, file] = process.argv.slice(2);
const start = process.hrtime.bigint();
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
const reader = kind === 'csv' ? `read_csv('${file}', header=true)` : `read_json_auto('${file}', format='newline_delimited')`;
await conn.run(`CREATE TABLE t AS SELECT * FROM ${reader}`);
const rows = (await conn.runAndReadAll('SELECT count(*) AS n FROM t')).getRowObjects()[0].n;
const secs = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({ rows: Number(rows), seconds: secs, rows_per_s: Number(rows) / secs,
                             peak_rss_mib: process.resourceUsage().maxRSS / 1024 }));
