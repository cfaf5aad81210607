// DuckDB doing, end to end, what `lifeline indicators --format json` and
// `lifeline export --format jsonl` do with the same records: the reference
// in bench/run_e2e.sh. Each run starts a fresh in-memory database, so that
// reading the input is timed as Lifeline's reading of its store is.
//   node e2e.mjs indicators|export FILE OUT
//
// indicators: reads the JSON Lines of bench/gen_records, groups the
//   movements per day x route x direction x operator (movements, vehicles,
//   persons, cargo quantity, and the sorted list of record ids behind each
//   group, as `--format json` lists them) and writes the groups as a JSON
//   array to OUT.
// export: reads the same file and writes it back as JSON Lines to OUT.
// Prints one JSON line: seconds, rows, peak RSS.
import { DuckDBInstance } from '@duckdb/node-api';

const [what, file, out] = process.argv.slice(2);
const start = process.hrtime.bigint();
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
const threads = (await conn.runAndReadAll("SELECT current_setting('threads') AS t")).getRowObjects()[0].t;
await conn.run(`CREATE TABLE t AS SELECT * FROM read_json_auto('${file}', format='newline_delimited')`);
let rows;
if (what === 'indicators') {
  await conn.run(`CREATE TABLE g AS SELECT CAST(date AS DATE) AS date, route, direction, operator,
      count(*) AS movements, sum(vehicles) AS vehicles, sum(persons) AS persons,
      sum(list_sum(list_transform(cargo, c -> c.quantity))) AS cargo,
      list(id ORDER BY id) AS records
    FROM t WHERE kind = 'movement' GROUP BY ALL ORDER BY ALL`);
  await conn.run(`COPY g TO '${out}' (FORMAT JSON, ARRAY true)`);
  rows = (await conn.runAndReadAll('SELECT count(*) AS n FROM g')).getRowObjects()[0].n;
} else {
  await conn.run(`COPY t TO '${out}' (FORMAT JSON)`);
  rows = (await conn.runAndReadAll('SELECT count(*) AS n FROM t')).getRowObjects()[0].n;
}
const secs = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({ what, rows: Number(rows), threads: Number(threads), seconds: secs,
                             peak_rss_mib: process.resourceUsage().maxRSS / 1024 }));
