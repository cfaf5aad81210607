// Signed checkpoints checked in the browser, trusting no server: the log's
// Ed25519 signature (c2sp.org/signed-note, c2sp.org/tlog-checkpoint), the
// witnesses' cosignatures (c2sp.org/tlog-cosignature) against a witness
// policy and its quorum (c2sp.org/tlog-policy), and receipts
// (c2sp.org/tlog-proof). The same rules as src/note and src/witness, which
// are the reference; this is an independent implementation for readers.
//
// Ed25519 is @noble/ed25519 (vendored by scripts/web.sh), with RFC 8032's
// strict rules (zip215: false: non-canonical points and small-order keys are
// refused, as libsodium refuses them), hashing with WebCrypto's SHA-512.
// No DOM use: the same module runs under `node --test` and in verify.html.
//
// Errors: parsers throw NoteError naming what is wrong; verifyCheckpoint
// never throws for a bad note: it resolves to a result listing the problems.

import * as ed from '../vendor/noble-ed25519/index.js';
import { fromBase64, toBase64, toHex, sha256, equalBytes, rootFromInclusionProof, leafHash } from './merkle.js';

export class NoteError extends Error {}

export const ALG_ED25519 = 0x01;
export const ALG_COSIGNATURE_V1 = 0x04;
const MAX_SIGNATURES = 100;
const MAX_SIZE = (1n << 63n) - 1n;
const EM_DASH = '\u2014';

const utf8 = new TextEncoder();

function decodeUtf8(bytes, what) {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new NoteError(`${what} is not valid UTF-8`);
  }
}

/** Bytes of `input`: a Uint8Array as is, a string as UTF-8. */
export function asBytes(input) {
  if (input instanceof Uint8Array) return input;
  if (typeof input === 'string') return utf8.encode(input);
  throw new NoteError('expected text or bytes');
}

/** Canonical standard base64 (padded, no stray bits); throws NoteError. */
function strictBase64(text, what) {
  let bytes;
  try {
    bytes = fromBase64(text);
  } catch {
    throw new NoteError(`${what}: not valid base64`);
  }
  if (toBase64(bytes) !== text) throw new NoteError(`${what}: not canonical base64`);
  return bytes;
}

function checkKeyName(name) {
  if (name === '') throw new NoteError('key name is empty');
  for (const ch of name) {
    const c = ch.codePointAt(0);
    if (ch === '+') throw new NoteError(`key name "${name}" contains '+'`);
    if (/\s/u.test(ch)) throw new NoteError(`key name "${name}" contains a space`);
    if (c < 0x20 || c === 0x7f) throw new NoteError(`key name "${name}" contains a control character`);
  }
}

/** First 4 bytes of SHA-256(name || "\n" || alg || key), as a uint32. */
export async function keyHash(name, alg, publicKey) {
  const h = await sha256(utf8.encode(name), Uint8Array.of(0x0a, alg), publicKey);
  return ((h[0] << 24) | (h[1] << 16) | (h[2] << 8) | h[3]) >>> 0;
}

/**
 * Parses a verifier key "<name>+<8 hex>+<base64(alg || 32-byte key)>" and
 * checks its hash. `alg`: ALG_ED25519 for a log key, ALG_COSIGNATURE_V1 for a
 * witness key. Resolves to {name, alg, publicKey, hash, text}.
 */
export async function parseVerifierKey(text, alg = ALG_ED25519) {
  if (typeof text !== 'string') throw new NoteError('verifier key is not text');
  // The name holds no '+'; the key's base64 may (x/mod/sumdb/note splits at
  // the first two '+' too).
  const i = text.indexOf('+');
  const j = i < 0 ? -1 : text.indexOf('+', i + 1);
  if (j < 0) throw new NoteError(`verifier key "${text}" is not <name>+<hash>+<key>`);
  const [name, hashHex, keyB64] = [text.slice(0, i), text.slice(i + 1, j), text.slice(j + 1)];
  checkKeyName(name);
  if (!/^[0-9a-f]{8}$/.test(hashHex)) throw new NoteError(`verifier key hash "${hashHex}" is not 8 lowercase hex digits`);
  const raw = strictBase64(keyB64, 'verifier key');
  if (raw.length !== 33) throw new NoteError(`verifier key is ${raw.length - 1} bytes, want 32`);
  if (raw[0] !== alg) {
    throw new NoteError(`verifier key algorithm is 0x${raw[0].toString(16).padStart(2, '0')}, want 0x0${alg}`);
  }
  const publicKey = raw.slice(1);
  const hash = await keyHash(name, alg, publicKey);
  if (hash !== parseInt(hashHex, 16)) {
    throw new NoteError(`verifier key hash ${hashHex} does not match the key (want ${hash.toString(16).padStart(8, '0')})`);
  }
  return { name, alg, publicKey, hash, text };
}

/**
 * What a reader compares with the fingerprint printed in a report or
 * published elsewhere: the first 128 bits of SHA-256(alg || public key), in
 * lowercase hex, groups of four. src/note computes the same.
 */
export async function fingerprint(key) {
  const h = await sha256(Uint8Array.of(key.alg), key.publicKey);
  return toHex(h.slice(0, 16)).match(/.{4}/g).join(' ');
}

/**
 * Splits a signed note into its text (ending in "\n") and signature lines
 * {name, hash, signature (bytes after the 4-byte key hash)}. Throws
 * NoteError on a malformed note, with the same rules as src/note.
 */
export function parseNote(input) {
  const bytes = asBytes(input);
  const message = decodeUtf8(bytes, 'the note');
  if (/[\u0000-\u0009\u000b-\u001f\u007f]/.test(message)) throw new NoteError('the note contains a control character');
  const split = message.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('the note has no blank line before its signatures');
  const text = message.slice(0, split + 1);
  const sigText = message.slice(split + 2);
  if (!sigText.endsWith('\n')) throw new NoteError('the note does not end with a newline');
  const lines = sigText.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new NoteError(`the note has more than ${MAX_SIGNATURES} signatures`);
  const signatures = lines.map((line) => {
    const m = line.match(/^\u2014 (\S+) (\S+)$/u);
    if (!m) throw new NoteError(`signature line "${line.slice(0, 40)}" is not "${EM_DASH} <name> <base64>"`);
    const raw = strictBase64(m[2], `signature of ${m[1]}`);
    if (raw.length < 5) throw new NoteError(`signature of ${m[1]} is too short`);
    const hash = ((raw[0] << 24) | (raw[1] << 16) | (raw[2] << 8) | raw[3]) >>> 0;
    return { name: m[1], hash, signature: raw.slice(4) };
  });
  return { text, signatures };
}

/**
 * Parses a checkpoint body: origin, size (BigInt), root (32 bytes) and its
 * base64, extension lines. Strict as src/note/checkpoint.h.
 */
export function parseCheckpoint(text) {
  if (!text.endsWith('\n')) throw new NoteError('checkpoint does not end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new NoteError('checkpoint has fewer than three lines (origin, size, root)');
  const [origin, sizeText, rootB64, ...extensions] = lines;
  if (origin === '') throw new NoteError('checkpoint origin is empty');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) throw new NoteError(`checkpoint size "${sizeText}" is not a decimal number`);
  const size = BigInt(sizeText);
  if (size > MAX_SIZE) throw new NoteError(`checkpoint size ${sizeText} is too large`);
  const root = strictBase64(rootB64, 'checkpoint root');
  if (root.length !== 32) throw new NoteError(`checkpoint root is ${root.length} bytes, not 32`);
  for (const e of extensions) if (e === '') throw new NoteError('checkpoint has an empty extension line');
  return { origin, size, root, rootB64, extensions };
}

function verifyEd25519(signature, message, publicKey) {
  if (signature.length !== 64) return Promise.resolve(false);
  return ed.verifyAsync(signature, message, publicKey, { zip215: false }).catch(() => false);
}

/** True when `note` carries a valid signature by `key` (a parsed log key). */
export async function verifyNoteSignature(note, key) {
  const text = utf8.encode(note.text);
  for (const s of note.signatures) {
    if (s.name !== key.name || s.hash !== key.hash) continue;
    if (await verifyEd25519(s.signature, text, key.publicKey)) return true;
  }
  return false;
}

/**
 * Verifies a cosignature line by `key` (a parsed witness key) over the
 * checkpoint body. Resolves to the timestamp (seconds, BigInt) or null.
 */
export async function verifyCosignature(body, sig, key) {
  if (sig.name !== key.name || sig.hash !== key.hash || sig.signature.length !== 72) return null;
  let time = 0n;
  for (let i = 0; i < 8; i++) time = (time << 8n) | BigInt(sig.signature[i]);
  const message = utf8.encode(`cosignature/v1\ntime ${time}\n${body}`);
  return (await verifyEd25519(sig.signature.slice(8), message, key.publicKey)) ? time : null;
}

// ---------------------------------------------------------------------------
// Witness policies (c2sp.org/tlog-policy), as src/witness/policy.h reads them.

function threshold(group) {
  if (group.threshold === 'all') return group.members.length;
  if (group.threshold === 'any') return 1;
  return Number(group.threshold);
}

/**
 * Parses a policy text into {logs: [key], witnesses: Map name -> {key, url},
 * groups: Map name -> {threshold, members}, quorum}. Throws NoteError
 * naming the line.
 */
export async function parsePolicy(text) {
  const policy = { logs: [], witnesses: new Map(), groups: new Map(), quorum: null };
  const lines = text.split('\n');
  const defined = (n) => policy.witnesses.has(n) || policy.groups.has(n);
  for (let i = 0; i < lines.length; i++) {
    const where = `witness policy line ${i + 1}`;
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const f = line.split(/[ \t]+/);
    try {
      if (f[0] === 'log' && (f.length === 2 || f.length === 3)) {
        policy.logs.push(await parseVerifierKey(f[1], ALG_ED25519));
      } else if (f[0] === 'witness' && (f.length === 3 || f.length === 4)) {
        if (defined(f[1]) || f[1] === 'none') throw new NoteError(`"${f[1]}" is defined twice or reserved`);
        policy.witnesses.set(f[1], { key: await parseVerifierKey(f[2], ALG_COSIGNATURE_V1), url: f[3] || '' });
      } else if (f[0] === 'group' && f.length >= 4) {
        const [, name, t, ...members] = f;
        if (defined(name) || name === 'none') throw new NoteError(`"${name}" is defined twice or reserved`);
        if (t !== 'all' && t !== 'any' && !/^[1-9][0-9]*$/.test(t)) throw new NoteError(`threshold "${t}" is not all, any or a number`);
        if (new Set(members).size !== members.length) throw new NoteError('a member is named twice');
        for (const m of members) if (!defined(m)) throw new NoteError(`member "${m}" is not defined on an earlier line`);
        const group = { threshold: t, members };
        if (threshold(group) > members.length) throw new NoteError(`threshold ${t} is above the ${members.length} members`);
        policy.groups.set(name, group);
      } else if (f[0] === 'quorum' && f.length === 2) {
        if (policy.quorum !== null) throw new NoteError('a second quorum line');
        if (f[1] !== 'none' && !defined(f[1])) throw new NoteError(`quorum "${f[1]}" is not defined on an earlier line`);
        policy.quorum = f[1];
      } else {
        throw new NoteError(`"${f[0]}" with ${f.length - 1} fields is not a policy line`);
      }
    } catch (e) {
      if (e instanceof NoteError) throw new NoteError(`${where}: ${e.message}`);
      throw e;
    }
  }
  if (policy.quorum === null) throw new NoteError('witness policy has no quorum line');
  return policy;
}

/** Whether the witnesses named in `cosigned` (a Set) satisfy `name`. */
export function quorumMet(policy, cosigned, name = policy.quorum) {
  if (name === 'none') return true;
  if (policy.witnesses.has(name)) return cosigned.has(name);
  const group = policy.groups.get(name);
  if (!group) return false;
  let n = 0;
  for (const m of group.members) if (quorumMet(policy, cosigned, m)) n++;
  return n >= threshold(group);
}

// ---------------------------------------------------------------------------
// The whole check.

/**
 * Verifies a signed checkpoint note against the pinned log key and a witness
 * policy (or null: no witnesses required, which the result says). Resolves
 * to {ok, checkpoint, signed, cosigners, unknownSigners, badCosigners,
 * quorum, quorumMet, problems}; `ok` only when the log's signature verifies,
 * the origin is the key's name, and the policy's quorum of witnesses cosigned.
 */
export async function verifyCheckpoint(noteInput, logKey, policy) {
  const result = {
    ok: false, checkpoint: null, signed: false, cosigners: [], unknownSigners: [], badCosigners: [],
    quorum: policy ? policy.quorum : 'none', quorumMet: false, problems: [],
  };
  let note;
  try {
    note = parseNote(noteInput);
    result.checkpoint = parseCheckpoint(note.text);
  } catch (e) {
    if (!(e instanceof NoteError)) throw e;
    result.problems.push(e.message);
    return result;
  }
  result.signed = await verifyNoteSignature(note, logKey);
  if (!result.signed) result.problems.push(`no valid signature by the pinned log key ${logKey.name}`);
  if (result.checkpoint.origin !== logKey.name) {
    result.problems.push(`the checkpoint's origin "${result.checkpoint.origin}" is not the pinned log "${logKey.name}"`);
  }
  const cosigned = new Set();
  for (const sig of note.signatures) {
    if (sig.name === logKey.name && sig.hash === logKey.hash) continue;
    let known = false;
    for (const [wname, w] of policy ? policy.witnesses : []) {
      if (sig.name !== w.key.name || sig.hash !== w.key.hash) continue;
      known = true;
      if ((await verifyCosignature(note.text, sig, w.key)) !== null) cosigned.add(wname);
      else result.badCosigners.push(wname);
    }
    if (!known) result.unknownSigners.push(sig.name);
  }
  result.cosigners = [...cosigned].sort();
  for (const b of result.badCosigners) result.problems.push(`the cosignature of witness ${b} does not verify`);
  result.quorumMet = policy ? quorumMet(policy, cosigned) : true;
  if (!result.quorumMet) {
    result.problems.push(`the witness quorum "${result.quorum}" is not met (cosigned by: ${result.cosigners.join(', ') || 'none'})`);
  }
  result.ok = result.problems.length === 0;
  return result;
}

// ---------------------------------------------------------------------------
// Receipts (c2sp.org/tlog-proof@v1), as src/note/receipt.h reads them.

/** Parses a receipt into {extra, index (BigInt), proof: [32-byte], checkpoint (text)}. */
export function parseReceipt(input) {
  const text = decodeUtf8(asBytes(input), 'the receipt');
  const lines = text.split('\n');
  if (lines[0] !== 'c2sp.org/tlog-proof@v1') throw new NoteError('not a c2sp.org/tlog-proof@v1 receipt (first line)');
  let i = 1;
  let extra = null;
  if (lines[i] !== undefined && lines[i].startsWith('extra ')) extra = strictBase64(lines[i++].slice(6), 'receipt extra');
  const m = (lines[i++] || '').match(/^index (0|[1-9][0-9]*)$/);
  if (!m) throw new NoteError('receipt: no "index <n>" line');
  const proof = [];
  while (i < lines.length && lines[i] !== '') {
    const h = strictBase64(lines[i++], 'receipt proof hash');
    if (h.length !== 32) throw new NoteError(`receipt proof hash is ${h.length} bytes, not 32`);
    proof.push(h);
  }
  if (proof.length > 63) throw new NoteError('receipt has more than 63 proof hashes');
  if (i >= lines.length) throw new NoteError('receipt: no blank line before the checkpoint');
  const checkpoint = lines.slice(i + 1).join('\n');
  return { extra, index: BigInt(m[1]), proof, checkpoint };
}

/**
 * Verifies a receipt: the checkpoint (as verifyCheckpoint) and, when the
 * entry's bytes are given, that the entry is at the receipt's index under the
 * checkpoint's root. Without the entry, the receipt's proof cannot be tied to
 * a record: the result says so (entryChecked: false).
 */
export async function verifyReceipt(receipt, logKey, policy, entry = null) {
  const result = await verifyCheckpoint(receipt.checkpoint, logKey, policy);
  result.index = receipt.index;
  result.entryChecked = false;
  if (!result.checkpoint) return result;
  if (receipt.index >= result.checkpoint.size) {
    result.problems.push(`the receipt's index ${receipt.index} is not below the tree size ${result.checkpoint.size}`);
  } else if (entry !== null) {
    try {
      const root = await rootFromInclusionProof(receipt.index, result.checkpoint.size, await leafHash(entry), receipt.proof);
      result.entryChecked = equalBytes(root, result.checkpoint.root);
      if (!result.entryChecked) result.problems.push('the entry is not in the log at the receipt\'s index (the proof leads to another root)');
    } catch (e) {
      result.problems.push(e.message);
    }
  }
  result.ok = result.problems.length === 0;
  return result;
}
