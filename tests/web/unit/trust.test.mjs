// Unit tests of web/js/trust.js (what the dashboard pins and remembers, and
// its verdict on each checkpoint), run with `node --test tests/web/unit/`.
// A log, its witnesses and a real tree are made here; storage is an object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALG_COSIGNATURE_V1, ALG_ED25519 } from '../../../web/js/checkpoint.js';
import { leafHash, nodeHash, toBase64 } from '../../../web/js/merkle.js';
import { makeKey, sign, cosign } from './signers.mjs';
import { checkCheckpoint, checkRecord, pinKey, acceptPolicy, trustState, pinFromHash } from '../../../web/js/trust.js';

const utf8 = new TextEncoder();

// RFC 6962 MTH and PROOF, recursive as the specification writes them.
async function mth(l) {
  if (l.length === 1) return l[0];
  let k = 1;
  while (k * 2 < l.length) k *= 2;
  return nodeHash(await mth(l.slice(0, k)), await mth(l.slice(k)));
}
async function subproof(m, l, whole) {
  if (m === l.length) return whole ? [] : [await mth(l)];
  let k = 1;
  while (k * 2 < l.length) k *= 2;
  if (m <= k) return [...(await subproof(m, l.slice(0, k), whole)), await mth(l.slice(k))];
  return [...(await subproof(m - k, l.slice(k), false)), await mth(l.slice(0, k))];
}
async function path(m, l) {
  if (l.length === 1) return [];
  let k = 1;
  while (k * 2 < l.length) k *= 2;
  if (m < k) return [...(await path(m, l.slice(0, k))), await mth(l.slice(k))];
  return [...(await path(m - k, l.slice(k))), await mth(l.slice(0, k))];
}

async function world({ quorum = 'g' } = {}) {
  const log = await makeKey('example.org/log', ALG_ED25519, 1);
  const w1 = await makeKey('w1.example', ALG_COSIGNATURE_V1, 2);
  const w2 = await makeKey('w2.example', ALG_COSIGNATURE_V1, 3);
  const policy = quorum === 'none' ? `log ${log.text}\nquorum none\n`
    : `log ${log.text}\nwitness one ${w1.text}\nwitness two ${w2.text}\ngroup g 2 one two\nquorum g\n`;
  const entries = Array.from({ length: 12 }, (_, i) => utf8.encode(`entry ${i}`));
  const leaves = await Promise.all(entries.map(leafHash));
  const mem = new Map();
  const storage = { getItem: (k) => (mem.has(k) ? mem.get(k) : null), setItem: (k, v) => mem.set(k, String(v)) };
  const w = {
    log, w1, w2, entries, leaves, storage, servedPolicy: policy, servedKey: log.text,
    async note(size, { by = log, witnesses = [w1, w2], leavesOf = leaves } = {}) {
      const body = `example.org/log\n${size}\n${toBase64(await mth(leavesOf.slice(0, size)))}\n`;
      let sigs = await sign(by, body);
      for (const x of witnesses) sigs += await cosign(x, body);
      return `${body}\n${sigs}`;
    },
    env() {
      return {
        storage, origin: 'http://log.example',
        logKey: async () => w.servedKey,
        policy: async () => w.servedPolicy,
        consistency: async (from, to) => (await subproof(Number(from), leaves.slice(0, Number(to)), true)).map(toBase64),
      };
    },
  };
  return w;
}

test('first use pins the served key and policy; a witnessed checkpoint is verified', async () => {
  const w = await world();
  const r = await checkCheckpoint(w.env(), await w.note(5));
  assert.equal(r.status, 'verified', JSON.stringify(r.failures));
  assert.equal(r.firstUse, true);
  assert.equal(r.key.how, 'tofu');
  assert.deepEqual(r.cosigners, ['one', 'two']);
  assert.match(r.key.fingerprint, /^([0-9a-f]{4} ){7}[0-9a-f]{4}$/);
  // The server now claims another key: the pinned one is kept and applied.
  w.servedKey = (await makeKey('example.org/log', ALG_ED25519, 9)).text;
  const again = await checkCheckpoint(w.env(), await w.note(5));
  assert.equal(again.status, 'verified');
  assert.equal(again.firstUse, false);
});

test('another key, a missing quorum, an unknown witness: failures naming each', async () => {
  const w = await world();
  await checkCheckpoint(w.env(), await w.note(3));
  const impostor = await makeKey('example.org/log', ALG_ED25519, 7);
  let r = await checkCheckpoint(w.env(), await w.note(5, { by: impostor }));
  assert.equal(r.status, 'failed');
  assert.deepEqual(r.failures.map((f) => f.code), ['wrong_key']);
  const stranger = await makeKey('w9.example', ALG_COSIGNATURE_V1, 8);
  r = await checkCheckpoint(w.env(), await w.note(5, { witnesses: [w1Of(w), stranger] }));
  assert.equal(r.status, 'failed');
  assert.deepEqual(r.failures.map((f) => f.code), ['unknown_witness', 'quorum']);
  r = await checkCheckpoint(w.env(), await w.note(5, { witnesses: [] }));
  assert.deepEqual(r.failures.map((f) => f.code), ['quorum']);
});
const w1Of = (w) => w.w1;

test('an explicit pin replaces the first-use key; a checkpoint by the served key then fails', async () => {
  const w = await world();
  const mine = await makeKey('example.org/log', ALG_ED25519, 5);
  await pinKey(w.storage, 'http://log.example', mine.text);
  const r = await checkCheckpoint(w.env(), await w.note(5));
  assert.equal(r.key.how, 'explicit');
  assert.deepEqual(r.failures.map((f) => f.code), ['bad_policy']);  // the policy lists another log key
  await assert.rejects(pinKey(w.storage, 'http://log.example', 'not a key'));
  assert.equal(pinFromHash(`#pin=${encodeURIComponent(mine.text)}`), mine.text);
  assert.equal(pinFromHash('#/record/x'), null);
});

test('smaller after larger, two roots for one size, and a fork disproved by consistency are alarms', async () => {
  const w = await world();
  assert.equal((await checkCheckpoint(w.env(), await w.note(4))).status, 'verified');
  assert.equal((await checkCheckpoint(w.env(), await w.note(9))).status, 'verified');  // consistent growth
  assert.equal(trustState(w.storage, 'http://log.example').logs[w.log.text].size, '9');

  let r = await checkCheckpoint(w.env(), await w.note(6));
  assert.equal(r.status, 'alarm');
  assert.equal(r.alarms[0].code, 'smaller');

  const forked = [await leafHash(utf8.encode('rewritten')), ...w.leaves.slice(1)];
  r = await checkCheckpoint(w.env(), await w.note(9, { leavesOf: forked }));
  assert.equal(r.status, 'alarm');
  assert.equal(r.alarms[0].code, 'fork');

  r = await checkCheckpoint(w.env(), await w.note(12, { leavesOf: forked }));
  assert.equal(r.status, 'alarm');
  assert.equal(r.alarms[0].code, 'inconsistent');
  // Nothing of the alarms was remembered.
  assert.equal(trustState(w.storage, 'http://log.example').logs[w.log.text].size, '9');

  // A server offering no consistency proof: not verified, not remembered.
  const env = { ...w.env(), consistency: async () => null };
  r = await checkCheckpoint(env, await w.note(12));
  assert.deepEqual(r.failures.map((f) => f.code), ['no_consistency']);
});

test('a changed policy is shown and not applied until accepted; a weaker quorum is never silent', async () => {
  const w = await world();
  await checkCheckpoint(w.env(), await w.note(4));
  w.servedPolicy = `log ${w.log.text}\nquorum none\n`;
  let r = await checkCheckpoint(w.env(), await w.note(5, { witnesses: [] }));
  assert.equal(r.status, 'failed');  // still the pinned 2-of-2
  assert.equal(r.policyChange.quorum, 'none');
  assert.match(r.policyChange.pinnedQuorum, /^2\/2/);
  // The same policy reformatted is no change.
  w.servedPolicy = `# reformatted\nlog  ${w.log.text}\nwitness a ${w.w1.text}\nwitness b ${w.w2.text}\ngroup q all a b\nquorum q\n`;
  r = await checkCheckpoint(w.env(), await w.note(5));
  assert.equal(r.policyChange, null);
  assert.equal(r.status, 'verified');
  // Accepted: applied from then on.
  await acceptPolicy(w.storage, 'http://log.example', `log ${w.log.text}\nquorum none\n`);
  w.servedPolicy = `log ${w.log.text}\nquorum none\n`;
  r = await checkCheckpoint(w.env(), await w.note(6, { witnesses: [] }));
  assert.equal(r.status, 'unwitnessed');
  assert.equal(r.policyChange, null);
});

test('a record is proved against the signed root only; a forged root fails', async () => {
  const w = await world();
  const note = await w.note(7);
  const root = toBase64(await mth(w.leaves.slice(0, 7)));
  const rec = {
    checkpoint_note: note, tree_size: 7, root, leaf_index: 3, entry: toBase64(w.entries[3]),
    proof: (await path(3, w.leaves.slice(0, 7))).map(toBase64),
  };
  let r = await checkRecord(w.env(), rec);
  assert.equal(r.status, 'verified', JSON.stringify(r.failures));
  assert.equal(r.proof.ok, true);
  // A fake entry with a proof against a forged root the server states.
  const fake = [...w.leaves.slice(0, 3), await leafHash(utf8.encode('fake')), ...w.leaves.slice(4, 7)];
  r = await checkRecord(w.env(), { ...rec, entry: toBase64(utf8.encode('fake')), root: toBase64(await mth(fake)),
    proof: (await path(3, fake)).map(toBase64) });
  assert.equal(r.status, 'failed');
  assert.deepEqual(r.failures.map((f) => f.code), ['forged_root']);
  // The same fake entry under the signed root's size and root.
  r = await checkRecord(w.env(), { ...rec, entry: toBase64(utf8.encode('fake')) });
  assert.deepEqual(r.failures.map((f) => f.code), ['forged_root']);
});

test('quorum none: signed and proved, but reported as not witnessed', async () => {
  const w = await world({ quorum: 'none' });
  const r = await checkCheckpoint(w.env(), await w.note(5, { witnesses: [] }));
  assert.equal(r.status, 'unwitnessed');
  assert.equal(r.quorum, 'none');
});
