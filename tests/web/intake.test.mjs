#!/usr/bin/env node
// The dashboard's field forms in chromium (npm playwright-core) against a
// real `lifeline serve` (tests/web/intake_test.sh): a monitor fills the
// movement form offline, reloads (the record still waits), comes back
// online and sees it sent with its id and log index and its receipt
// verified in the browser; the log holds it once; the downloaded receipt
// passes `lifeline verify-receipt`. A refused submission shows the field at
// fault; a viewer sees no intake page. Drafts: a half-filled form (a repeat
// too) survives a reload, is listed, opens with every answer, and is gone
// once sent; drafting works offline; another token does not see it; a draft
// of an older form version says what no longer fits. A verifier sees only
// the claim form, opens it from a record page with `about` filled, and its
// claim is appended; a claim about no record is refused naming `about`.
// A token given while the page still loads is kept.
//
// Environment: LIFELINE_URL, LIFELINE_MONITOR, LIFELINE_MONITOR2,
// LIFELINE_VERIFIER and LIFELINE_VIEWER (tokens),
// LIFELINE_BIN and LIFELINE_STORE (the CLI and the served store), CHROMIUM.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serverUrl, launchChromium, check, assert, finish } from './harness.mjs';

const base = serverUrl('intake.test');
const monitor = process.env.LIFELINE_MONITOR;
const viewer = process.env.LIFELINE_VIEWER;
const monitor2 = process.env.LIFELINE_MONITOR2;
const verifier = process.env.LIFELINE_VERIFIER;
const bin = process.env.LIFELINE_BIN;
const store = process.env.LIFELINE_STORE;
if (!monitor || !monitor2 || !verifier || !viewer || !bin || !store) {
  console.error('intake.test: set LIFELINE_MONITOR, LIFELINE_MONITOR2, LIFELINE_VERIFIER, LIFELINE_VIEWER, LIFELINE_BIN and LIFELINE_STORE');
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

// A token made while the server runs is read within a second; every page
// below needs its token known (a server under the sanitizers on a loaded
// machine may take longer: 30 s at most, then the test says which token).
for (const [name, token, want] of [['monitor', monitor, 204], ['second monitor', monitor2, 204],
  ['verifier', verifier, 204], ['viewer', viewer, 403]]) {
  let status = 0;
  for (let i = 0; i < 300 && status !== want; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 100));
    status = (await fetch(`${base}/submission`, { method: 'HEAD', headers: { Authorization: `Bearer ${token}` } })).status;
  }
  if (status !== want) {
    console.error(`intake.test: HEAD /submission with the ${name} token answers ${status}, not ${want}, after 30 s`);
    process.exit(1);
  }
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

// The case, the Lachin corridor road and a date in a movement form.
async function fillWhereWhen(page) {
  await question(page, 'Case').locator('input[type=radio]').first().check();
  await choose(page, 'Route', 'Lachin corridor road (Stepanakert-Goris highway)');
  const day = question(page, 'Date').locator('input').first();
  await day.click();
  await day.pressSequentially(process.env.DATE_TYPED || '01/10/2023');
  await day.press('Enter');
  await page.keyboard.press('Escape');
}

// A movement on the Lachin corridor road, as a monitor would record one.
async function fillMovement(page) {
  await fillWhereWhen(page);
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

// A token given before the page has its messages (a slow connection, a
// loaded machine) is kept: the form's own submission would have reloaded
// the page without it, and the intake link would never show.
await check('a token given while the page still loads is kept, and the intake link shows', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  const p = await ctx.newPage();
  p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await p.route('**/i18n/*.json', async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  await p.goto(`${base}/`, { waitUntil: 'domcontentloaded' });
  await p.locator('.token-box').evaluate((d) => { d.open = true; });
  await p.fill('#token-input', monitor);
  await p.click('#token-form button[type=submit]');
  await p.locator('#intake-link').waitFor({ state: 'visible', timeout: 30000 });
  assert(!p.url().includes('?'), `the form was submitted to ${p.url()}`);
  await ctx.close();
});

const { context, page } = await newPage(monitor);
let sent = null;
const before = await movements();

await check('a monitor sees the intake page, its forms and the movement form', async () => {
  await page.locator('#intake-link').waitFor({ state: 'visible', timeout: 30000 });
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
  // Notes the object URL the link downloads from, to check it is revoked.
  await page.locator('.receipt-download').first().evaluate((a) => a.addEventListener('click', () => {
    setTimeout(() => { window.receiptUrl = a.href; }, 0);
  }));
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('.receipt-download').first().click()]);
  assert(download.suggestedFilename() === `${sent.id}.tlog-proof`, `file name ${download.suggestedFilename()}`);
  const receipt = path.join(tmp, 'r.tlog-proof');
  const entry = path.join(tmp, 'entry');
  await download.saveAs(receipt);
  // The receipt's object URL is revoked once the download has begun.
  const link = page.locator('.receipt-download').first();
  await until(async () => (await link.getAttribute('href')) === '#', 'the receipt link back to "#"');
  const url = await page.evaluate(() => window.receiptUrl);
  assert(/^blob:/.test(url), `the link downloaded from ${url}`);
  const readable = await page.evaluate((u) => fetch(u).then(() => true, () => false), url);
  assert(!readable, 'the receipt\'s object URL can still be read: it was not revoked');
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

await check('a finished form held back is kept, not sent, until its Send button', async () => {
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

// Drafts. The form's fields as the page shows them now.
const valueOf = (p, label) => question(p, label).locator('input, textarea').first().inputValue();
const draftRows = (p) => p.locator('#drafts-table tbody tr');

async function openForm(p, formId) {
  await p.goto(`${base}/#/intake/${formId}`);
  await p.locator('#odk-form[data-ready="true"]').waitFor({ timeout: 30000 });
}

// Waits for the page to say the draft is saved (after `since`, a Date.now()).
const savedAfter = (p, since) => until(async () => Number(await p.locator('#draft-status').getAttribute('data-saved')) >= since,
  'the draft saved');

// Half a movement: operator, persons, direction out, and one cargo line.
async function halfMovement(p) {
  await typeInto(p, 'Operator', 'UNHCR');
  await typeInto(p, 'Persons', '7');
  await choose(p, 'Direction', 'out');
  await p.locator('#odk-form').getByRole('button', { name: 'Add Cargo' }).click();
  await typeInto(p, 'Commodity', 'flour');
  await typeInto(p, 'Quantity', '3');
  await choose(p, 'Unit', 'kg');
}

async function expectHalfMovement(p) {
  assert(await valueOf(p, 'Operator') === 'UNHCR', `operator ${await valueOf(p, 'Operator')}`);
  assert(await valueOf(p, 'Persons') === '7', `persons ${await valueOf(p, 'Persons')}`);
  assert(await question(p, 'Direction').locator('input[type=radio]:checked').count() === 1, 'no direction chosen');
  assert(await question(p, 'Direction').locator('input[type=radio][value="out"]').isChecked(), 'direction is not "out"');
  assert(await valueOf(p, 'Commodity') === 'flour', `cargo commodity ${await valueOf(p, 'Commodity')}`);
  assert(await valueOf(p, 'Quantity') === '3', `cargo quantity ${await valueOf(p, 'Quantity')}`);
  assert(await question(p, 'Unit').locator('input[type=radio][value="kg"]').isChecked(), 'cargo unit is not "kg"');
}

let draftId = '';
const beforeDrafts = await movements();

await check('a half-filled form is kept as a draft as it is typed, and a reload restores every answer', async () => {
  await openForm(page, 'lifeline-movement');
  const since = Date.now();
  await halfMovement(page);
  await savedAfter(page, since);
  draftId = new URL(page.url()).hash.match(/draft=([^&]+)/)[1];
  await page.reload();
  await page.locator('#odk-form[data-ready="true"]').waitFor({ timeout: 30000 });
  await expectHalfMovement(page);
});

await check('the intake page lists the draft; opening it brings back every answer, a repeat\'s too', async () => {
  await page.goto(`${base}/#/intake`);
  const row = draftRows(page).filter({ has: page.locator('.draft-summary', { hasText: 'operator: UNHCR' }) });
  await row.waitFor({ timeout: 20000 });
  assert(await draftRows(page).count() === 1, `${await draftRows(page).count()} drafts listed`);
  assert(await row.getAttribute('data-id') === draftId, 'the listed draft is another');
  assert((await row.locator('.form-name').textContent()).includes('movement'), 'the draft does not name its form');
  assert(await row.locator('time').count() === 1, 'no time of last edit');
  await row.locator('.open-draft').click();
  await page.locator('#odk-form[data-ready="true"]').waitFor({ timeout: 30000 });
  await expectHalfMovement(page);
  assert(await page.locator('#draft-notice').isHidden(), 'a notice shows for a draft of the current form');
});

await check('finished and sent: the draft is gone, the record appended with its receipt verified', async () => {
  await fillWhereWhen(page);
  await question(page, 'Sources').locator('input[type=checkbox]').first().click({ force: true });
  const sentBefore = await page.locator('#outbox-table tbody tr[data-state="sent"]').count();
  await page.locator('#odk-form').getByRole('button', { name: 'Send' }).click();
  await until(async () => (await page.locator('#outbox-table tbody tr[data-state="sent"]').count()) === sentBefore + 1, 'the draft sent');
  await page.locator('#drafts-empty').waitFor({ timeout: 10000 });
  assert(!page.url().includes('draft='), `the address still names the draft: ${page.url()}`);
  const row = page.locator('#outbox-table tbody tr[data-state="sent"]').last();
  await until(async () => (await row.locator('.receipt').getAttribute('data-verified')) === 'true', 'the receipt verified');
  const id = (await row.locator('code.id').textContent()).trim();
  const rec = await api(`/api/v1/records/${encodeURIComponent(id)}`);
  const logged = JSON.parse(Buffer.from(rec.entry, 'base64').toString('utf8'));
  assert(logged.operator === 'UNHCR' && logged.persons === 7 && logged.direction === 'out', `logged ${JSON.stringify(logged)}`);
  assert(logged.cargo?.length === 1 && logged.cargo[0].commodity === 'flour' && logged.cargo[0].unit === 'kg', `cargo ${JSON.stringify(logged.cargo)}`);
  assert(await movements() === beforeDrafts + 1, 'not one movement more');
  const kept = await page.evaluate(async (key) => {
    const db = await new Promise((r) => { const q = indexedDB.open('lifeline-intake'); q.onsuccess = () => r(q.result); });
    return new Promise((r) => { const q = db.transaction('drafts').objectStore('drafts').get(key); q.onsuccess = () => r(q.result); });
  }, draftId);
  assert(!kept, 'the sent draft is still in IndexedDB');
});

await check('offline, a draft is kept, survives a reload and can be discarded; nothing is sent', async () => {
  await openForm(page, 'lifeline-movement');
  await context.setOffline(true);
  const since = Date.now();
  const logged = await movements();
  await typeInto(page, 'Operator', 'offline drafter');
  await savedAfter(page, since);
  await page.reload();
  await page.locator('#odk-form[data-ready="true"]').waitFor({ timeout: 30000 });
  assert(await valueOf(page, 'Operator') === 'offline drafter', `operator ${await valueOf(page, 'Operator')}`);
  await page.locator('#draft-discard').click();
  await page.locator('#drafts-empty').waitFor({ timeout: 10000 });
  await page.locator('#odk-form[data-ready="true"]').waitFor({ timeout: 30000 });
  assert(await valueOf(page, 'Operator') === '', 'the discarded answers are still in the form');
  await context.setOffline(false);
  assert(await movements() === logged, 'a draft reached the log');
});

// Signs this page's tab in with `token` (the header's token box).
async function useToken(p, token) {
  await p.locator('.token-box').evaluate((d) => { d.open = true; });
  await p.fill('#token-input', token);
  await p.click('#token-form button[type=submit]');
}

await check('another token in the same browser sees none of the first token\'s drafts', async () => {
  await openForm(page, 'lifeline-movement');
  const since = Date.now();
  await typeInto(page, 'Operator', 'first monitor');
  await savedAfter(page, since);
  const mine = new URL(page.url()).hash.match(/draft=([^&]+)/)[1];
  await useToken(page, monitor2);
  await page.goto(`${base}/#/intake`);
  await page.locator('#drafts-empty').waitFor({ timeout: 20000 });
  await page.goto(`${base}/#/intake/lifeline-movement?draft=${mine}`);
  await page.locator('#odk-form[data-ready="true"]').waitFor({ timeout: 30000 });
  assert(await valueOf(page, 'Operator') === '', 'the second token opened the first token\'s draft');
  assert((await page.locator('#draft-status').textContent()).includes('not in this browser'), 'no word that the draft is not there');
  const owners = await page.evaluate(async () => {
    const db = await new Promise((r) => { const q = indexedDB.open('lifeline-intake'); q.onsuccess = () => r(q.result); });
    return new Promise((r) => { const q = db.transaction('drafts').objectStore('drafts').getAll(); q.onsuccess = () => r(JSON.stringify(q.result)); });
  });
  assert(!owners.includes(monitor) && !owners.includes(monitor.split('_').pop()), 'a token is stored with the drafts');
  await useToken(page, monitor);
  await page.goto(`${base}/#/intake`);
  await draftRows(page).filter({ has: page.locator('.draft-summary', { hasText: 'first monitor' }) }).waitFor({ timeout: 20000 });
});

await check('a record waiting in the outbox is shown and sent only under the token that filled it', async () => {
  const logged = await movements();
  await context.setOffline(true);
  await openForm(page, 'lifeline-movement');
  await fillMovement(page);
  await page.locator('#odk-form').getByRole('button', { name: 'Send' }).click();
  const waiting = page.locator('#outbox-table tbody tr[data-state="waiting"]');
  await waiting.waitFor({ timeout: 20000 });
  const key = await waiting.getAttribute('data-key');
  // Another monitor takes the browser while it is offline; the connection
  // comes back under that monitor's token.
  await useToken(page, monitor2);
  await context.setOffline(false);
  await page.goto(`${base}/#/intake`);
  await page.locator('#intake-forms a').first().waitFor({ timeout: 20000 });
  await page.waitForTimeout(3000);
  assert(await page.locator(`#outbox-table tbody tr[data-key="${key}"]`).count() === 0,
    'the second token is shown the first token\'s waiting record');
  assert(await movements() === logged, 'the second token sent the first token\'s record');
  await useToken(page, monitor);
  await page.goto(`${base}/#/intake`);
  await until(async () => await movements() === logged + 1, 'the record sent under its own token');
  await page.locator(`#outbox-table tbody tr[data-key="${key}"][data-state="sent"]`).waitFor({ timeout: 20000 });
});

await check('a draft of an older version of the form opens with what still fits and says what does not', async () => {
  const id = await draftRows(page).first().getAttribute('data-id');
  await page.evaluate(async (key) => {
    const req = (r) => new Promise((resolve) => { r.onsuccess = () => resolve(r.result); });
    const db = await req(indexedDB.open('lifeline-intake'));
    const d = await req(db.transaction('drafts').objectStore('drafts').get(key));
    d.formVersion = '1-0000000000';
    d.xml = d.xml.replace('</operator>', '</operator><convoy_lead>Petrosyan</convoy_lead>');
    await req(db.transaction('drafts', 'readwrite').objectStore('drafts').put(d));
  }, id);
  await page.goto(`${base}/#/intake/lifeline-movement?draft=${id}`);
  await page.locator('#odk-form[data-ready="true"]').waitFor({ timeout: 30000 });
  const notice = page.locator('#draft-notice');
  assert(await notice.isVisible(), 'no notice for a draft of an older form');
  const text = await notice.textContent();
  assert(text.includes('older version') && text.includes('1-0000000000') && text.includes('/data/convoy_lead'), `the notice says: ${text}`);
  assert(await notice.getAttribute('data-unfit') === '/data/convoy_lead', `unfit: ${await notice.getAttribute('data-unfit')}`);
  assert(await valueOf(page, 'Operator') === 'first monitor', 'the answer that fits was not restored');
  await page.locator('#draft-discard').click();
  await page.locator('#drafts-empty').waitFor({ timeout: 10000 });
});

// The verifier's form: the claim form, opened from a record page.
const claims = async () => (await api('/api/v1/records?kind=claim&limit=1')).total;
const claimed = (await api('/api/v1/records?kind=movement&limit=1')).records[0];
let vpage = null;

// Fills what a claim needs besides about and case, and sends it.
async function fillClaimAndSend(p, text) {
  await choose(p, 'Stance', 'confirms');
  await typeInto(p, 'Party', 'ICRC');
  await typeInto(p, 'Text', text);
  await question(p, 'Sources').locator('input[type=checkbox]').first().click({ force: true });
  await p.locator('#odk-form').getByRole('button', { name: 'Send' }).click();
}

await check('a verifier sees the claim form only', async () => {
  vpage = (await newPage(verifier)).page;
  // The link shows once HEAD /submission answers 204 for the token: 30 s,
  // as every wait of this test on a server under the sanitizers.
  await vpage.locator('#intake-link').waitFor({ state: 'visible', timeout: 30000 });
  await vpage.click('#intake-link');
  await vpage.locator('#intake-forms a').first().waitFor({ timeout: 20000 });
  const hrefs = await vpage.locator('#intake-forms a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert(hrefs.join(' ') === '#/intake/lifeline-claim', `the verifier's forms: ${hrefs.join(' ')}`);
});

await check('a record page opens the claim form with about filled; the verifier\'s claim is appended', async () => {
  const before = await claims();
  await vpage.goto(`${base}/#/record/${encodeURIComponent(claimed.id)}`);
  await vpage.locator('#claim-link').click();
  await vpage.locator('#odk-form[data-ready="true"]').waitFor({ timeout: 30000 });
  assert(await valueOf(vpage, 'About') === claimed.id, `about is ${await valueOf(vpage, 'About')}, not ${claimed.id}`);
  assert(await question(vpage, 'Case').locator(`input[type=radio][value="${claimed.case}"]`).isChecked(), 'the case is not set');
  await fillClaimAndSend(vpage, 'Confirmed by the ICRC.');
  const row = vpage.locator('#outbox-table tbody tr[data-state="sent"]');
  await row.waitFor({ timeout: 20000 });
  const id = (await row.locator('code.id').textContent()).trim();
  const logged = JSON.parse(Buffer.from((await api(`/api/v1/records/${encodeURIComponent(id)}`)).entry, 'base64').toString('utf8'));
  assert(logged.kind === 'claim' && logged.about === claimed.id && logged.stance === 'confirms', `logged ${JSON.stringify(logged)}`);
  assert(await claims() === before + 1, 'not one claim more');
  await until(async () => (await row.locator('.receipt').getAttribute('data-verified')) === 'true', 'the claim\'s receipt verified');
});

await check('a claim about a record that does not exist is refused, naming about', async () => {
  const before = await claims();
  await vpage.goto(`${base}/#/intake/lifeline-claim?about=mv-no-such-record&case=${encodeURIComponent(claimed.case)}`);
  await vpage.locator('#odk-form[data-ready="true"]').waitFor({ timeout: 30000 });
  assert(await valueOf(vpage, 'About') === 'mv-no-such-record', 'about not filled from the address');
  await fillClaimAndSend(vpage, 'About nothing.');
  const row = vpage.locator('#outbox-table tbody tr[data-state="refused"]');
  await row.waitFor({ timeout: 20000 });
  const field = (await row.locator('.fault-field').textContent()).trim();
  assert(field === 'about', `the field at fault is ${field}: ${await row.innerText()}`);
  assert(await claims() === before, 'the refused claim was appended');
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
