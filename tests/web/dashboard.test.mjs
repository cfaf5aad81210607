#!/usr/bin/env node
// Browser tests of the dashboard (web/): npm's playwright-core driving
// Debian's chromium against a running server.
//
//   LIFELINE_URL=http://127.0.0.1:8080 node tests/web/dashboard.test.mjs
//
// Environment: LIFELINE_URL (required: a `lifeline serve`; ctest runs it
// through tests/web/dashboard_test.sh), LIFELINE_CASE (default: the first
// case the API lists), LIFELINE_SCREENSHOTS (default build/screenshots),
// CHROMIUM (default /usr/bin/chromium). Prints each check, then
// "N passed, N failed"; exits 1 when any check failed.
import fs from 'node:fs';
import path from 'node:path';
import { root, serverUrl, launchChromium, check, assert, finish } from './harness.mjs';

const base = serverUrl('dashboard.test');
const shots = path.resolve(root, process.env.LIFELINE_SCREENSHOTS || 'build/screenshots');
fs.mkdirSync(shots, { recursive: true });

// Polls fn(arg) in the page (page.evaluate: CDP, allowed by the CSP, unlike
// waitForFunction, which evaluates a string) until it returns true.
async function waitUntil(page, fn, arg, timeout = 15000) {
  const end = Date.now() + timeout;
  for (;;) {
    if (await page.evaluate(fn, arg).catch(() => false)) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${fn.toString().slice(0, 120)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const browser = await launchChromium('dashboard.test');
const origin = new URL(base).origin;
const problems = [];

async function newPage(viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport, locale: 'en-GB' });
  const page = await context.newPage();
  // The dashboard must work offline: nothing may be requested from elsewhere,
  // and nothing may break the CSP or throw.
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) problems.push(`request to ${u}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of (401|403|404)/.test(m.text())) {
      problems.push(`console error: ${m.text()}`);
    }
  });
  return page;
}

const casesRes = await fetch(`${base}/api/v1/cases`);
const cases = (await casesRes.json()).cases || [];
const caseId = process.env.LIFELINE_CASE || (cases[0] && cases[0].id);
if (!caseId) {
  console.error(`dashboard.test: ${base}/api/v1/cases lists no case (HTTP ${casesRes.status})`);
  process.exit(1);
}
const caseUrl = (tab = '') => `${base}/#/case/${encodeURIComponent(caseId)}${tab}`;
const page = await newPage();

await check('the overview shows key figures and each route\'s status now', async () => {
  // `/` opens the case when the API lists only one; with several it lists
  // them all, each linking to its case.
  await page.goto(`${base}/`);
  if (cases.length > 1) {
    await page.waitForSelector('.case-list li a');
    const links = await page.locator('.case-list li a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    for (const c of cases) assert(links.includes(`#/case/${encodeURIComponent(c.id)}`), `/ does not list ${c.id}: ${links}`);
    await page.click(`.case-list a[href="#/case/${encodeURIComponent(caseId)}"]`);
  }
  await page.waitForSelector('#routes-table tbody tr', { timeout: 15000 });
  assert(page.url().includes(`#/case/${encodeURIComponent(caseId)}`), `/ did not open the case: ${page.url()}`);
  const figures = await page.locator('.figure').count();
  assert(figures >= 4, `only ${figures} key figures`);
  // The overview leads with the headline figures of the API (the report's
  // key figures), by the same rules: the blockade's length first.
  const head = await (await fetch(`${base}/api/v1/cases/${encodeURIComponent(caseId)}/headline`)).json();
  const keys = await page.locator('#key-figures .figure').evaluateAll((els) => els.map((e) => e.dataset.key));
  assert(keys[0] === 'blockade.days', `the first key figure is ${keys[0]}`);
  const blockade = head.figures.find((f) => f.key === 'blockade.days');
  const first = await page.locator('#key-figures .figure').first().innerText();
  assert(first.includes(`${blockade.value} days`), `the blockade figure does not show ${blockade.value} days: ${first}`);
  const patients = head.figures.find((f) => f.key === 'movements.patients.out');
  if (patients && patients.value !== null) {
    const shown = await page.locator('[data-key="movements.patients.out"] .figure-value').innerText();
    const n = new Intl.NumberFormat('en-GB').format(patients.value);
    assert(shown === (patients.bound === 'at_least' ? `at least ${n}` : n), `patients: ${shown} for ${patients.value}`);
  }
  // Deaths by party, one line each: never one number across parties.
  const deaths = head.figures.find((f) => f.key === 'casualties');
  // A case with no deaths recorded shows no deaths figure at all.
  const parties = deaths ? deaths.detail.by_party.filter((p) => p.fatalities.best > 0 || p.fatalities.high > 0).length : 0;
  if (parties === 0) {
    assert(await page.locator('[data-key="casualties"]').count() === 0, 'a deaths figure without deaths');
  } else {
    assert(await page.locator('[data-key="casualties"] .deaths li').count() === parties, 'deaths are not one line a party');
    assert(await page.locator('[data-key="casualties"] .figure-value').innerText() === '', 'deaths have a total');
  }
  // Every figure lists the records it rests on.
  assert(await page.locator('[data-key="blockade.days"] .figure-records').count() === 1, 'no records under the blockade');
  await page.click('[data-key="blockade.days"] .figure-records summary');
  assert(await page.locator('[data-key="blockade.days"] .figure-records a').count() > 0, 'no record links');
  const statuses = await page.locator('#routes-table tbody .badge').allInnerTexts();
  assert(statuses.length > 0 && statuses.every((s) => /^(open|restricted|closed|unknown)$/.test(s)), `route statuses: ${statuses}`);
  await page.screenshot({ path: path.join(shots, 'overview.png'), fullPage: true });
});

await check('switching to Armenian translates the page, sets <html lang="hy"> and is remembered', async () => {
  await page.selectOption('#lang-select', 'hy');
  await waitUntil(page, () => document.documentElement.lang === 'hy');
  await page.waitForSelector('#routes-table');
  const nav = await page.locator('#case-nav').innerText();
  assert(/[\u0531-\u058F]/.test(nav), `no Armenian in the navigation: ${nav}`);
  assert(/Ժամանակագրություն/.test(nav), `the timeline link is not translated: ${nav}`);
  const h2 = await page.locator('#figures-h').innerText();
  assert(h2 === 'Հիմնական թվեր', `key figures heading: ${h2}`);
  await page.reload();
  await page.waitForSelector('#routes-table');
  assert(await page.evaluate(() => document.documentElement.lang) === 'hy', 'the language was not remembered');
  assert(await page.locator('#lang-select').inputValue() === 'hy', 'the picker does not show hy after reload');
  await page.screenshot({ path: path.join(shots, 'overview-hy.png') });
});

await check('the report link opens the situation report in the current language', async () => {
  const href = await page.locator('#report-link').getAttribute('href');
  assert(href === `/api/v1/cases/${encodeURIComponent(caseId)}/report?lang=hy`, `report link: ${href}`);
  const [resp] = await Promise.all([page.waitForNavigation(), page.click('#report-link')]);
  assert(resp && resp.status() === 200, `report: HTTP ${resp && resp.status()}`);
  assert(/text\/html/.test(resp.headers()['content-type'] || ''), `report content type ${resp.headers()['content-type']}`);
  const body = await page.locator('body').innerText();
  assert(body.trim().length > 0, 'the report is empty');
  await page.goBack();
  await page.waitForSelector('#routes-table');
  await page.selectOption('#lang-select', 'en');
  await waitUntil(page, () => document.documentElement.lang === 'en');
});

await check('the timeline\'s severity band: a link per day, classes in words, a day\'s deciding records', async () => {
  await page.goto(caseUrl('/timeline'));
  await page.waitForSelector('#severity-band .sev-band a');
  const sev = await (await fetch(`${base}/api/v1/cases/${encodeURIComponent(caseId)}/severity`)).json();
  const links = await page.locator('#severity-band .sev-band a').count();
  assert(links === sev.periods.length, `${links} day links, the API has ${sev.periods.length} days`);
  // The first day the records say food cannot enter (Lachin: the closure of
  // 15 June 2023 onwards; Gaza: 9 October 2023), with its deciding records.
  const day = sev.periods.find((p) => p.criteria.food.answer === 'no' && p.criteria.food.records.length);
  assert(day, 'no day of the case has food "no" with its records');
  const cell = page.locator(`#severity-band a[data-day="${day.from}"]`);
  assert(await cell.getAttribute('data-class') === day.class, 'the cell\'s class is not the API\'s');
  const label = await cell.getAttribute('aria-label');
  assert(label.includes(day.class), `the day's class is not in words: ${label}`);
  assert(/\(\d+\)/.test(await page.locator('#severity-legend').innerText()), 'the legend has no day counts');
  await cell.click();
  await page.waitForSelector('#severity-day');
  const food = await page.locator('#severity-day li[data-criterion="food"]').innerText();
  assert(/: no/.test(food), `food on ${day.from}: ${food}`);
  for (const id of day.criteria.food.records) {
    const rec = page.locator(`#severity-day li[data-criterion="food"] a[href="#/record/${encodeURIComponent(id)}"]`);
    assert(await rec.count() === 1, `${id}, which decided food on ${day.from}, is not linked from the day`);
  }
  await page.screenshot({ path: path.join(shots, 'severity.png'), fullPage: false });
});

let firstRecordId = '';
await check('filtering the timeline by kind=route_status lists only route_status records', async () => {
  await page.goto(caseUrl('/timeline'));
  await page.waitForSelector('#timeline-table');
  const all = await page.locator('#timeline-count').innerText();
  await page.selectOption('#f-kind', 'route_status');
  await page.click('#timeline-filters button[type=submit]');
  await waitUntil(page, () => location.hash.includes('kind=route_status'));
  // Wait for the filtered page itself: while it loads the table is gone, and
  // "every row is a route status" holds for no rows at all.
  await waitUntil(page, () => {
    const cells = [...document.querySelectorAll('#timeline-table tbody tr td:nth-child(3)')];
    return cells.length > 0 && cells.every((td) => td.textContent === 'Route status');
  });
  const kinds = await page.locator('#timeline-table tbody tr td:nth-child(3)').allInnerTexts();
  assert(kinds.length > 0, 'no route_status record listed');
  assert(kinds.every((k) => k === 'Route status'), `other kinds listed: ${[...new Set(kinds)]}`);
  const api = await (await fetch(`${base}/api/v1/records?case=${encodeURIComponent(caseId)}&kind=route_status&limit=1`)).json();
  const count = await page.locator('#timeline-count').innerText();
  assert(count === `${api.total} records`, `count "${count}" but the API has ${api.total}`);
  assert(count !== all, `the filter did not change the count (${all})`);
  firstRecordId = await page.locator('#timeline-table tbody tr th a').first().innerText();
});

await check('a record page shows sources and corroboration, and Verify confirms its inclusion proof', async () => {
  await page.click(`#timeline-table a[href="#/record/${encodeURIComponent(firstRecordId)}"]`);
  await page.waitForSelector('#verify-button');
  const h1 = await page.locator('h1').innerText();
  assert(h1.includes(firstRecordId), `record page heading: ${h1}`);
  assert(await page.locator('#record-sources li').count() > 0, 'no source listed');
  await waitUntil(page, () => /^[0-9a-f]{64}$/.test(document.getElementById('leaf-hash').textContent));
  await page.click('#verify-button');
  await page.waitForSelector('#verify-result.verify-ok, #verify-result.verify-partial, #verify-result.verify-fail');
  const text = await page.locator('#verify-result').innerText();
  const cp = await (await fetch(`${base}/api/v1/records/${encodeURIComponent(firstRecordId)}`)).json();
  // The bundled store has no witnesses (quorum none): signed and proved, and
  // said to be not witnessed, never plain "Verified" (tests/web/trust.test.mjs
  // has the witnessed log).
  assert(/Signed by the log and proved at checkpoint size/.test(text) && /not witnessed/.test(text), `verify result: ${text}`);
  assert(!/Verified/.test(text), `an unwitnessed log is said to be Verified: ${text}`);
  assert(text.includes(cp.root), `the message does not name the root ${cp.root}: ${text}`);
  await page.screenshot({ path: path.join(shots, 'record.png'), fullPage: true });
});

await check('a tampered proof (one bit of one hash flipped in transit) fails verification', async () => {
  const pattern = `**/api/v1/records/${encodeURIComponent(firstRecordId)}`;
  await page.route(pattern, async (route) => {
    const resp = await route.fetch();
    const j = await resp.json();
    const field = j.proof && j.proof.length ? 'proof' : 'entry';
    const flip = (b64) => {
      const b = Buffer.from(b64, 'base64');
      b[0] ^= 1;
      return b.toString('base64');
    };
    if (field === 'proof') j.proof[0] = flip(j.proof[0]);
    else j.entry = flip(j.entry);
    await route.fulfill({ response: resp, json: j });
  });
  await page.reload();
  await page.waitForSelector('#verify-button');
  await page.click('#verify-button');
  await page.waitForSelector('#verify-result.verify-ok, #verify-result.verify-partial, #verify-result.verify-fail');
  const text = await page.locator('#verify-result').innerText();
  assert(/Verification FAILED/.test(text) && /Forged root/.test(text), `a tampered proof gave: ${text}`);
  await page.unroute(pattern);
});

await check('a 403 from the API is shown as such', async () => {
  const pattern = '**/api/v1/cases/*/indicators*';
  await page.route(pattern, (route) => route.fulfill({ status: 403, json: { ok: false, error: 'forbidden: viewer may not read this case' } }));
  await page.goto(caseUrl());
  await page.reload();
  await page.waitForSelector('.error[role=alert]');
  const text = await page.locator('.error').innerText();
  assert(/Not allowed \(403\)/.test(text) && /forbidden/.test(text), `error box: ${text}`);
  await page.unroute(pattern);
});

await check('the map draws country outlines, routes and incidents without any tile server', async () => {
  await page.goto(caseUrl('/map'));
  await page.waitForSelector('#map.leaflet-container');
  await waitUntil(page, () => document.querySelectorAll('#map path').length > 100, null, 30000);
  const interactive = await page.locator('#map path.leaflet-interactive').count();
  const listed = await page.locator('table tbody tr').count();
  assert(interactive > 0, 'no route or incident drawn');
  assert(listed > 0, 'no route or incident listed under the map');
  assert(await page.locator('#map img.leaflet-tile').count() === 0, 'map tiles were requested');
  await page.screenshot({ path: path.join(shots, 'map.png') });
});

await check('the charts page draws the indicator charts, with tables as text alternatives', async () => {
  await page.goto(caseUrl('/charts'));
  await page.waitForSelector('#chart-routes .uplot');
  const charts = await page.locator('.uplot').count();
  assert(charts >= 2, `${charts} charts`);
  assert(await page.locator('figure details table').count() >= 2, 'charts without tables');
  await page.screenshot({ path: path.join(shots, 'charts.png'), fullPage: true });
});

await check('the compliance page lists obligations with a day strip', async () => {
  await page.goto(caseUrl('/compliance'));
  await page.waitForSelector('#compliance-table tbody tr');
  assert(await page.locator('.strip span').count() > 10, 'no day strip');
  // Each evaluated obligation states the rule its days were measured against.
  const api = await (await fetch(`${base}/api/v1/cases/${encodeURIComponent(caseId)}/compliance`)).json();
  const open = api.obligations.find((o) => o.evaluable && o.rule_type === 'route_open');
  if (open) {
    const rule = await page.locator(`#obl-${open.obligation} .rule`).innerText();
    assert(/ open for /.test(rule) && rule.includes(open.for[0]), `route_open rule in words: ${rule}`);
  }
  assert(await page.locator('section[id^="obl-"] .rule').count()
    === api.obligations.filter((o) => o.evaluable).length, 'an evaluated obligation without its rule in words');
  await page.screenshot({ path: path.join(shots, 'compliance.png'), fullPage: true });
});

await check('the risk page states no verdict first and lists the tagged factors with their records', async () => {
  await page.goto(caseUrl('/risk'));
  await page.waitForSelector('#risk-statement');
  const statement = await page.locator('#risk-statement').innerText();
  assert(/states no verdict/.test(statement), `statement: ${statement}`);
  const first = await page.evaluate(() => document.querySelector('main h1').nextElementSibling.id);
  assert(first === 'risk-statement', `the statement is not the first thing under the title (${first})`);
  const api = await (await fetch(`${base}/api/v1/cases/${encodeURIComponent(caseId)}/risk`)).json();
  const tagged = api.factors.filter((f) => f.counts.tags > 0);
  const tags = await (await fetch(`${base}/api/v1/records?case=${encodeURIComponent(caseId)}&kind=tag&limit=1`)).json();
  assert((tags.records.length > 0) === (tagged.length > 0), `tag records: ${tags.records.length}, tagged factors: ${tagged.length}`);
  if (!tagged.length) {  // a case nobody has tagged says so, and shows no table
    assert(await page.locator('#risk-table').count() === 0, 'a table of tags for a case without tags');
    assert(api.totals.tags === 0, `the API counts ${api.totals.tags} tags but no factor has any`);
    return;
  }
  assert(await page.locator('#risk-table tbody tr').count() === tagged.length, 'one row per tagged factor');
  const row = await page.locator('#risk-table tbody tr').first().innerText();
  assert(row.includes(String(tagged[0].counts.tags)), `first row ${row} lacks ${tagged[0].counts.tags} tags`);
  assert(await page.locator('.risk-tag').count() >= api.totals.tags, 'a tag is missing from the page');
  await page.locator('.risk-targets a').first().click();
  await page.waitForSelector('#verify-button');
  await page.goto(caseUrl('/risk'));
  await page.waitForSelector('#risk-table');
  await page.screenshot({ path: path.join(shots, 'risk.png'), fullPage: true });
});

await check('the forecast page draws a fan chart for the chosen scenario', async () => {
  await page.goto(caseUrl('/forecast'));
  await page.waitForSelector('#scenario-select');
  await page.waitForSelector('[id^=fan-] .uplot', { timeout: 20000 });
  await page.screenshot({ path: path.join(shots, 'forecast.png'), fullPage: true });
});

await check('the keyboard reaches the skip link first, then the controls, with a visible focus', async () => {
  // A fresh load: focus starts at the top of the document.
  await page.goto(caseUrl());
  await page.reload();
  await page.waitForSelector('#routes-table');
  await page.keyboard.press('Tab');
  assert(await page.evaluate(() => document.activeElement.id) === 'skip-link', 'Tab does not reach the skip link first');
  await page.keyboard.press('Enter');
  assert(await page.evaluate(() => document.activeElement.id) === 'main', 'the skip link does not move focus to the content');
  await page.reload();
  await page.waitForSelector('#routes-table');
  const seen = [];
  for (let i = 0; i < 25; i++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const el = document.activeElement;
      const cs = getComputedStyle(el);
      return { tag: el.tagName.toLowerCase(), id: el.id, text: (el.textContent || '').trim().slice(0, 30),
        outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2 };
    });
    if (f.tag === 'body' && i >= 8) break; // past the last control
    seen.push(f);
    assert(['a', 'button', 'select', 'input', 'summary', 'main'].includes(f.tag), `focus on a <${f.tag}>`);
    assert(f.outline, `no visible focus outline on <${f.tag}> ${f.id || f.text}`);
  }
  assert(seen.some((f) => f.id === 'lang-select'), 'Tab never reaches the language picker');
  assert(seen.some((f) => f.tag === 'a' && /Timeline/.test(f.text)), 'Tab never reaches the navigation');
});

await check('on a 375x667 phone no page scrolls sideways', async () => {
  const phone = await newPage({ width: 375, height: 667 });
  for (const [name, url, sel] of [
    ['overview', caseUrl(), '#routes-table'],
    ['timeline', caseUrl('/timeline'), '#timeline-table'],
    ['record', `${base}/#/record/${encodeURIComponent(firstRecordId)}`, '#verify-button'],
    ['map', caseUrl('/map'), '#map.leaflet-container'],
    ['charts', caseUrl('/charts'), '#chart-routes .uplot'],
    ['compliance', caseUrl('/compliance'), '#compliance-table'],
    ['risk', caseUrl('/risk'), '#risk-statement'],
    ['forecast', caseUrl('/forecast'), '[id^=fan-] .uplot'],
  ]) {
    await phone.goto(url);
    await phone.waitForSelector(sel);
    const [sw, cw] = await phone.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    assert(sw <= cw, `${name}: the page is ${sw}px wide on a ${cw}px screen`);
    const text = await phone.locator('main').innerText();
    const junk = /\[object \w+\]|\bundefined\b|\bNaN\b|(^|\s)null(\s|$)/.exec(text);
    assert(!junk, `${name}: the page shows "${junk && junk[0].trim()}"`);
    if (name === 'overview' || name === 'record') await phone.screenshot({ path: path.join(shots, `phone-${name}.png`), fullPage: true });
  }
  await phone.context().close();
});

await check('nothing was fetched from another origin and no script error or CSP violation occurred', async () => {
  assert(problems.length === 0, problems.slice(0, 10).join('\n  '));
});

await browser.close();
console.log(`screenshots in ${shots}`);
finish();
