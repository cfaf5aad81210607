// verify.html in Debian's chromium, opened from file:// with the network
// blocked (offline context, every non-file request aborted, and every request
// recorded: only the page itself may be loaded). The files come from
// verify_test.sh, which made them with the real binary:
//
//   A/verify.html          the verifier of log A (no witness policy)
//   A/report.html          an honest report of A; A/report.pdf, `report --format pdf`,
//   A/plain.pdf            that PDF with its attachment removed,
//   A/receipt, A/entry, A/other-entry   a record's receipt, its entry, another
//   B/report.html          a report of log B (another key, the same origin name)
//   B/witnessed.html, B/verify.html   B's report after witness w3 cosigned, B's verifier
//   B/receipt, B/prove-receipt, B/entry   B's receipts after the push, the entry
//   C/verify.html          the verifier of log C (witness w1, quorum 1)
//   C/cosigned             C's checkpoint cosigned by w1
//   C/unknown-witness      C's checkpoint cosigned only by w2, unknown to C's policy
//   template.html          the unfilled template
//
//   VERIFY_WORK=DIR node tests/web/verify.test.mjs
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { root, launchChromium, check, assert, finish } from './harness.mjs';
import { parseVerifierKey, fingerprint } from '../../web/js/checkpoint.js';

const W = process.env.VERIFY_WORK;
if (!W) {
  console.error('verify.test.mjs: set VERIFY_WORK (verify_test.sh does)');
  process.exit(2);
}
const f = (p) => path.join(W, p);

const browser = await launchChromium('verify.test.mjs');
const context = await browser.newContext();
await context.setOffline(true);
const requests = [];
await context.route((url) => url.protocol !== 'file:', (r) => r.abort());
const problems = [];

async function openPage(file) {
  const page = await context.newPage();
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => problems.push(`${file}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${file}: console: ${m.text()}`);
  });
  await page.goto(pathToFileURL(f(file)).href);
  await page.waitForSelector('body[data-ready]');
  return page;
}

// Checks `files` (paths under W) and returns {verdict, checks: [{id, result, key, text}], unchecked}.
async function verify(page, files, entry = null) {
  // Empty the file field first: a change of the entry field then checks
  // nothing, and setting the files again is always a change.
  await page.setInputFiles('#files', []);
  await page.setInputFiles('#entry', entry ? [f(entry)] : []);
  await page.evaluate(() => { document.getElementById('verdict').dataset.verdict = ''; });
  await page.setInputFiles('#files', files.map(f));
  // (a selector, not waitForFunction: the page's CSP forbids the eval that polls it)
  await page.waitForSelector('#verdict[data-verdict]:not([data-verdict=""]):not([data-verdict=working])', { timeout: 15000 });
  return page.evaluate(() => ({
    verdict: document.getElementById('verdict').dataset.verdict,
    checks: [...document.querySelectorAll('#checks li')].map((li) => ({
      id: li.dataset.check, result: li.dataset.result, key: li.dataset.key, text: li.textContent,
    })),
    unchecked: document.getElementById('unchecked').textContent,
    figures: document.querySelectorAll('#figures tbody tr').length,
  }));
}

const failures = (r) => r.checks.filter((c) => c.result === 'fail');
const result = (r, id) => r.checks.find((c) => c.id === id)?.result;
const show = (r) => JSON.stringify(r.checks.map((c) => `${c.result} ${c.text}`)).slice(0, 1500);

// A figure of the report shown once, with a value whose digits are easy to change.
const reportHtml = fs.readFileSync(f('A/report.html'), 'utf8');
const block = JSON.parse(reportHtml.match(/<script type="application\/json" id="lifeline-report">([^<]*)<\/script>/)[1]);
const counts = {};
for (const m of reportHtml.matchAll(/<data class="fig" data-key="([^"]+)" value="([^"]*)">/g)) counts[m[1]] = (counts[m[1]] || 0) + 1;
const key = Object.keys(block.figures).find((k) => counts[k] === 1 && /^[1-9][0-9]*$/.test(block.figures[k]) && !k.startsWith('checkpoint.'));
const value = block.figures[key];
const edited = String(Number(value) + 1);
const esc = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
fs.writeFileSync(f('A/edited-json.html'), reportHtml.replace(`"${key}":"${value}"`, `"${key}":"${edited}"`));
fs.writeFileSync(f('A/edited-value.html'), reportHtml.replace(
  new RegExp(`(<data class="fig" data-key="${esc}" value=")${value}(">)`), `$1${edited}$2`));
fs.writeFileSync(f('A/edited-text.html'), reportHtml.replace(
  new RegExp(`(<data class="fig" data-key="${esc}" value="${value}">)([^<]*)(</data>)`), (_, a, t, c) => a + t.replace(/[0-9]/, (d) => String((Number(d) + 1) % 10)) + c));
fs.writeFileSync(f('A/edited-note.html'), reportHtml.replace(/(<pre id="checkpoint-note">[^\n]*\n)([0-9]+)/, (_, a, n) => a + String(Number(n) + 1)));

const pageA = await openPage('A/verify.html');

await check('the pinned key and its fingerprint are shown', async () => {
  const vkey = fs.readFileSync(f('A/log.vkey'), 'utf8').trim();
  const want = await fingerprint(await parseVerifierKey(vkey));
  const got = await pageA.evaluate(() => [document.getElementById('log-vkey').textContent, document.getElementById('fingerprint').textContent]);
  assert(got[0] === vkey, `vkey shown ${got[0]}, want ${vkey}`);
  assert(got[1] === want, `fingerprint shown ${got[1]}, want ${want}`);
  const q = await pageA.textContent('#quorum');
  assert(/none/.test(q) && /no witness policy/.test(q), `quorum shown: ${q}`);
});

await check('an honest report is signed, not witnessed, with every figure agreeing', async () => {
  const r = await verify(pageA, ['A/report.html']);
  assert(failures(r).length === 0, `failures: ${show(r)}`);
  assert(r.verdict === 'signed-not-witnessed', `verdict ${r.verdict}`);
  assert(result(r, 'signature') === 'pass' && result(r, 'figures') === 'pass' && result(r, 'visible-note') === 'pass', show(r));
  assert(r.figures === Object.keys(block.figures).length, `${r.figures} figure rows`);
  assert(/verify-report/.test(r.unchecked) && /Recomputing them needs the log/.test(r.unchecked), `unchecked: ${r.unchecked}`);
});

for (const [file, what] of [['edited-json', 'the data block'], ['edited-value', 'an element\'s value'], ['edited-text', 'an element\'s visible text']]) {
  await check(`a figure edited in ${what} fails, naming the figure (${key})`, async () => {
    const r = await verify(pageA, [`A/${file}.html`]);
    assert(r.verdict === 'failed', `verdict ${r.verdict}`);
    const bad = failures(r);
    assert(bad.length >= 1 && bad.every((c) => c.key === key), `failures: ${show(r)}`);
    assert(bad[0].text.includes(key), bad[0].text);
  });
}

await check('a report whose visible checkpoint note was edited fails', async () => {
  const r = await verify(pageA, ['A/edited-note.html']);
  assert(r.verdict === 'failed' && result(r, 'visible-note') === 'fail', show(r));
});

await check('a report from another log (another key, the same name) fails its signature', async () => {
  const r = await verify(pageA, ['B/report.html']);
  assert(r.verdict === 'failed' && result(r, 'signature') === 'fail', show(r));
});

await check('a receipt verifies with its entry', async () => {
  const r = await verify(pageA, ['A/receipt'], 'A/entry');
  assert(failures(r).length === 0 && result(r, 'proof') === 'pass', show(r));
  assert(r.verdict === 'signed-not-witnessed', r.verdict);
});

await check('a receipt and its entry dropped together verify', async () => {
  const r = await verify(pageA, ['A/receipt', 'A/entry']);
  assert(failures(r).length === 0 && result(r, 'proof') === 'pass', show(r));
});

await check('a receipt fails with another entry', async () => {
  const r = await verify(pageA, ['A/receipt'], 'A/other-entry');
  assert(r.verdict === 'failed' && result(r, 'proof') === 'fail', show(r));
});

await check('a receipt without its entry is not called verified', async () => {
  const r = await verify(pageA, ['A/receipt']);
  assert(r.verdict === 'incomplete' && result(r, 'proof') === 'info', `${r.verdict} ${show(r)}`);
});

await check('a PDF carrying the report is read and its HTML checked; the text layer is said not compared', async () => {
  const r = await verify(pageA, ['A/report.pdf']);
  assert(failures(r).length === 0, show(r));
  assert(result(r, 'pdf') === 'pass' && result(r, 'figures') === 'pass' && r.verdict === 'signed-not-witnessed', show(r));
  assert(/text was NOT compared/.test(r.unchecked), r.unchecked);
});

await check('a PDF carrying an edited report fails naming the figure', async () => {
  const r = await verify(pageA, ['A/edited.pdf']);
  assert(r.verdict === 'failed' && failures(r).some((c) => c.key === key), show(r));
});

await check('a PDF without the attachment is not verifiable', async () => {
  const r = await verify(pageA, ['A/plain.pdf']);
  assert(r.verdict === 'failed' && result(r, 'pdf') === 'fail', show(r));
});

const pageB = await openPage('B/verify.html');

await check('a report of a witnessed log, carrying the cosignature, is verified', async () => {
  const r = await verify(pageB, ['B/witnessed.html']);
  assert(r.verdict === 'verified' && result(r, 'quorum') === 'pass' && failures(r).length === 0, `${r.verdict} ${show(r)}`);
});

await check('the same log\'s report without cosignatures fails the quorum', async () => {
  const r = await verify(pageB, ['B/report.html']);
  assert(r.verdict === 'failed' && result(r, 'quorum') === 'fail' && result(r, 'signature') === 'pass', show(r));
});

for (const f of ['receipt', 'prove-receipt']) {
  await check(`a witnessed log's receipt (B/${f}) carries the cosignature and is verified with its entry`, async () => {
    const r = await verify(pageB, [`B/${f}`], 'B/entry');
    assert(r.verdict === 'verified' && result(r, 'quorum') === 'pass' && result(r, 'proof') === 'pass', `${r.verdict} ${show(r)}`);
  });
}

const pageC = await openPage('C/verify.html');

await check('a checkpoint cosigned by the quorum is verified', async () => {
  const r = await verify(pageC, ['C/cosigned']);
  assert(r.verdict === 'verified' && result(r, 'quorum') === 'pass', `${r.verdict} ${show(r)}`);
});

await check('a checkpoint cosigned only by a witness the policy does not know fails the quorum', async () => {
  const r = await verify(pageC, ['C/unknown-witness']);
  assert(r.verdict === 'failed' && result(r, 'quorum') === 'fail' && result(r, 'signature') === 'pass', show(r));
  assert(result(r, 'unknown-signers') === 'info', show(r));
});

await check('the log\'s own note without cosignatures fails the quorum', async () => {
  const r = await verify(pageC, ['C/plain']);
  assert(r.verdict === 'failed' && result(r, 'quorum') === 'fail', show(r));
});

await check('the unfilled template verifies nothing and says how to make a verifier', async () => {
  const page = await openPage('template.html');
  const text = await page.textContent('#pins-error');
  assert(/lifeline verifier/.test(text), text);
});

await check('nothing but the pages themselves was requested, and no script error or CSP violation', async () => {
  const other = requests.filter((u) => !u.startsWith('file://') || !/\/(verify|template)\.html$/.test(u));
  assert(other.length === 0, `requests: ${other.join(', ')}`);
  assert(problems.length === 0, problems.join('\n'));
});

await check('the page is one file of reasonable size', async () => {
  const n = fs.statSync(f('A/verify.html')).size;
  console.log(`# verify.html: ${n} bytes`);
  assert(n < 4 * 1024 * 1024, `${n} bytes`);
});

await browser.close();
void root;
finish();
