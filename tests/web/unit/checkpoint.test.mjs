// Unit tests of web/js/checkpoint.js (signatures, cosignatures, witness
// policies and receipts checked in the browser), run with
// `node --test tests/web/unit/`. Independent data: RFC 8032's Ed25519 test
// vectors and x/mod sumdb/note's published example note; cosigned notes are
// built here with the vendored library's signing, and every tampering is
// checked to fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ed from '../../../web/vendor/noble-ed25519/index.js';
import {
  ALG_COSIGNATURE_V1, ALG_ED25519, NoteError, fingerprint, keyHash, parseCheckpoint, parseNote, parsePolicy,
  parseReceipt, parseVerifierKey, quorumMet, verifyCheckpoint, verifyCosignature, verifyNoteSignature, verifyReceipt,
} from '../../../web/js/checkpoint.js';
import { leafHash, nodeHash, toBase64 } from '../../../web/js/merkle.js';
import { makeKey, sign, cosign } from './signers.mjs';

const hex = (h) => Uint8Array.from(h.match(/../g) || [], (b) => parseInt(b, 16));
const utf8 = new TextEncoder();

// RFC 8032 section 7.1, TEST 1, 2 and 3 (secret key, public key, message, signature).
const RFC8032 = [
  ['9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', '',
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b'],
  ['4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c', '72',
    '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00'],
  ['c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025', 'af82',
    '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a'],
];

test('RFC 8032 vectors: the vendored Ed25519 derives, signs and verifies as the RFC says', async () => {
  for (const [sk, pk, msg, sig] of RFC8032) {
    assert.equal(Buffer.from(await ed.getPublicKeyAsync(hex(sk))).toString('hex'), pk);
    assert.equal(Buffer.from(await ed.signAsync(hex(msg), hex(sk))).toString('hex'), sig);
    assert.equal(await ed.verifyAsync(hex(sig), hex(msg), hex(pk), { zip215: false }), true);
    const bad = hex(sig);
    bad[5] ^= 1;
    assert.equal(await ed.verifyAsync(bad, hex(msg), hex(pk), { zip215: false }), false);
  }
});

// x/mod sumdb/note's published example (note.go package doc).
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_NOTE = 'If you think cryptography is the answer to your problem,\n'
  + "then you don't know what your problem is.\n\n"
  + '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';

test("x/mod's example note verifies with its key and fails when edited", async () => {
  const key = await parseVerifierKey(PETER_VKEY);
  assert.equal(key.name, 'PeterNeumann');
  assert.equal(key.hash, 0xc74f20a3);
  assert.equal(await verifyNoteSignature(parseNote(PETER_NOTE), key), true);
  const edited = PETER_NOTE.replace('cryptography', 'cryptographY');
  assert.equal(await verifyNoteSignature(parseNote(edited), key), false);
});

test('verifier keys whose base64 contains "+" parse (a key lifeline made)', async () => {
  // The name and hash end at the first two '+'; the key's base64 may hold more.
  const text = 'example.org/trust-test+36fb6bdf+Ad5heCQq+mnJJoN4UQAyUxIVhPK23ZDf9VaZmayEWrtp';
  const key = await parseVerifierKey(text);
  assert.equal(key.name, 'example.org/trust-test');
  assert.equal(key.hash, 0x36fb6bdf);
  assert.equal(key.publicKey.length, 32);
  await assert.rejects(parseVerifierKey(text.replace('+mnJ', '+mnK')), /does not match the key|not canonical/);
});

// A key whose base64 holds '+' (about one key in five): split only at the
// first two '+', as x/mod/sumdb/note does; it was refused as "not
// <name>+<hash>+<key>", so verify.html pinned such a log's key and failed.
test("verifier keys whose base64 contains '+' parse", async () => {
  for (let seed = 1; seed < 64; seed++) {
    const pk = await ed.getPublicKeyAsync(new Uint8Array(32).fill(seed));
    const b64 = toBase64(Uint8Array.of(ALG_ED25519, ...pk));
    if (!b64.includes('+')) continue;
    const h = await keyHash('example.org/log', ALG_ED25519, pk);
    const key = await parseVerifierKey(`example.org/log+${h.toString(16).padStart(8, '0')}+${b64}`);
    assert.equal(key.name, 'example.org/log');
    assert.deepEqual(key.publicKey, pk);
    return;
  }
  assert.fail('no seed gave a key with + in its base64');
});

test('verifier keys: malformed ones are refused with a reason', async () => {
  const cases = [
    ['', 'is not <name>+<hash>+<key>'],
    ['PeterNeumann+c74f20a3', 'is not <name>+<hash>+<key>'],
    ['Peter+Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', '8 lowercase hex'],
    ['PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', '8 lowercase hex'],
    ['PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', 'does not match the key'],
    ['Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', 'contains a space'],
    ['PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy', 'is 29 bytes, want 32'],
    ['PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10', 'not canonical base64'],
  ];
  for (const [text, want] of cases) {
    await assert.rejects(parseVerifierKey(text), (e) => e instanceof NoteError && e.message.includes(want), text);
  }
  await assert.rejects(parseVerifierKey(PETER_VKEY, ALG_COSIGNATURE_V1), /algorithm is 0x01, want 0x04/);
});

test('notes: malformed ones are refused', () => {
  for (const [text, want] of [
    ['no signatures\n', 'no blank line'],
    ['text\n\n\u2014 a AAAA\n', 'too short'],
    ['text\n\n- a AAAAAAAA\n', 'is not'],
    ['text\n\n\u2014 a AAAAAAAA', 'does not end with a newline'],
    ['te\u0001xt\n\n\u2014 a AAAAAAAA\n', 'control character'],
  ]) {
    assert.throws(() => parseNote(text), (e) => e instanceof NoteError && e.message.includes(want), text);
  }
  assert.throws(() => parseNote(Uint8Array.of(0xff, 0x0a)), /not valid UTF-8/);
});

test('checkpoints: strict sizes and roots', () => {
  const root = toBase64(new Uint8Array(32));
  const cp = parseCheckpoint(`example.org/log\n12\n${root}\n`);
  assert.equal(cp.size, 12n);
  assert.equal(cp.origin, 'example.org/log');
  for (const [text, want] of [
    [`o\n012\n${root}\n`, 'not a decimal'],
    [`o\n12\n${root}`, 'newline'],
    ['o\n12\nAAAA\n', 'not 32'],
    [`o\n9223372036854775808\n${root}\n`, 'too large'],
    [`\n12\n${root}\n`, 'origin is empty'],
  ]) {
    assert.throws(() => parseCheckpoint(text), (e) => e instanceof NoteError && e.message.includes(want), text);
  }
});

// A log key and witnesses made here (./signers.mjs), and notes they sign.
async function fixture() {
  const log = await makeKey('example.org/lifeline', ALG_ED25519, 1);
  const w1 = await makeKey('w1.example', ALG_COSIGNATURE_V1, 2);
  const w2 = await makeKey('w2.example', ALG_COSIGNATURE_V1, 3);
  const w3 = await makeKey('w3.example', ALG_COSIGNATURE_V1, 4);
  const policyText = `# test\nlog ${log.text}\nwitness one ${w1.text}\nwitness two ${w2.text} https://w2.example\n`
    + `witness three ${w3.text}\ngroup g 2 one two three\nquorum g\n`;
  return { log, w1, w2, w3, policy: await parsePolicy(policyText), logKey: await parseVerifierKey(log.text) };
}

test('a checkpoint verifies only with the log signature and the quorum of cosignatures', async () => {
  const f = await fixture();
  const body = `example.org/lifeline\n7\n${toBase64(new Uint8Array(32).fill(9))}\n`;
  const logSig = await sign(f.log, body);
  const c1 = await cosign(f.w1, body, 1700000000);
  const c2 = await cosign(f.w2, body, 1700000001);

  let r = await verifyCheckpoint(`${body}\n${logSig}${c1}${c2}`, f.logKey, f.policy);
  assert.equal(r.ok, true, r.problems.join('; '));
  assert.deepEqual(r.cosigners, ['one', 'two']);
  assert.equal(r.checkpoint.size, 7n);

  // One cosignature short of the quorum (2 of 3).
  r = await verifyCheckpoint(`${body}\n${logSig}${c1}`, f.logKey, f.policy);
  assert.equal(r.ok, false);
  assert.equal(r.signed, true);
  assert.match(r.problems.join(), /quorum "g" is not met/);

  // Signed by another key under the log's name: not signed.
  const other = await makeKey('example.org/lifeline', ALG_ED25519, 7);
  r = await verifyCheckpoint(`${body}\n${await sign(other, body)}${c1}${c2}`, f.logKey, f.policy);
  assert.equal(r.ok, false);
  assert.equal(r.signed, false);

  // A cosignature from a witness outside the policy does not count.
  const stranger = await makeKey('w1.example', ALG_COSIGNATURE_V1, 8);
  r = await verifyCheckpoint(`${body}\n${logSig}${c1}${await cosign(stranger, body, 5)}`, f.logKey, f.policy);
  assert.equal(r.ok, false);
  assert.deepEqual(r.unknownSigners, ['w1.example']);

  // A cosignature over another body, or with its time changed, fails.
  const otherBody = body.replace('\n7\n', '\n8\n');
  r = await verifyCheckpoint(`${body}\n${logSig}${c1}${await cosign(f.w2, otherBody, 1)}`, f.logKey, f.policy);
  assert.equal(r.ok, false);
  assert.deepEqual(r.badCosigners, ['two']);

  // The body edited after signing.
  r = await verifyCheckpoint(`${otherBody}\n${logSig}${c1}${c2}`, f.logKey, f.policy);
  assert.equal(r.ok, false);
  assert.equal(r.signed, false);

  // The origin must be the pinned log.
  const foreign = `example.org/other\n7\n${toBase64(new Uint8Array(32))}\n`;
  r = await verifyCheckpoint(`${foreign}\n${await sign(f.log, foreign)}${await cosign(f.w1, foreign, 1)}${await cosign(f.w2, foreign, 1)}`, f.logKey, f.policy);
  assert.equal(r.ok, false);
  assert.match(r.problems.join(), /origin/);

  // No policy: the signature alone, and the result says no quorum was asked.
  r = await verifyCheckpoint(`${body}\n${logSig}`, f.logKey, null);
  assert.equal(r.ok, true);
  assert.equal(r.quorum, 'none');
});

test('cosignature timestamps are read and bound to the signature', async () => {
  const f = await fixture();
  const body = 'example.org/lifeline\n1\n' + toBase64(new Uint8Array(32)) + '\n';
  const line = await cosign(f.w1, body, 1234567890);
  const sig = parseNote(`${body}\n${line}`).signatures[0];
  const key = await parseVerifierKey(f.w1.text, ALG_COSIGNATURE_V1);
  assert.equal(await verifyCosignature(body, sig, key), 1234567890n);
  sig.signature[7] ^= 1;  // another time
  assert.equal(await verifyCosignature(body, sig, key), null);
});

test('witness policies: quorum rules and refusals naming the line', async () => {
  const f = await fixture();
  assert.equal(quorumMet(f.policy, new Set(['one', 'three'])), true);
  assert.equal(quorumMet(f.policy, new Set(['three'])), false);
  const all = await parsePolicy(`witness a ${f.w1.text}\nwitness b ${f.w2.text}\ngroup g all a b\nquorum g\n`);
  assert.equal(quorumMet(all, new Set(['a'])), false);
  assert.equal(quorumMet(all, new Set(['a', 'b'])), true);
  assert.equal(quorumMet(await parsePolicy('quorum none\n'), new Set()), true);
  for (const [text, want] of [
    ['', 'no quorum line'],
    ['quorum x\n', 'line 1: quorum "x" is not defined'],
    [`witness a ${f.w1.text}\ngroup g 3 a\nquorum g\n`, 'line 2: threshold 3 is above'],
    [`witness a ${f.log.text}\nquorum a\n`, 'line 1: verifier key algorithm is 0x01'],
    ['quorum none\nquorum none\n', 'second quorum'],
    ['frobnicate\nquorum none\n', 'line 1: "frobnicate"'],
  ]) {
    await assert.rejects(parsePolicy(text), (e) => e instanceof NoteError && e.message.includes(want), JSON.stringify(text));
  }
});

test('fingerprints: 128 bits of SHA-256(alg || key) in groups of four, one per key', async () => {
  const f = await fixture();
  const fp = await fingerprint(f.logKey);
  assert.match(fp, /^([0-9a-f]{4} ){7}[0-9a-f]{4}$/);
  assert.notEqual(fp, await fingerprint(await parseVerifierKey(PETER_VKEY)));
});

test('fingerprint of the PeterNeumann key is the one src/note/note_test.cc pins', async () => {
  // note::Fingerprint (C++) must print the same string: the CLI, the report
  // and the dashboard show a reader one fingerprint per key.
  assert.equal(await fingerprint(await parseVerifierKey(PETER_VKEY)), 'dca0 235f 866e b8d2 9160 92f4 d814 8074');
});

test('receipts: the entry is proved under the signed root; another entry or index fails', async () => {
  const f = await fixture();
  const entries = ['a', 'b', 'c'].map((s) => utf8.encode(s));
  const leaves = await Promise.all(entries.map(leafHash));
  // Tree of 3: root = H(H(l0, l1), l2); proof for leaf 1 = [l0, l2].
  const root = await nodeHash(await nodeHash(leaves[0], leaves[1]), leaves[2]);
  const body = `example.org/lifeline\n3\n${toBase64(root)}\n`;
  const cp = `${body}\n${await sign(f.log, body)}${await cosign(f.w1, body, 1)}${await cosign(f.w3, body, 1)}`;
  const text = `c2sp.org/tlog-proof@v1\nindex 1\n${toBase64(leaves[0])}\n${toBase64(leaves[2])}\n\n${cp}`;
  const receipt = parseReceipt(text);
  assert.equal(receipt.index, 1n);
  let r = await verifyReceipt(receipt, f.logKey, f.policy, entries[1]);
  assert.equal(r.ok, true, r.problems.join('; '));
  assert.equal(r.entryChecked, true);
  r = await verifyReceipt(receipt, f.logKey, f.policy, entries[2]);
  assert.equal(r.ok, false);
  r = await verifyReceipt(parseReceipt(text.replace('index 1', 'index 0')), f.logKey, f.policy, entries[1]);
  assert.equal(r.ok, false);
  r = await verifyReceipt(parseReceipt(text.replace('index 1', 'index 3')), f.logKey, f.policy, entries[1]);
  assert.match(r.problems.join(), /not below the tree size/);
  // Without the entry only the checkpoint is checked, and the result says so.
  r = await verifyReceipt(receipt, f.logKey, f.policy);
  assert.equal(r.entryChecked, false);
  assert.throws(() => parseReceipt('c2sp.org/tlog-proof@v2\nindex 1\n\n'), /first line/);
  assert.throws(() => parseReceipt('c2sp.org/tlog-proof@v1\nindex 01\n\n'), /index/);
});
