#!/usr/bin/env node
// The dashboard's field forms in chromium (npm playwright-core) against a
// real `lifeline serve` (tests/web/intake_test.sh): a monitor fills the
// movement form offline, reloads (the record still waits), comes back
// online and sees it sent with its id and log index and its receipt
// verified in the browser; the log holds it once; the downloaded receipt
// passes `lifeline verify-receipt`. A refused submission shows the field at
// fault; a viewer sees no intake page.
//
// Environment: LIFELINE_URL, LIFELINE_MONITOR and LIFELINE_VIEWER (tokens),
// LIFELINE_BIN and LIFELINE_STORE (the CLI and the served store), CHROMIUM.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serverUrl, launchChromium, check, assert, finish } from './harness.mjs';

const base = serverUrl('intake.test');
const monitor = process.env.LIFELINE_MONITOR;
const viewer = process.env.LIFELINE_VIEWER;
const bin = process.env.LIFELINE_BIN;
const store = process.env.LIFELINE_STORE;
if (!monitor || !viewer || !bin || !store) {
  console.error('intake.test: set LIFELINE_MONITOR, LIFELINE_VIEWER, LIFELINE_BIN and LIFELINE_STORE');
  process.exit(2);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-test-'));
const browser = await launchChromium('intake.test');
const problems = [];

const api = async (p, token = monitor) => {
  const res = await fetch(`${base}${p}`, { headers: { Authorization: `Bearer ${token}` } });
  return res.json();
};
const movements = async () => (await api('/api/v1/records?kind=movement&limit=1')).total;

// A token made while the server runs is read within a second.
for (let i = 0; i < 50; i++) {
  const res = await fetch(`${base}/submission`, { method: 'HEAD', headers: { Authorization: `Bearer ${monitor}` } });
  if (res.status === 204) break;
  await new Promise((r) => setTimeout(r, 100));
}

async function newPage(token) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`${base}/`);
  await page.locator('.token-box').evaluate((d) => { d.open = true; });
  await page.fill('#token-input', token);
  await page.click('#token-form button[type=submit]');
  return { context, page };
}

// The question labelled `label` in the rendered form.
const question = (page, label) => page.locator('.question-container')
  .filter({ has: page.locator(`label:text-is("${label}")`) }).first();

async function typeInto(page, label, text) {
  const input = question(page, label).locator('input, textarea').first();
  await input.click();
  await input.pressSequentially(text);
  await input.blur();
}

async function choose(page, label, option) {
  await question(page, label).getByText(option, { exact: true }).first().click();
}

// A movement on the Lachin corridor road, as a monitor would record one.
async function fillMovement(page) {
  await question(page, 'Case').locator('input[type=radio]').first().check();
  await choose(page, 'Route', 'Lachin corridor road (Stepanakert-Goris highway)');
  const day = question(page, 'Date').locator('input').first();
  await day.click();
  await day.pressSequentially(process.env.DATE_TYPED || '01/10/2023');
  await day.press('Enter');
  await page.keyboard.press('Escape');
  await choose(page, 'Direction', 'in');
  await typeInto(page, 'Operator', 'ICRC');
  await typeInto(page, 'Persons', '12');
  const source = question(page, 'Sources').locator('input[type=checkbox]').first();
  await source.click({ force: true });
  assert(await source.isChecked(), 'the first source is not ticked');
}

// Polls fn() (in node) until it returns a truthy value.
async function until(fn, what, timeout = 20000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

// In the page: a copy of the sent record's instance, naming a route the
// log does not have, put in the outbox as waiting.
async function refuseCopy() {
  const req = (r) => new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const db = await req(indexedDB.open('lifeline-intake'));
  const all = await req(db.transaction('records').objectStore('records').getAll());
  const src = all.find((x) => x.state === 'sent');
  const xml = await src.parts.find((p) => p.name === 'xml_submission_file').blob.text();
  const key = `uuid:${crypto.randomUUID()}`;
  const edited = xml.replace(/<route>[^<]*<\/route>/, '<route>rt-no-such-route</route>')
    .replace(/<instanceID>[^<]*<\/instanceID>/, `<instanceID>${key}</instanceID>`);
  const parts = [{ name: 'xml_submission_file', blob: new Blob([edited], { type: 'text/xml' }), fileName: 'submission.xml' }];
  const now = Date.now();
  await req(db.transaction('records', 'readwrite').objectStore('records').put({
    key, formId: src.formId, formName: src.formName, state: 'waiting', parts, created: now, updated: now, attempts: 0, nextTry: 0,
  }));
  db.close();
}

const rowState = (page) => page.locator('#outbox-table tbody tr').first().getAttribute('data-state');

const { context, page } = await newPage(monitor);
let sent = null;
const before = await movements();

await check('a monitor sees the intake page, its forms and the movement form', async () => {
  await page.locator('#intake-link').waitFor({ state: 'visible', timeout: 15000 });
  await page.click('#intake-link');
  await page.locator('#intake-forms a[href="#/intake/lifeline-movement"]').click();
  await page.locator('#odk-form .question-container').first().waitFor({ timeout: 20000 });
  // The service worker controls the page before it goes offline.
  await until(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller)), 'the service worker');
});

await check('offline: a filled movement form waits in the outbox, and a reload keeps it', async () => {
  await context.setOffline(true);
  await page.locator('#intake-connection', { hasText: 'Offline' }).waitFor();
  await fillMovement(page);
  await page.locator('#odk-form').getByRole('button', { name: 'Send' }).click();
  await until(async () => (await rowState(page)) === 'waiting', 'the record waiting').catch(async (e) => {
    await page.screenshot({ path: path.join(tmp, '..', 'intake-test-send.png'), fullPage: true });
    const errors = await page.locator('#odk-form .question-container', { hasText: /Condition|required|must/ }).allInnerTexts();
    throw new Error(`${e.message}; the form says: ${errors.join(' | ').slice(0, 600)}`);
  });
  await page.reload();
  await until(async () => (await rowState(page)) === 'waiting', 'the record still waiting after the reload');
  assert(await movements() === before, 'a record reached the log while offline');
});

await check('back online: sent with its id and log index, the receipt verified in the browser', async () => {
  await context.setOffline(false);
  await until(async () => (await rowState(page)) === 'sent', 'the record sent').catch(async (e) => {
    throw new Error(`${e.message}: ${await page.locator('#outbox-table tbody tr').first().innerText()}`);
  });
  const row = page.locator('#outbox-table tbody tr').first();
  const id = (await row.locator('code.id').textContent()).trim();
  const index = Number((await row.locator('.log-index').textContent()).replace(/[^0-9]/g, ''));
  await until(async () => (await row.locator('.receipt').getAttribute('data-verified')) === 'true', 'the receipt verified');
  const rec = await api(`/api/v1/records/${encodeURIComponent(id)}`);
  assert(rec.ok && rec.index === index, `the page says index ${index}, the API ${JSON.stringify(rec.index)}`);
  assert(await movements() === before + 1, `movements went from ${before} to ${await movements()}, not up by one`);
  sent = { id, index, entry: rec.entry };
});

await check('the downloaded receipt passes `lifeline verify-receipt`', async () => {
  assert(sent, 'nothing was sent');
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('.receipt-download').first().click()]);
  assert(download.suggestedFilename() === `${sent.id}.tlog-proof`, `file name ${download.suggestedFilename()}`);
  const receipt = path.join(tmp, 'r.tlog-proof');
  const entry = path.join(tmp, 'entry');
  await download.saveAs(receipt);
  fs.writeFileSync(entry, Buffer.from(sent.entry, 'base64'));
  const out = execFileSync(bin, ['--store', store, 'verify-receipt', receipt, entry], { encoding: 'utf8' });
  assert(/^OK /.test(out), `verify-receipt says: ${out}`);
});

await check('a refused submission shows the field at fault', async () => {
  // The form offers only the log's routes; an instance naming another (as a
  // stale copy of a form would) is refused by the server's validation.
  await page.evaluate(refuseCopy);
  await context.setOffline(true);
  await context.setOffline(false);
  const row = page.locator('#outbox-table tbody tr[data-state="refused"]');
  await row.waitFor({ timeout: 20000 });
  const field = (await row.locator('.fault-field').textContent()).trim();
  assert(field === 'route', `the field at fault is ${field}`);
  assert(await movements() === before + 1, 'the refused record was appended');
});

await check('a draft is kept, not sent, until its Send button', async () => {
  await page.locator('#intake-draft').check();
  assert(await page.locator('#intake-draft').isChecked(), 'the draft box is not ticked');
  await fillMovement(page);
  await page.locator('#odk-form').getByRole('button', { name: 'Send' }).click();
  const draft = page.locator('#outbox-table tbody tr[data-state="draft"]');
  await draft.waitFor({ timeout: 20000 });
  await page.waitForTimeout(1500);
  assert(await movements() === before + 1, 'the draft was appended');
  await draft.locator('.send-draft').click();
  await until(async () => (await page.locator('#outbox-table tbody tr[data-state="sent"]').count()) === 2, 'the draft sent');
  assert(await movements() === before + 2, `movements went from ${before} to ${await movements()}, not up by two`);
});

await check('a viewer sees no intake page', async () => {
  const v = await newPage(viewer);
  await v.page.waitForTimeout(1000);
  assert(!(await v.page.locator('#intake-link').isVisible()), 'the intake link shows for a viewer');
  await v.page.goto(`${base}/#/intake`);
  await v.page.locator('#intake-denied').waitFor({ timeout: 10000 });
  await v.context.close();
});

await check('no page error', async () => {
  assert(problems.length === 0, problems.join('\n'));
});

await browser.close();
fs.rmSync(tmp, { recursive: true, force: true });
finish();
