// Unit tests of web/js/merkle.js (the dashboard's in-browser proof check),
// run with `node --test tests/web/unit/`. Positive and negative vectors from
// transparency-dev/merkle (../shared/data/tlog-vectors), plus trees built
// here from entries so that leafHash and the proof walk are checked together.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  fromBase64, toBase64, toHex, leafHash, nodeHash, verifyInclusion, verifyRecordProof, verifyConsistency,
} from '../../../web/js/merkle.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const shared = process.env.LIFELINE_SHARED_DIR || path.resolve(here, '../../../../shared');
const vectorsDir = path.join(shared, 'data/tlog-vectors/testdata/inclusion');

function vectorFiles() {
  const out = [];
  for (const d of fs.readdirSync(vectorsDir)) {
    const sub = path.join(vectorsDir, d);
    for (const f of fs.readdirSync(sub)) if (f.endsWith('.json')) out.push(path.join(sub, f));
  }
  return out.sort();
}

test('the RFC 6962 inclusion vectors: every positive one verifies, every negative one fails', async () => {
  assert.ok(fs.existsSync(vectorsDir), `test vectors missing: ${vectorsDir} (set LIFELINE_SHARED_DIR)`);
  const files = vectorFiles();
  assert.ok(files.length >= 20, `only ${files.length} vector files under ${vectorsDir}`);
  let positive = 0;
  let negative = 0;
  for (const f of files) {
    const v = JSON.parse(fs.readFileSync(f, 'utf8'));
    const res = await verifyInclusion(
      v.leafIdx, v.treeSize, fromBase64(v.leafHash), (v.proof || []).map(fromBase64), fromBase64(v.root));
    const rel = path.relative(vectorsDir, f);
    if (v.wantErr) {
      assert.equal(res.ok, false, `${rel} (${v.desc}) verified but should fail`);
      assert.ok(res.error.length > 0);
      negative++;
    } else {
      assert.equal(res.ok, true, `${rel} (${v.desc}) failed: ${res.error}`);
      positive++;
    }
  }
  assert.ok(positive > 0 && negative > 0, `positive ${positive}, negative ${negative}`);
});

test('leafHash of the empty entry is RFC 6962\'s empty leaf hash', async () => {
  assert.equal(toHex(await leafHash(new Uint8Array())),
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
});

// Merkle Tree Hash and inclusion path straight from RFC 6962 2.1 (recursive,
// the specification's form, not the iterative one under test).
async function mth(leaves) {
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(await mth(leaves.slice(0, k)), await mth(leaves.slice(k)));
}
async function auditPath(m, leaves) {
  if (leaves.length === 1) return [];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  if (m < k) return [...(await auditPath(m, leaves.slice(0, k))), await mth(leaves.slice(k))];
  return [...(await auditPath(m - k, leaves.slice(k))), await mth(leaves.slice(0, k))];
}

// RFC 6962's reference leaves (certificate-transparency test data).
const kLeaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657',
  '606162636465666768696a6b6c6d6e6f'].map((h) => Uint8Array.from(h.match(/../g) || [], (x) => parseInt(x, 16)));

test('the 8-leaf reference tree has the known root, and every leaf of every prefix verifies', async () => {
  const hashes = await Promise.all(kLeaves.map(leafHash));
  assert.equal(toHex(await mth(hashes)), '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
  for (let n = 1; n <= hashes.length; n++) {
    const tree = hashes.slice(0, n);
    const root = await mth(tree);
    for (let m = 0; m < n; m++) {
      const proof = await auditPath(m, tree);
      assert.deepEqual(await verifyInclusion(m, n, tree[m], proof, root), { ok: true }, `leaf ${m} of ${n}`);
      const other = await verifyInclusion((m + 1) % n, n, tree[m], proof, root);
      if (n > 1) assert.equal(other.ok, false, `leaf ${m} of ${n} accepted at the wrong index`);
    }
  }
});

test('verifyRecordProof takes the API fields and rejects a tampered entry, proof or root', async () => {
  const entries = kLeaves.slice(0, 5);
  const hashes = await Promise.all(entries.map(leafHash));
  const root = await mth(hashes);
  const proof = await auditPath(3, hashes);
  const rec = { entry: toBase64(entries[3]), leaf_index: 3, tree_size: 5, root: toBase64(root), proof: proof.map(toBase64) };
  assert.deepEqual(await verifyRecordProof(rec), { ok: true });

  const badEntry = await verifyRecordProof({ ...rec, entry: toBase64(Uint8Array.of(0x30, 0x32)) });
  assert.equal(badEntry.ok, false);
  assert.match(badEntry.error, /differs from the checkpoint's root/);

  const flipped = fromBase64(rec.proof[0]);
  flipped[0] ^= 1;
  const badProof = await verifyRecordProof({ ...rec, proof: [toBase64(flipped), ...rec.proof.slice(1)] });
  assert.equal(badProof.ok, false);

  assert.equal((await verifyRecordProof({ ...rec, proof: rec.proof.slice(1) })).ok, false);
  assert.equal((await verifyRecordProof({ ...rec, tree_size: 3 })).ok, false);
  assert.match((await verifyRecordProof({ ...rec, leaf_index: 5 })).error, /not below tree size/);
  assert.match((await verifyRecordProof({ ...rec, proof: undefined })).error, /sent no "proof"/);
  assert.match((await verifyRecordProof({ ...rec, root: '!!' })).error, /base64/);
});

const consistencyDir = path.join(shared, 'data/tlog-vectors/testdata/consistency');

test('the RFC 6962 consistency vectors: every positive one verifies, every negative one fails', async () => {
  assert.ok(fs.existsSync(consistencyDir), `test vectors missing: ${consistencyDir} (set LIFELINE_SHARED_DIR)`);
  const files = [];
  for (const d of fs.readdirSync(consistencyDir)) {
    for (const f of fs.readdirSync(path.join(consistencyDir, d))) if (f.endsWith('.json')) files.push(path.join(consistencyDir, d, f));
  }
  assert.ok(files.length >= 20, `only ${files.length} vector files under ${consistencyDir}`);
  let positive = 0;
  let negative = 0;
  for (const f of files.sort()) {
    const v = JSON.parse(fs.readFileSync(f, 'utf8'));
    const res = await verifyConsistency(v.size1, v.size2, (v.proof || []).map(fromBase64), fromBase64(v.root1), fromBase64(v.root2));
    const rel = path.relative(consistencyDir, f);
    if (v.wantErr) {
      assert.equal(res.ok, false, `${rel} (${v.desc}) verified but should fail`);
      assert.ok(res.error.length > 0);
      negative++;
    } else {
      assert.equal(res.ok, true, `${rel} (${v.desc}) failed: ${res.error}`);
      positive++;
    }
  }
  assert.ok(positive >= 5 && negative > 0, `positive ${positive}, negative ${negative}`);
});

// RFC 6962 2.1.2's PROOF(m, D[n]), recursive as the specification writes it.
async function subproof(m, leaves, whole) {
  const n = leaves.length;
  if (m === n) return whole ? [] : [await mth(leaves)];
  let k = 1;
  while (k * 2 < n) k *= 2;
  if (m <= k) return [...(await subproof(m, leaves.slice(0, k), whole)), await mth(leaves.slice(k))];
  return [...(await subproof(m - k, leaves.slice(k), false)), await mth(leaves.slice(0, k))];
}

test('consistency between every pair of prefixes of the reference tree; a forked tree fails', async () => {
  const hashes = await Promise.all(kLeaves.map(leafHash));
  for (let n = 1; n <= hashes.length; n++) {
    for (let m = 1; m <= n; m++) {
      const proof = await subproof(m, hashes.slice(0, n), true);
      const r1 = await mth(hashes.slice(0, m));
      const r2 = await mth(hashes.slice(0, n));
      const ok = await verifyConsistency(m, n, proof, r1, r2);
      assert.equal(ok.ok, true, `${m} -> ${n}: ${ok.error}`);
      if (m < n) {
        // A fork: the older tree's first leaf rewritten.
        const forked = [await leafHash(Uint8Array.of(0xff)), ...hashes.slice(1, m)];
        const bad = await verifyConsistency(m, n, proof, await mth(forked), r2);
        assert.equal(bad.ok, false, `${m} -> ${n}: a forked older tree verified`);
      }
    }
  }
});
