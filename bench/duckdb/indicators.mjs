// DuckDB doing the daily-indicator aggregation of bench/indicators_bench
// over the same rows: the comparison in bench/run_analysis.sh. The CSV is
// read into a table first (timed apart as the load); then only the
// aggregation is timed, R times. Prints one JSON line.
//   node indicators.mjs FILE [R]
//
// The queries compute what lifeline's ComputeIndicators computes from
// movements and cargo: per day x operator x direction, delivered
// (completed) and stopped movements, vehicles, persons, patients; per day x
// route, delivered movements and figures (for the baselines); per day x
// commodity x unit, inbound cargo delivered and stopped; per day x route x
// unit, inbound delivered cargo. Results stay in DuckDB (temporary tables):
// no time is spent handing rows to JavaScript.
import { DuckDBInstance } from '@duckdb/node-api';

const [file, repsArg] = process.argv.slice(2);
const reps = Number(repsArg || 1);
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
const threads = (await conn.runAndReadAll("SELECT current_setting('threads') AS t")).getRowObjects()[0].t;

let t = process.hrtime.bigint();
await conn.run(`CREATE TABLE m AS SELECT * FROM read_csv('${file}', header=true, columns={
  'id': 'VARCHAR', 'date': 'DATE', 'route': 'VARCHAR', 'operator': 'VARCHAR', 'direction': 'VARCHAR',
  'outcome': 'VARCHAR', 'vehicles': 'BIGINT', 'persons': 'BIGINT', 'patients': 'BIGINT',
  'commodity': 'VARCHAR', 'quantity': 'DOUBLE', 'unit': 'VARCHAR'})`);
const loadSecs = Number(process.hrtime.bigint() - t) / 1e9;
const rows = Number((await conn.runAndReadAll('SELECT count(*) AS n FROM m')).getRowObjects()[0].n);

const queries = [
  `CREATE OR REPLACE TEMP TABLE flows AS SELECT date, operator, direction,
     count(*) FILTER (WHERE outcome = 'completed') AS movements,
     coalesce(sum(vehicles) FILTER (WHERE outcome = 'completed'), 0) AS vehicles,
     coalesce(sum(persons) FILTER (WHERE outcome = 'completed'), 0) AS persons,
     coalesce(sum(patients) FILTER (WHERE outcome = 'completed'), 0) AS patients,
     count(*) FILTER (WHERE outcome <> 'completed') AS stopped_movements,
     coalesce(sum(vehicles) FILTER (WHERE outcome <> 'completed'), 0) AS stopped_vehicles,
     coalesce(sum(persons) FILTER (WHERE outcome <> 'completed'), 0) AS stopped_persons,
     coalesce(sum(patients) FILTER (WHERE outcome <> 'completed'), 0) AS stopped_patients
   FROM m GROUP BY date, operator, direction`,
  `CREATE OR REPLACE TEMP TABLE by_route AS SELECT date, route, count(*) AS movements,
     sum(vehicles) AS vehicles, sum(persons) AS persons, sum(patients) AS patients
   FROM m WHERE outcome = 'completed' GROUP BY date, route`,
  `CREATE OR REPLACE TEMP TABLE cargo AS SELECT date, commodity, unit,
     coalesce(sum(quantity) FILTER (WHERE outcome = 'completed'), 0) AS delivered,
     coalesce(sum(quantity) FILTER (WHERE outcome <> 'completed'), 0) AS stopped
   FROM m WHERE direction = 'in' AND commodity IS NOT NULL GROUP BY date, commodity, unit`,
  `CREATE OR REPLACE TEMP TABLE route_cargo AS SELECT date, route, unit, sum(quantity) AS delivered
   FROM m WHERE direction = 'in' AND outcome = 'completed' AND commodity IS NOT NULL GROUP BY date, route, unit`,
];
const secs = [];
for (let r = 0; r < reps; r++) {
  t = process.hrtime.bigint();
  for (const q of queries) await conn.run(q);
  secs.push(Number(process.hrtime.bigint() - t) / 1e9);
}
const check = (await conn.runAndReadAll(`SELECT
  (SELECT count(*) FROM flows) AS flow_groups,
  (SELECT sum(movements + stopped_movements) FROM flows) AS movements,
  (SELECT sum(vehicles + stopped_vehicles) FROM flows) AS vehicles,
  (SELECT count(*) FROM cargo) AS cargo_groups,
  (SELECT sum(delivered + stopped) FROM cargo) AS cargo_kg`)).getRowObjects()[0];
const sorted = [...secs].sort((a, b) => a - b);
console.log(JSON.stringify({
  rows, threads: Number(threads), load_seconds: loadSecs, seconds: secs, seconds_median: sorted[Math.floor(sorted.length / 2)],
  peak_rss_mib: process.resourceUsage().maxRSS / 1024,
  check: Object.fromEntries(Object.entries(check).map(([k, v]) => [k, Number(v)])),
}));
