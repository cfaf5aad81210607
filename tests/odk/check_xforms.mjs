// Runs Lifeline's XForms in ODK's form engine (see xforms_engine_test.sh).
//   node check_xforms.mjs LIFELINE WEB_DIR FORMS_DIR
// FORMS_DIR holds <kind>.xml for every form, generated with the case "nk",
// its source "src-nk-1" and route "rt-lachin-corridor" as choices, and the
// store they come from (FORMS_DIR/store), which validates the records.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [lifeline, webDir, formsDir] = process.argv.slice(2);
const requireFromWeb = createRequire(path.join(webDir, 'package.json'));
const enginePath = requireFromWeb.resolve('@getodk/xforms-engine');
// The engine is written for browsers: jsdom supplies the DOM, and its
// XPath parser (emscripten) looks for its files beside the bundle.
globalThis.__dirname = path.dirname(enginePath);
globalThis.require = requireFromWeb;
const { JSDOM } = requireFromWeb('jsdom');
const { window } = new JSDOM('<!DOCTYPE html><html><body></body></html>');
for (const k of ['document', 'DOMParser', 'XMLSerializer', 'Node', 'Element', 'Document', 'XMLDocument', 'Text', 'Attr']) {
  if (!globalThis[k]) globalThis[k] = window[k];
}
const { loadForm } = await import(pathToFileURL(enginePath).href);

let failures = 0, passed = 0;
function check(ok, what) {
  if (ok) { passed++; return; }
  failures++;
  console.log(`FAIL ${what}`);
}

// The dashboard's own lookup and draft restore (web/forms/fill.js).
const { findNode: find, fillFromXml } = await import(pathToFileURL(path.join(webDir, 'forms/fill.js')).href);

// Sets the form's fields: {ref: value}; an array value fills a select
// multiple; {repeat: [ {name: value}, ... ]} adds repeat instances.
function fill(root, values) {
  for (const [ref, value] of Object.entries(values)) {
    const node = find(root, ref);
    if (!node) throw new Error(`no node ${ref}`);
    if (node.nodeType.startsWith('repeat-range')) {
      value.forEach((item, i) => {
        node.addInstances();
        fill(root, Object.fromEntries(Object.entries(item).map(([k, v]) => [`${ref}[${i + 1}]/${k}`, v])));
      });
    } else if (Array.isArray(value)) {
      node.selectValues(value);
    } else if (node.nodeType === 'select') {
      node.selectValue(value);
    } else {
      node.setValue(value);
    }
  }
}

async function load(kind) {
  const result = await loadForm(readFileSync(path.join(formsDir, `${kind}.xml`), 'utf8'));
  check(result.status === 'success', `${kind}: the form loads (${result.status}: ${result.error?.message ?? JSON.stringify(result.warnings)})`);
  return result.createInstance().root;
}

const base = { '/data/case': 'nk', '/data/sources': ['src-nk-1'] };
// A filled form of each kind, and the record it must read back as.
const filled = {
  movement: [
    { '/data/route': 'rt-lachin-corridor', '/data/date': '2023-01-15', '/data/direction': 'in', '/data/operator': 'ICRC',
      '/data/persons': '12', '/data/cargo': [{ commodity: 'flour', quantity: '20.5', unit: 't' }] },
    { route: 'rt-lachin-corridor', date: '2023-01-15', direction: 'in', operator: 'ICRC', persons: 12,
      cargo: [{ commodity: 'flour', quantity: 20.5, unit: 't' }] }],
  route_status: [
    { '/data/route': 'rt-lachin-corridor', '/data/from': '2023-01-15T08:30:00Z', '/data/status': 'restricted',
      '/data/restricted': ['cargo', 'commercial'] },
    { route: 'rt-lachin-corridor', status: 'restricted', restricted: ['cargo', 'commercial'] }],
  outage: [{ '/data/utility': 'gas', '/data/from': '2023-01-15T08:30:00Z', '/data/area': 'Stepanakert' },
           { utility: 'gas', area: 'Stepanakert' }],
  incident: [
    { '/data/date': '2023-01-15', '/data/location/name': 'Checkpoint A', '/data/location/lat': '39.6',
      '/data/location/lon': '46.5', '/data/event_type': 'Strategic developments', '/data/fatalities/best': '3',
      '/data/casualties': [{ party: 'civilians', category: 'civilian', 'fatalities/best': '3' }] },
    { date: '2023-01-15', location: { name: 'Checkpoint A', lat: 39.6, lon: 46.5 }, event_type: 'Strategic developments',
      fatalities: { best: 3 }, casualties: [{ party: 'civilians', category: 'civilian', fatalities: { best: 3 } }] }],
  stock: [{ '/data/commodity': 'flour', '/data/date': '2023-01-15', '/data/quantity': '120', '/data/unit': 't' },
          { commodity: 'flour', date: '2023-01-15', quantity: 120, unit: 't' }],
  source: [{ '/data/publisher': 'OCHA', '/data/title': 'Flash update', '/data/url': 'https://example.org/1',
             '/data/credibility': '2' },
           { publisher: 'OCHA', title: 'Flash update', url: 'https://example.org/1', credibility: 2 }],
  evidence: [{ '/data/description': 'the bridge' }, { description: 'the bridge' }],
  // about is set after the form loads, as the dashboard's record page does;
  // value is text in the form and reads back as the claimed field's type.
  claim: [{ '/data/about': 'src-nk-1', '/data/stance': 'disputes', '/data/party': 'OCHA',
            '/data/text': 'rates the source lower', '/data/field': 'credibility', '/data/value': '3' },
          { about: 'src-nk-1', stance: 'disputes', party: 'OCHA', text: 'rates the source lower', field: 'credibility',
            value: 3 }],
};

function subsetOf(want, got, where) {
  for (const [k, v] of Object.entries(want)) {
    if (typeof v === 'object') subsetOf(v, got?.[k], `${where}.${k}`);
    else check(got?.[k] === v, `${where}.${k}: want ${JSON.stringify(v)}, got ${JSON.stringify(got?.[k])}`);
  }
}

for (const [kind, [values, want]] of Object.entries(filled)) {
  const root = await load(kind);
  fill(root, kind === 'source' ? { '/data/case': 'nk', ...values } : { ...base, ...values });
  const violations = root.validationState.violations;
  // The evidence form's file is an upload this script cannot attach.
  const open = violations.filter((v) => !(kind === 'evidence' && v.reference === '/data/file'));
  check(open.length === 0, `${kind}: a filled form has no violation (${open.map((v) => v.reference).join(', ')})`);
  if (kind === 'evidence') continue;
  const payload = await root.prepareInstancePayload();
  const xml = await payload.data[0].get('xml_submission_file').text();
  const file = path.join(formsDir, `${kind}-instance.xml`);
  writeFileSync(file, xml);
  const read = JSON.parse(execFileSync(lifeline, ['--json', '--store', path.join(formsDir, 'store'), 'xform', '--read-instance', file],
                                       { encoding: 'utf8' }));
  check(read.form_id === `lifeline-${kind}`, `${kind}: form id ${read.form_id}`);
  check(/^odk-[0-9a-f-]+$/.test(read.record.id) && read.instance_id === `uuid:${read.record.id.slice(4)}`,
        `${kind}: id ${read.record.id} from ${read.instance_id}`);
  subsetOf({ kind, case: 'nk', ...want }, read.record, kind);
  if (kind !== 'source') check(JSON.stringify(read.record.sources) === '["src-nk-1"]', `${kind}: sources`);
  // The record the engine's instance reads as passes validation as any other.
  const recordFile = path.join(formsDir, `${kind}-record.json`);
  writeFileSync(recordFile, JSON.stringify(read.record));
  try {
    execFileSync(lifeline, ['-q', '--store', path.join(formsDir, 'store'), 'add', '--dry-run', recordFile], { encoding: 'utf8', stdio: 'pipe' });
    check(true, '');
  } catch (e) {
    check(false, `${kind}: the record from the engine's instance is refused: ${e.stderr}`);
  }
}

// A draft of each filled form (the engine's instance XML) restored into a
// fresh instance of the form (web/forms/fill.js, as the dashboard's drafts
// are) gives the same instance again, repeats included, but its own
// instanceID; nothing is left over.
const withoutId = (xml) => xml.replace(/<instanceID>[^<]*<\/instanceID>/, '');
for (const [kind, [values]] of Object.entries(filled)) {
  const root = await load(kind);
  fill(root, kind === 'source' ? { '/data/case': 'nk', ...values } : { ...base, ...values });
  const draft = root.instanceState.instanceXML;
  const restored = await load(kind);
  const unfit = fillFromXml(restored, draft);
  const again = restored.instanceState.instanceXML;
  check(unfit.length === 0, `${kind}: a draft restores with nothing left over (${unfit.join(', ')})`);
  check(withoutId(again) === withoutId(draft), `${kind}: the restored draft differs:\n${draft}\n${again}`);
  check(again !== draft, `${kind}: the restored draft kept the draft's instanceID`);
}
// A draft of an older form: an element the form lacks and a choice it no
// longer offers are named; the rest is restored.
{
  const root = await load('movement');
  fill(root, { ...base, '/data/direction': 'in', '/data/operator': 'ICRC' });
  const old = root.instanceState.instanceXML.replace('<direction>in</direction>', '<direction>sideways</direction>')
    .replace('</operator>', '</operator><convoy>3</convoy>');
  const restored = await load('movement');
  const unfit = fillFromXml(restored, old);
  check(unfit.join(' ') === '/data/direction /data/convoy', `movement: the answers that no longer fit are ${unfit.join(' ')}`);
  check(find(restored, '/data/operator').currentState.value === 'ICRC', 'movement: the answer that fits is not restored');
}

// Each constraint mirrored from validation fires, with Validate's words.
const violated = [
  ['movement', { '/data/persons': '-1' }, '/data/persons', 'persons must be a whole number >= 0'],
  ['movement', { '/data/direction': 'both' }, '/data/direction', 'direction is "both" only for a total over a period'],
  ['movement', { '/data/period/from': '2023-01-10', '/data/period/to': '2023-01-01' }, '/data/period/to', 'period.to is before period.from'],
  ['movement', { '/data/period/to': '2023-01-10' }, '/data/period/from', 'period.from is required'],
  ['movement', { '/data/via': ['rt-lachin-corridor'] }, '/data/via', 'at least two'],
  ['route_status', { '/data/from': '2023-01-10T00:00:00Z', '/data/until': '2023-01-01T00:00:00Z' }, '/data/until', 'until is before from'],
  ['route_status', { '/data/status': 'restricted' }, '/data/restricted', 'restricted is required when status is restricted'],
  ['outage', { '/data/from': '2023-01-10T00:00:00Z', '/data/confirmed_until': '2023-01-01T00:00:00Z' }, '/data/confirmed_until', 'confirmed_until is before from'],
  ['incident', { '/data/location/lat': '100', '/data/location/lon': '46' }, '/data/location/lat', 'lat must be between -90 and 90'],
  ['incident', { '/data/location/lat': '39' }, '/data/location/lon', 'lat and lon must be given together'],
  ['incident', { '/data/location/country': 'Armenia' }, '/data/location/country', 'ISO 3166-1 alpha-3'],
  ['incident', { '/data/access_constraint': '10' }, '/data/access_constraint', 'access_constraint must be a whole number from 1 to 9'],
  ['incident', { '/data/fatalities/low': '2' }, '/data/fatalities/best', 'fatalities.best is required'],
  ['stock', { '/data/quantity': '-1' }, '/data/quantity', 'quantity must be a number >= 0'],
  ['source', { '/data/url': 'ftp://example.org' }, '/data/url', 'url must be an http(s) URL'],
  ['source', { '/data/archived_sha256': 'ABC' }, '/data/archived_sha256', '64 lowercase hex digits'],
  ['source', { '/data/credibility': '7' }, '/data/credibility', 'credibility must be a whole number from 1 to 6'],
  ['movement', {}, '/data/route', 'route is required'],
  ['claim', { '/data/about': 'Not an id' }, '/data/about', 'about must be a record id'],
  ['claim', { '/data/value': '3' }, '/data/value', "value is what the party says one field is: give that field's name in field"],
  ['claim', {}, '/data/about', 'about is required'],
];
for (const [kind, values, ref, message] of violated) {
  const root = await load(kind);
  fill(root, values);
  const node = find(root, ref);
  const v = node.validationState.violation;
  const text = v?.message?.asString ?? '';
  check(v !== null && text.includes(message), `${kind} ${JSON.stringify(values)}: ${ref} says "${message}" (got ${v?.condition}: "${text}")`);
}

// route_status: restricted is not asked for (and not sent) when the route is open.
{
  const root = await load('route_status');
  fill(root, { '/data/status': 'open' });
  check(find(root, '/data/restricted').currentState.relevant === false, 'route_status: restricted is not relevant when open');
}

console.log(`${passed} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
