#!/usr/bin/env node
// The dashboard from a `lifeline publish` directory served by a static web
// server alone (nginx in ctest, through tests/web/publish_test.sh): npm's
// playwright-core driving Debian's chromium. Every page the publication
// holds loads its figures and charts with no failed request and no console
// error; what needs the live server says so.
//
//   LIFELINE_URL=http://127.0.0.1:PORT node tests/web/publish.test.mjs
import { serverUrl, launchChromium, check, assert, finish } from './harness.mjs';

const base = serverUrl('publish.test');
const origin = new URL(base).origin;
const pub = await (await fetch(`${base}/publication.json`)).json();
const snap = `${base}/${pub.snapshot}`;
const caseId = (await (await fetch(`${snap}cases.json`)).json()).cases[0].id;
const caseSnap = `${snap}cases/${encodeURIComponent(caseId)}/`;
const caseUrl = (tab = '') => `${base}/#/case/${encodeURIComponent(caseId)}${tab}`;

const browser = await launchChromium('publish.test');
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
const page = await context.newPage();
const problems = [];
const requested = [];
page.on('request', (r) => {
  const u = r.url();
  requested.push(u);
  if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) problems.push(`request to ${u}`);
  if (u.includes('/api/')) problems.push(`the live API was asked: ${u}`);
});
page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}: ${r.failure() && r.failure().errorText}`));
page.on('response', (r) => {
  if (r.status() >= 400) problems.push(`${r.status()} for ${r.url()}`);
});
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
page.on('console', (m) => {
  if (m.type() === 'error') problems.push(`console error: ${m.text()} (${m.location().url})`);
});

await check('the overview shows the headline figures of the snapshot, and says it is a publication', async () => {
  await page.goto(`${base}/`);
  await page.waitForSelector('#routes-table tbody tr', { timeout: 15000 });
  const head = await (await fetch(`${caseSnap}headline.json`)).json();
  const blockade = head.figures.find((f) => f.key === 'blockade.days');
  assert(await page.locator('#key-figures .figure').count() >= 4, 'fewer than 4 key figures');
  const first = await page.locator('#key-figures .figure').first().innerText();
  assert(first.includes(`${blockade.value} days`), `the blockade figure does not show ${blockade.value} days: ${first}`);
  const note = await page.locator('#publication-note').innerText();
  assert(note.includes(String(pub.checkpoint.size)) && /live Lifeline server/.test(note), `publication note: ${note}`);
  assert(await page.locator('.token-box').isHidden(), 'the token box is shown');
  assert(await page.locator('#report-link, #overview-report-link').count() === 0, 'a report link is shown');
});

await check('the trust status checks the published checkpoint against the log key', async () => {
  await page.waitForSelector('#trust-status[data-status] #trust-size', { timeout: 15000 });
  const status = await page.locator('#trust-status').getAttribute('data-status');
  assert(status === 'unwitnessed', `trust status ${status} (want unwitnessed: a log with no witnesses)`);
  const text = await page.locator('#trust-status').innerText();
  const size = new Intl.NumberFormat('en-GB').format(pub.checkpoint.size);
  assert(text.includes(size), `trust status without the checkpoint size ${size}: ${text}`);
  assert(!/FAILED|ALARM/.test(text), `trust status: ${text}`);
});

await check('the charts page draws the indicator charts', async () => {
  await page.goto(caseUrl('/charts'));
  await page.waitForSelector('#chart-routes .uplot', { timeout: 15000 });
  assert(await page.locator('.uplot').count() >= 2, 'fewer than 2 charts');
});

await check('compliance, forecast and map load from the snapshot', async () => {
  await page.goto(caseUrl('/compliance'));
  await page.waitForSelector('#compliance-table tbody tr', { timeout: 15000 });
  await page.goto(caseUrl('/forecast'));
  await page.waitForSelector('[id^=fan-] .uplot', { timeout: 20000 });
  await page.goto(caseUrl('/map'));
  await page.waitForSelector('#map.leaflet-container', { timeout: 15000 });
});

await check('the timeline pages and filters by kind; the server\'s search is said to need the server', async () => {
  const all = await (await fetch(`${caseSnap}records.json`)).json();
  const routes = all.records.filter((r) => r.kind === 'route').length;
  await page.goto(caseUrl('/timeline'));
  await page.waitForSelector('#timeline-table tbody tr', { timeout: 15000 });
  assert((await page.locator('#timeline-count').innerText()).startsWith(`${all.total} `), 'the count is not the snapshot\'s');
  assert(await page.locator('#timeline-table tbody tr').count() === 25, 'not 25 a page');
  assert(await page.locator('#f-text, #f-from').count() === 0, 'search fields shown in a publication');
  assert(/live Lifeline server/.test(await page.locator('#timeline-live-only').innerText()), 'no live-only note');
  await page.selectOption('#f-kind', 'route');
  await page.click('#timeline-filters button[type=submit]');
  await page.waitForFunction(() => location.hash.includes('kind=route'));
  await page.waitForSelector('#timeline-count');
  const count = await page.locator('#timeline-count').innerText();
  assert(count.startsWith(`${routes} `), `kind=route shows "${count}", the snapshot has ${routes}`);
});

await check('a record page shows its proof, checked in the browser against the published checkpoint', async () => {
  await page.goto(caseUrl('/timeline'));
  await page.waitForSelector('#timeline-table tbody tr a');
  await page.locator('#timeline-table tbody tr a').first().click();
  await page.waitForSelector('#verify-button');
  await page.click('#verify-button');
  await page.waitForSelector('#verify-result.verify-ok, #verify-result.verify-partial, #verify-result.verify-fail');
  const text = await page.locator('#verify-result').innerText();
  assert(/Signed by the log and proved at checkpoint size/.test(text), `verify result: ${text}`);
});

await check('no failed request, no console error, nothing from elsewhere or from an API', async () => {
  assert(requested.some((u) => u.endsWith('/checkpoint')), 'the checkpoint was never fetched');
  assert(problems.length === 0, problems.slice(0, 10).join('\n  '));
});

await browser.close();
finish();
