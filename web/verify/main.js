// verify.html: checks a report, a receipt or a checkpoint against the log key
// and witness policy pinned in the page (filled in by `lifeline verifier`).
// Every cryptographic check is web/js/checkpoint.js and web/js/merkle.js;
// this file reads files, runs those checks and says what passed, what
// failed and what it could not check. scripts/web.sh bundles it (with
// pdf.js and its worker module, run on the main thread) into the page.

import {
  parseVerifierKey, fingerprint, parsePolicy, verifyCheckpoint, parseReceipt, verifyReceipt, NoteError,
} from '../js/checkpoint.js';
import { toHex } from '../js/merkle.js';
import { readReport, textDisagrees, ReportError } from './report.js';
import * as pdfjs from 'pdfjs-dist/build/pdf.mjs';
import * as pdfjsWorker from 'pdfjs-dist/build/pdf.worker.mjs';

// pdf.js uses this "worker" on the main thread: no worker file can be loaded
// from file://, and the page's CSP allows none.
globalThis.pdfjsWorker = pdfjsWorker;

const ATTACHMENT = 'lifeline-report.html';
const $ = (id) => document.getElementById(id);

let pins = null; // {key, policy, policyFromFile}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

async function loadPins() {
  let raw;
  try {
    raw = JSON.parse($('lifeline-pins').textContent);
  } catch {
    raw = null;
  }
  if (!raw || typeof raw.log_vkey !== 'string' || typeof raw.policy !== 'string') {
    throw new Error('this page pins no log key: it is the unfilled template. Make a verifier with `lifeline verifier --out verify.html`.');
  }
  const key = await parseVerifierKey(raw.log_vkey);
  const policy = await parsePolicy(raw.policy);
  if (policy.logs.length > 0 && !policy.logs.some((l) => l.text === key.text)) {
    throw new Error('the pinned witness policy does not list the pinned log key');
  }
  return { key, policy, policyFromFile: raw.policy_file === true, fingerprint: await fingerprint(key) };
}

function describeQuorum(policy) {
  if (policy.quorum === 'none') return 'none: a checkpoint signed by the log is accepted without any witness cosignature';
  const names = (n) => {
    if (policy.witnesses.has(n)) return `witness ${n} (${policy.witnesses.get(n).key.name})`;
    const g = policy.groups.get(n);
    const t = g.threshold === 'all' ? 'all' : g.threshold === 'any' ? 'any one' : g.threshold;
    return `${t} of: ${g.members.map(names).join('; ')}`;
  };
  return names(policy.quorum);
}

function showPins() {
  $('log-name').textContent = pins.key.name;
  $('fingerprint').textContent = pins.fingerprint;
  $('log-vkey').textContent = pins.key.text;
  $('quorum').textContent = describeQuorum(pins.policy) + (pins.policyFromFile ? '' : ' (the log has no witness policy)');
}

// --- Results ------------------------------------------------------------

class Outcome {
  constructor(subject) {
    this.subject = subject;
    this.checks = []; // {id, result: pass|fail|info, text, key?}
    this.unchecked = [];
    this.figures = null;
    this.needsProof = false;
    this.proofChecked = false;
    this.quorumNone = pins.policy.quorum === 'none';
  }
  pass(id, text) { this.checks.push({ id, result: 'pass', text }); }
  fail(id, text, key) { this.checks.push({ id, result: 'fail', text, key }); }
  info(id, text) { this.checks.push({ id, result: 'info', text }); }
  get failed() { return this.checks.some((c) => c.result === 'fail'); }
  verdict() {
    if (this.failed) return ['failed', `NOT verified: ${this.checks.filter((c) => c.result === 'fail').length} check(s) failed (listed below).`];
    if (this.needsProof && !this.proofChecked) {
      return ['incomplete', 'Checkpoint checked, but the receipt\'s proof was not: add the entry file the receipt is for.'];
    }
    if (this.quorumNone) {
      return ['signed-not-witnessed', 'Signed by the pinned log, but not witnessed: the pinned policy requires no witness (quorum none), so nothing shows that others saw the same log.'];
    }
    return ['verified', 'Verified: signed by the pinned log and cosigned by the pinned quorum of witnesses' +
      (this.needsProof ? ', and the entry is in the log.' : '.')];
  }
}

function render(o) {
  $('results').hidden = false;
  const [v, text] = o.verdict();
  $('verdict').dataset.verdict = v;
  $('verdict').textContent = text;
  $('subject').textContent = o.subject;
  const list = $('checks');
  list.replaceChildren();
  const label = { pass: 'PASS', fail: 'FAIL', info: 'NOTE' };
  for (const c of o.checks) {
    const attrs = { 'data-check': c.id, 'data-result': c.result };
    if (c.key !== undefined) attrs['data-key'] = c.key;
    list.append(el('li', attrs, el('span', { class: 'tag' }, label[c.result]), ' ', c.text));
  }
  $('unchecked').replaceChildren(...o.unchecked.map((t) => el('li', {}, t)));
  const box = $('figures-box');
  box.hidden = !o.figures;
  if (o.figures) {
    $('figures-note').textContent = o.figures.note;
    $('figures').tBodies[0].replaceChildren(...o.figures.rows.map(([k, v, t]) =>
      el('tr', {}, el('td', { class: 'key' }, k), el('td', {}, v), el('td', {}, t))));
  }
  $('verdict').focus?.();
}

// The checkpoint checks shared by every kind of file.
async function checkCheckpoint(o, noteText) {
  const r = await verifyCheckpoint(noteText, pins.key, pins.policy);
  addCheckpointLines(o, r);
  return r;
}

function addCheckpointLines(o, r) {
  if (!r.checkpoint) {
    o.fail('checkpoint', `the checkpoint cannot be read: ${r.problems.join('; ')}`);
    return;
  }
  const cp = r.checkpoint;
  o.info('checkpoint', `checkpoint of ${cp.origin}: tree size ${cp.size}, root ${cp.rootB64} (hex ${toHex(cp.root)})`);
  if (r.signed) o.pass('signature', `signed by the pinned log key ${pins.key.name}`);
  else o.fail('signature', `no valid signature by the pinned log key ${pins.key.name}: the checkpoint is from another log, or was altered`);
  if (cp.origin !== pins.key.name) o.fail('origin', `the checkpoint names the log "${cp.origin}", not the pinned "${pins.key.name}"`);
  for (const b of r.badCosigners) o.fail('cosignature', `the cosignature of witness ${b} does not verify`);
  if (r.unknownSigners.length) {
    o.info('unknown-signers', `signatures by keys the pinned policy does not know were ignored: ${r.unknownSigners.join(', ')}`);
  }
  if (pins.policy.quorum === 'none') {
    o.info('quorum', 'witnesses: the pinned policy requires none (quorum none)' +
      (r.cosigners.length ? `; cosigned anyway by ${r.cosigners.join(', ')}` : ''));
  } else if (r.quorumMet) {
    o.pass('quorum', `witness quorum met: cosigned by ${r.cosigners.join(', ')}`);
  } else {
    o.fail('quorum', `witness quorum not met: ${describeQuorum(pins.policy)}; valid cosignatures from the pinned witnesses: ${r.cosigners.join(', ') || 'none'}`);
  }
}

// --- Reports -------------------------------------------------------------

async function checkReportHtml(o, html) {
  let rep;
  try {
    rep = readReport(html);
  } catch (e) {
    if (!(e instanceof ReportError)) throw e;
    o.fail('report', e.message);
    return;
  }
  const b = rep.block;
  o.info('report', `report of case ${b.case}, ${b.from} to ${b.to}, language ${b.lang}${b.scenario ? `, forecast scenario ${b.scenario.name}` : ''}`);
  const r = await checkCheckpoint(o, b.checkpoint.note);
  if (r.checkpoint) {
    if (String(r.checkpoint.size) === String(b.checkpoint.size) && r.checkpoint.rootB64 === b.checkpoint.root) {
      o.pass('checkpoint-matches', `the report states the signed checkpoint's size ${b.checkpoint.size} and root ${b.checkpoint.root}`);
    } else {
      o.fail('checkpoint-matches', `the report states size ${b.checkpoint.size} root ${b.checkpoint.root}, but its signed note says size ${r.checkpoint.size} root ${r.checkpoint.rootB64}`);
    }
  }
  if (rep.notes !== 1) o.fail('visible-note', rep.notes === 0 ? 'the report shows no checkpoint note' : 'the report shows more than one checkpoint note');
  else if (rep.shownNote === b.checkpoint.note) o.pass('visible-note', 'the checkpoint note shown on the page is the signed one');
  else o.fail('visible-note', 'the checkpoint note shown on the page differs from the signed one in the data block');

  const figures = b.figures;
  const shown = new Set();
  let bad = 0;
  for (const e of rep.elements) {
    shown.add(e.key);
    if (!Object.hasOwn(figures, e.key)) {
      o.fail('figure', `figure ${e.key}: shown on the page but not in the data block`, e.key); bad++;
    } else if (e.value === null) {
      o.fail('figure', `figure ${e.key}: the element has no value`, e.key); bad++;
    } else if (e.value !== figures[e.key]) {
      o.fail('figure', `figure ${e.key}: the page shows value "${e.value}", the data block says "${figures[e.key]}"`, e.key); bad++;
    } else {
      const why = textDisagrees(e.value, e.text);
      if (why) { o.fail('figure', `figure ${e.key}: ${why}`, e.key); bad++; }
    }
  }
  for (const k of Object.keys(figures)) {
    if (!shown.has(k)) { o.fail('figure', `figure ${k}: in the data block but not shown on the page`, k); bad++; }
  }
  for (const k of ['checkpoint.size', 'checkpoint.root']) {
    const want = k === 'checkpoint.size' ? String(b.checkpoint.size) : b.checkpoint.root;
    if (Object.hasOwn(figures, k) && figures[k] !== want) { o.fail('figure', `figure ${k} says "${figures[k]}", the checkpoint ${want}`, k); bad++; }
  }
  if (!bad) {
    o.pass('figures', `all ${rep.elements.length} figure elements on the page (${Object.keys(figures).length} figures) show the values of the report's data block, and their digits agree`);
  }
  o.figures = {
    note: `${Object.keys(figures).length} figures, as the report states them, computed (says the report) at checkpoint size ${b.checkpoint.size}, root ${b.checkpoint.root}. This page did not recompute them.`,
    rows: Object.keys(figures).sort().map((k) => [k, figures[k], rep.elements.find((e) => e.key === k)?.text ?? '(not shown)']),
  };
  o.unchecked.push(
    'Whether the figures are right. Recomputing them needs the log\'s records: `lifeline --store STORE verify-report REPORT.html` (or ask someone who holds a copy of the log) recomputes every figure at the checkpoint above.',
    'The exact wording of each figure (units, month names, "at least"): only its digits were compared with its value. verify-report compares the exact text.',
    'Text outside the figures (prose, names, tables without figures): a report vouches for its figures and its checkpoint only.',
  );
}

async function checkReportPdf(o, bytes) {
  let doc;
  try {
    doc = await pdfjs.getDocument({
      data: bytes, isEvalSupported: false, disableFontFace: true, useSystemFonts: false, stopAtErrors: false,
      verbosity: 0, enableXfa: false,
    }).promise;
  } catch (e) {
    o.fail('pdf', `the PDF cannot be read: ${e.message}`);
    return;
  }
  try {
    const atts = (await doc.getAttachments()) || {};
    const found = Object.values(atts).filter((a) => a && a.filename === ATTACHMENT);
    if (found.length !== 1) {
      o.fail('pdf', found.length === 0
        ? `the PDF carries no ${ATTACHMENT} attachment: it is not a verifiable Lifeline report (verify the HTML report instead)`
        : `the PDF carries ${found.length} attachments named ${ATTACHMENT}`);
      return;
    }
    o.pass('pdf', `the PDF carries the report's HTML (${ATTACHMENT}, ${found[0].content.length} bytes); checked below`);
    let html;
    try {
      html = new TextDecoder('utf-8', { fatal: true }).decode(found[0].content);
    } catch {
      o.fail('report', `${ATTACHMENT} is not UTF-8 text`);
      return;
    }
    await checkReportHtml(o, html);
    o.unchecked.unshift('The PDF\'s printed text was NOT compared with the embedded report: the checks above are of the embedded HTML. Read the figures from the HTML (save the attachment, or use `lifeline verify-report` on it), not from the printed pages, if the two might differ.');
  } finally {
    await doc.destroy();
  }
}

// --- Receipts and checkpoints ------------------------------------------------

async function checkReceipt(o, receiptBytes, entry) {
  let rc;
  try {
    rc = parseReceipt(receiptBytes);
  } catch (e) {
    if (!(e instanceof NoteError)) throw e;
    o.fail('receipt', e.message);
    return;
  }
  o.needsProof = true;
  o.info('receipt', `receipt for entry ${rc.index}, with a proof of ${rc.proof.length} hash(es)`);
  const r = await verifyReceipt(rc, pins.key, pins.policy, entry ? entry.bytes : null);
  addCheckpointLines(o, r);
  if (!r.checkpoint) return;
  if (rc.index >= r.checkpoint.size) {
    o.fail('proof', `the receipt's index ${rc.index} is not below the tree size ${r.checkpoint.size}`);
  } else if (!entry) {
    o.info('proof', 'the inclusion proof was not checked: add the entry file (for a record, `lifeline log entry --index N`, or the API\'s "entry" field decoded)');
    o.unchecked.push('Which entry the receipt is for: without the entry\'s exact bytes, the proof cannot be tied to a record.');
  } else if (r.entryChecked) {
    o.proofChecked = true;
    o.pass('proof', `the entry ${entry.name} (${entry.bytes.length} bytes) is entry ${rc.index} of the log at size ${r.checkpoint.size}`);
  } else {
    const why = r.problems.filter((p) => /entry|proof|root/.test(p)).join('; ');
    o.fail('proof', `the entry ${entry.name} is not entry ${rc.index} of this checkpoint's tree: ${why || 'the proof does not verify'}`);
  }
}

// --- Files ------------------------------------------------------------------

const RECEIPT_HEADER = 'c2sp.org/tlog-proof@v1\n';

function kindOf(bytes) {
  const pdf = [0x25, 0x50, 0x44, 0x46, 0x2d]; // "%PDF-"
  if (pdf.every((b, i) => bytes[i] === b)) return 'pdf';
  const text = new TextDecoder('utf-8').decode(bytes); // bad bytes become U+FFFD
  if (text.startsWith(RECEIPT_HEADER)) return 'receipt';
  if (text.includes('id="lifeline-report"') || /^\s*<(!doctype|html)/i.test(text)) return 'html';
  if (text.includes('\n\n\u2014 ')) return 'checkpoint';
  return 'other';
}

async function readFile(f) {
  return { name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) };
}

async function checkFiles(files, entryFile) {
  const read = await Promise.all([...files].map(readFile));
  const entry = entryFile ? await readFile(entryFile) : null;
  const kinds = read.map((f) => kindOf(f.bytes));
  const ri = kinds.indexOf('receipt');
  let o;
  if (ri >= 0) {
    const others = read.filter((_, i) => i !== ri);
    const e = entry || (others.length === 1 ? others[0] : null);
    o = new Outcome(`Receipt ${read[ri].name}` + (e ? ` with the entry ${e.name}` : ''));
    if (!entry && others.length > 1) o.fail('files', 'drop a receipt with at most one entry file');
    await checkReceipt(o, read[ri].bytes, e);
  } else if (read.length !== 1) {
    o = new Outcome('Several files');
    o.fail('files', 'drop one report or checkpoint at a time (or a receipt with its entry file)');
  } else {
    const [f] = read;
    const kind = kinds[0];
    o = new Outcome(`${{ pdf: 'PDF report', html: 'Report', checkpoint: 'Checkpoint', other: 'File' }[kind]} ${f.name}`);
    if (kind === 'pdf') await checkReportPdf(o, f.bytes);
    else if (kind === 'html') await checkReportHtml(o, new TextDecoder().decode(f.bytes));
    else if (kind === 'checkpoint') await checkCheckpoint(o, f.bytes);
    else o.fail('file', `${f.name} is not a Lifeline report (HTML or PDF), a tlog-proof receipt or a signed checkpoint`);
    if (kind === 'checkpoint') o.unchecked.push('What the log holds: a checkpoint says only the size and root hash of the log at one moment.');
  }
  render(o);
}

async function run(files) {
  $('results').hidden = false;
  $('verdict').dataset.verdict = 'working';
  $('verdict').textContent = 'Checking…';
  try {
    await checkFiles(files, $('entry').files[0] || null);
  } catch (e) {
    const o = new Outcome('');
    o.fail('error', `the check stopped: ${e.message}`);
    render(o);
  }
}

async function main() {
  $('verdict').tabIndex = -1;
  try {
    pins = await loadPins();
    showPins();
  } catch (e) {
    $('pins-error').hidden = false;
    $('pins-error').textContent = `This page cannot verify anything: ${e.message}`;
    document.body.dataset.ready = 'error';
    return;
  }
  let last = null;
  $('files').addEventListener('change', () => { last = [...$('files').files]; if (last.length) run(last); });
  $('entry').addEventListener('change', () => { if (last && last.length) run(last); });
  const drop = $('drop');
  for (const t of ['dragenter', 'dragover']) {
    document.addEventListener(t, (ev) => { ev.preventDefault(); drop.classList.add('over'); });
  }
  document.addEventListener('dragleave', () => drop.classList.remove('over'));
  document.addEventListener('drop', (ev) => {
    ev.preventDefault();
    drop.classList.remove('over');
    last = [...ev.dataTransfer.files];
    if (last.length) run(last);
  });
  document.body.dataset.ready = 'yes';
}

main();
