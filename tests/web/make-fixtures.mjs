#!/usr/bin/env node
// DEVELOPMENT AID for the dashboard: builds the JSON the dashboard's API
// (`lifeline serve`, /api/v1/...) returns, from the real CLI's output on a
// store loaded with the bundled case, for tests/web/fixture-server.mjs.
// The browser tests run against the real server in CI (LIFELINE_URL); this
// pair lets the front end be developed and tested without it.
//
//   node tests/web/make-fixtures.mjs LIFELINE_BINARY OUT_DIR [CASE_DIR]
//
// OUT_DIR gets: cases.json, records.json (every current record: the list
// item, "record", and the show fields), routes.json (route id -> record ids,
// as `list --route` gives them), checkpoint.json, and per case
// indicators.json, compliance.json, scenarios.json, forecast-NAME.json and
// report-LANG.html.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [bin, outDir, caseDirArg] = process.argv.slice(2);
if (!bin || !outDir) {
  console.error('usage: make-fixtures.mjs LIFELINE_BINARY OUT_DIR [CASE_DIR]');
  process.exit(2);
}
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const caseDir = path.resolve(caseDirArg || path.join(root, 'data/cases/lachin-2022-23'));
const store = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-web-fixtures-'));

function run(args, { json = true, allowFail = false } = {}) {
  try {
    const out = execFileSync(bin, ['--store', path.join(store, 's'), ...(json ? ['--json'] : []), ...args],
      { encoding: 'utf8', maxBuffer: 512 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
    return json ? JSON.parse(out) : out;
  } catch (e) {
    if (allowFail) return null;
    throw new Error(`lifeline ${args.join(' ')} failed: ${e.stderr || e.message}`);
  }
}

/** Parses a c2sp.org/tlog-proof@v1 receipt (docs/formats.md). */
function parseReceipt(text) {
  const lines = text.split('\n');
  if (lines[0] !== 'c2sp.org/tlog-proof@v1') throw new Error(`not a tlog-proof: ${lines[0]}`);
  let i = 1;
  while (lines[i].startsWith('extra ')) i++;
  const m = /^index (\d+)$/.exec(lines[i++]);
  if (!m) throw new Error('tlog-proof without an index line');
  const proof = [];
  while (lines[i] !== '') proof.push(lines[i++]);
  const note = lines.slice(i + 1).join('\n');
  const [, size, rootB64] = note.split('\n');
  return { index: Number(m[1]), proof, note, size: Number(size), root: rootB64 };
}

fs.mkdirSync(outDir, { recursive: true });
const write = (name, v) => fs.writeFileSync(path.join(outDir, name), typeof v === 'string' ? v : JSON.stringify(v));

execFileSync(bin, ['init', '--origin', 'fixtures.lifeline.invalid/dashboard', path.join(store, 's')], { stdio: 'ignore' });
run(['import', path.join(caseDir, 'records.jsonl')]);

const cases = [];
for (const c of run(['list', '--kind', 'case']).records) cases.push(run(['show', c.id]).record);
write('cases.json', { ok: true, cases });

const records = [];
const routes = {};
for (const c of cases) {
  for (const item of run(['list', '--case', c.id]).records) {
    const show = run(['show', item.id]);
    const receipt = parseReceipt(show.receipt);
    const entry = run(['log', 'entry', '--index', String(show.index)]);
    records.push({
      item: { ...item, record: show.record },
      show: {
        ...show,
        entry: entry.entry_base64,
        leaf_index: receipt.index,
        tree_size: receipt.size,
        root: receipt.root,
        proof: receipt.proof,
        checkpoint_note: receipt.note,
      },
    });
    if (item.kind === 'route') {
      routes[item.id] = run(['list', '--case', c.id, '--route', item.id]).records.map((r) => r.id);
    }
  }
  const dir = path.join(outDir, 'case', c.id);
  fs.mkdirSync(dir, { recursive: true });
  const put = (name, v) => fs.writeFileSync(path.join(dir, name), typeof v === 'string' ? v : JSON.stringify(v));
  put('indicators.json', run(['indicators', '--case', c.id, '--format', 'json']));
  put('compliance.json', run(['compliance', '--case', c.id, '--format', 'json']));
  const scenarioDir = path.join(caseDir, 'scenarios');
  const scenarios = fs.existsSync(scenarioDir) && c.id === path.basename(caseDir)
    ? fs.readdirSync(scenarioDir).filter((f) => f.endsWith('.toml')).map((f) => f.slice(0, -5)).sort() : [];
  put('scenarios.json', { ok: true, scenarios });
  for (const s of scenarios) {
    put(`forecast-${s}.json`, run(['forecast', '--case', c.id, '--format', 'json', '--scenario', path.join(scenarioDir, `${s}.toml`)]));
  }
  for (const lang of ['en', 'hy', 'ru', 'fr']) {
    const file = path.join(dir, `report-${lang}.html`);
    // `lifeline report` is written on another branch; until it is here the
    // report path serves nothing (the fixture server answers 404).
    if (run(['report', '--case', c.id, '--lang', lang, '--format', 'html', '-o', file], { json: false, allowFail: true }) === null) {
      fs.rmSync(file, { force: true });
    }
  }
}
for (const e of entryCheck(records)) console.error(e);
write('records.json', records);
write('routes.json', routes);
const cpText = run(['log', 'checkpoint'], { json: false });
const [, size, rootB64] = cpText.split('\n');
write('checkpoint.json', { ok: true, size: Number(size), root: rootB64, note: cpText });
fs.rmSync(store, { recursive: true, force: true });
console.error(`fixtures: ${records.length} records of ${cases.length} case(s) in ${outDir}`);

function entryCheck(rs) {
  return rs.filter((r) => typeof r.show.entry !== 'string').map((r) => `no entry bytes for ${r.item.id}`);
}
