#!/usr/bin/env node
// The dashboard's trust checks (web/js/trust.js) in chromium, against a real
// `lifeline serve` whose answers are rewritten in transit by page.route: a
// hostile server. Each attack must be shown as a failure naming it, never as
// "Verified"; the honest, witnessed log must be shown as verified, with its
// cosigners and the fingerprint `lifeline vkey` prints.
//
//   LIFELINE_URL=... LIFELINE_FINGERPRINT=... LIFELINE_OLDER=FILE LIFELINE_FORK=FILE \
//     node tests/web/trust.test.mjs
//
// tests/web/trust_test.sh (ctest web_trust) makes the store, the witnesses,
// the older cosigned checkpoint and the cosigned fork, and runs this.
import fs from 'node:fs';
import { serverUrl, launchChromium, check, assert, finish } from './harness.mjs';
import * as ed from '../../web/vendor/noble-ed25519/index.js';
import { ALG_ED25519, ALG_COSIGNATURE_V1, keyHash, parseNote } from '../../web/js/checkpoint.js';
import { leafHash, toBase64 } from '../../web/js/merkle.js';

const base = serverUrl('trust.test');
const fingerprint = process.env.LIFELINE_FINGERPRINT || '';
const older = fs.readFileSync(process.env.LIFELINE_OLDER, 'utf8');
const fork = fs.readFileSync(process.env.LIFELINE_FORK, 'utf8');
assert(/^([0-9a-f]{4} ){7}[0-9a-f]{4}$/.test(fingerprint), `LIFELINE_FINGERPRINT "${fingerprint}"`);

const utf8 = new TextEncoder();
const honest = await (await fetch(`${base}/checkpoint`)).text();
const { text: body, signatures } = parseNote(honest);
const origin = body.split('\n')[0];

// Keys the log and its witnesses do not have.
async function makeKey(name, alg, seed) {
  const secret = new Uint8Array(32).fill(seed);
  const pub = await ed.getPublicKeyAsync(secret);
  return { name, secret, hash: await keyHash(name, alg, pub) };
}
function sigLine(k, bytes) {
  const h = k.hash;
  return `\u2014 ${k.name} ${toBase64(Uint8Array.of(h >>> 24, (h >>> 16) & 255, (h >>> 8) & 255, h & 255, ...bytes))}\n`;
}
const impostor = await makeKey(origin, ALG_ED25519, 0x66);
const stranger = await makeKey('witness.example/w9', ALG_COSIGNATURE_V1, 0x67);
const logLine = honest.slice(body.length + 1).split('\n')[0] + '\n';
const signedByImpostor = `${body}\n${sigLine(impostor, await ed.signAsync(utf8.encode(body), impostor.secret))}`
  + honest.slice(body.length + 1 + logLine.length);
const ts = new Uint8Array(8);
new DataView(ts.buffer).setBigUint64(0, 1700000000n);
const strangerCosig = sigLine(stranger, [...ts,
  ...(await ed.signAsync(utf8.encode(`cosignature/v1\ntime 1700000000\n${body}`), stranger.secret))]);
const cosignedByStranger = `${body}\n${logLine}${strangerCosig}`;
assert(signatures.length === 3, `the honest checkpoint has ${signatures.length} signatures, want the log's and 2 cosignatures`);

const browser = await launchChromium('trust.test');
const problems = [];

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
  return page;
}

async function until(page, fn, arg, timeout = 15000) {
  const end = Date.now() + timeout;
  for (;;) {
    if (await page.evaluate(fn, arg).catch(() => false)) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${fn.toString().slice(0, 120)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const recordId = (await (await fetch(`${base}/api/v1/records?case=lachin-2022-23&kind=route_status&limit=1`)).json()).records[0].id;
const recordUrl = `${base}/#/record/${encodeURIComponent(recordId)}`;
const recordPattern = `**/api/v1/records/${encodeURIComponent(recordId)}`;

/** The footer's verdict once it is filled: {status, text, codes}. */
async function footer(page) {
  await until(page, () => !!document.querySelector('#trust-status[data-status]'));
  return page.evaluate(() => {
    const el = document.getElementById('trust-status');
    return { status: el.dataset.status, text: el.innerText, codes: [...el.querySelectorAll('#trust-problems li')].map((li) => li.dataset.code) };
  });
}

/** Opens the record page, clicks Verify: {status, text, codes}. */
async function verifyRecord(page) {
  await page.goto(recordUrl);
  await page.reload();  // after any page.route set before
  await page.waitForSelector('#verify-button');
  await page.click('#verify-button');
  await until(page, () => !!document.querySelector('#verify-result[data-status]'));
  return page.evaluate(() => {
    const el = document.getElementById('verify-result');
    return { status: el.dataset.status, text: el.innerText, codes: [...el.querySelectorAll('li')].map((li) => li.dataset.code) };
  });
}

/** Serves `note` in place of the published checkpoint, on /checkpoint and in the record's answer. */
// Exactly /checkpoint (a glob "**/checkpoint" would take /api/v1/checkpoint too).
const isCheckpoint = (url) => url.pathname === '/checkpoint';

async function serveNote(page, note, recordFix = null) {
  await page.route(isCheckpoint, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: note }));
  await page.route(recordPattern, async (route) => {
    const resp = await route.fetch();
    const j = await resp.json();
    j.checkpoint_note = note;
    if (recordFix) await recordFix(j);
    await route.fulfill({ response: resp, json: j });
  });
}
async function unrouteAll(page) {
  await page.unroute(isCheckpoint);
  await page.unroute(recordPattern);
}

function neverVerified(v, what) {
  assert(!/Verified against/.test(v.text) && !/Log verified/.test(v.text), `${what} says Verified: ${v.text}`);
}

// One browser profile for the whole story: it pins on first use, then meets each attack.
const page = await newPage();

await check('honest, witnessed log: Verified, with the cosigners and the fingerprint the CLI prints', async () => {
  const v = await verifyRecord(page);
  assert(v.status === 'verified', `record page: ${v.status}: ${v.text}`);
  assert(/Verified against checkpoint size/.test(v.text) && /w1, w2/.test(v.text), `record page: ${v.text}`);
  const f = await footer(page);
  assert(f.status === 'verified', `footer: ${f.status}: ${f.text}`);
  const shown = await page.locator('#trust-fingerprint').innerText();
  assert(shown === fingerprint, `footer fingerprint "${shown}", lifeline vkey prints "${fingerprint}"`);
  assert(/cosigned by w1, w2/.test(f.text) && /trusted on first use/.test(f.text), `footer: ${f.text}`);
});

await check('a checkpoint signed by another key is a failure: wrong key', async () => {
  await serveNote(page, signedByImpostor);
  const v = await verifyRecord(page);
  neverVerified(v, 'record page');
  assert(v.status === 'failed' && v.codes.includes('wrong_key'), `record page: ${v.status} ${v.codes}: ${v.text}`);
  assert(/Wrong key/.test(v.text), v.text);
  const f = await footer(page);
  neverVerified(f, 'footer');
  assert(f.codes.includes('wrong_key'), `footer: ${f.codes}`);
  await unrouteAll(page);
});

await check('a cosignature from a witness outside the policy: unknown witness, missing quorum', async () => {
  await serveNote(page, cosignedByStranger);
  const v = await verifyRecord(page);
  neverVerified(v, 'record page');
  assert(v.codes.includes('unknown_witness') && v.codes.includes('quorum'), `record page: ${v.codes}: ${v.text}`);
  assert(/Unknown witness/.test(v.text) && /Missing quorum/.test(v.text), v.text);
  await unrouteAll(page);
});

await check('a proof against a forged root is a failure: forged root', async () => {
  await serveNote(page, honest, async (j) => {
    // Another entry in a tree of its own: self-consistent, but not the signed one.
    const fake = utf8.encode('{"kind":"note","id":"forged"}');
    j.entry = toBase64(fake);
    j.root = toBase64(await leafHash(fake));
    j.tree_size = 1;
    j.leaf_index = 0;
    j.proof = [];
  });
  const v = await verifyRecord(page);
  neverVerified(v, 'record page');
  assert(v.codes.includes('forged_root') && /Forged root/.test(v.text), `record page: ${v.codes}: ${v.text}`);
  await unrouteAll(page);
});

await check('a smaller checkpoint after a larger one was seen: an alarm', async () => {
  await serveNote(page, older);
  const v = await verifyRecord(page);
  neverVerified(v, 'record page');
  assert(v.status === 'alarm' && v.codes.includes('smaller'), `record page: ${v.status} ${v.codes}: ${v.text}`);
  const f = await footer(page);
  assert(f.status === 'alarm' && /ALARM/.test(f.text) && /Smaller checkpoint/.test(f.text), `footer: ${f.status}: ${f.text}`);
  await unrouteAll(page);
});

await check('two roots for one size (a fork cosigned by the same witness keys): an alarm', async () => {
  assert(parseNote(fork).text.split('\n')[1] === body.split('\n')[1], 'the fork is not of the same size');
  await serveNote(page, fork);
  const v = await verifyRecord(page);
  neverVerified(v, 'record page');
  assert(v.status === 'alarm' && v.codes.includes('fork'), `record page: ${v.status} ${v.codes}: ${v.text}`);
  await unrouteAll(page);
});

await check('after the attacks, the honest log verifies again in the same browser', async () => {
  const v = await verifyRecord(page);
  assert(v.status === 'verified', `record page: ${v.status}: ${v.text}`);
});

await check('growth is checked with the server\'s consistency proof; a fork of a seen checkpoint is an alarm', async () => {
  // A fresh browser first sees the older checkpoint, then the current one:
  // the server's consistency proof links them.
  const p = await newPage();
  await serveNote(p, older);
  await p.goto(`${base}/#/`);
  assert((await footer(p)).status === 'verified', 'the older checkpoint did not verify');
  await unrouteAll(p);
  const v = await verifyRecord(p);
  assert(v.status === 'verified', `after growth: ${v.status}: ${v.text}`);
  // Another fresh browser sees the older checkpoint, then the current one
  // with a consistency proof altered in transit: what a server hiding a
  // fork from this reader would have to send.
  const q = await newPage();
  await serveNote(q, older);
  await q.goto(`${base}/#/`);
  assert((await footer(q)).status === 'verified', 'the older checkpoint did not verify');
  // The altered proof is in place before the current checkpoint can reach
  // the page: the dashboard may fetch it, and check growth, at any time
  // once the older one is no longer served.
  await q.route('**/api/v1/consistency*', async (route) => {
    const resp = await route.fetch();
    const j = await resp.json();
    const b = Buffer.from(j.proof[0], 'base64');
    b[0] ^= 1;
    j.proof[0] = b.toString('base64');
    await route.fulfill({ response: resp, json: j });
  });
  await unrouteAll(q);
  const w = await verifyRecord(q);
  neverVerified(w, 'record page');
  assert(w.status === 'alarm' && w.codes.includes('inconsistent'), `forged consistency proof: ${w.status} ${w.codes}: ${w.text}`);
});

await check('a changed witness policy is shown, and the pinned one still applies', async () => {
  const policy = await (await fetch(`${base}/witness-policy`)).text();
  const weaker = policy.replace(/^quorum .*$/m, 'quorum none');
  assert(weaker !== policy, `no quorum line in ${policy}`);
  await page.route('**/witness-policy', (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: weaker }));
  await serveNote(page, `${body}\n${logLine}`);  // no cosignature: fine under "quorum none" only
  const v = await verifyRecord(page);
  neverVerified(v, 'record page');
  assert(v.codes.includes('quorum'), `record page: ${v.codes}: ${v.text}`);
  await page.waitForSelector('#trust-policy-change');
  const f = await footer(page);
  assert(/witness policy changed/.test(f.text), `footer: ${f.text}`);
  await page.unroute('**/witness-policy');
  await unrouteAll(page);
});

await check('#pin=<another key> pins it explicitly; the server\'s checkpoint and policy then fail', async () => {
  const p = await newPage();
  const pub = await ed.getPublicKeyAsync(impostor.secret);
  const vkey = `${origin}+${impostor.hash.toString(16).padStart(8, '0')}+${toBase64(Uint8Array.of(ALG_ED25519, ...pub))}`;
  await p.goto(`${base}/#pin=${encodeURIComponent(vkey)}`);
  const f = await footer(p);
  assert(/pinned by you/.test(f.text), `footer: ${f.text}`);
  assert(f.status === 'failed', `footer: ${f.status}: ${f.text}`);
  const hash = await p.evaluate(() => location.hash);
  assert(!hash.includes('pin='), `the address still holds the pin: ${hash}`);  // #/, then on to the one case
});

await check('no script error', async () => {
  assert(problems.length === 0, problems.join('\n'));
});

await browser.close();
finish();
