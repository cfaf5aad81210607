// Keys and signatures made in the unit tests (not a test file itself): a
// log or witness key from a fixed seed, its signature line over a note's
// text, and a c2sp.org/tlog-cosignature v1 line, with the vendored Ed25519.
import * as ed from '../../../web/vendor/noble-ed25519/index.js';
import { keyHash } from '../../../web/js/checkpoint.js';
import { toBase64 } from '../../../web/js/merkle.js';

const utf8 = new TextEncoder();

/** {secret, hash, text (the vkey), name} for `name`, algorithm `alg`, seed bytes all `seedByte`. */
export async function makeKey(name, alg, seedByte) {
  const secret = new Uint8Array(32).fill(seedByte);
  const publicKey = await ed.getPublicKeyAsync(secret);
  const hash = await keyHash(name, alg, publicKey);
  const text = `${name}+${hash.toString(16).padStart(8, '0')}+${toBase64(Uint8Array.of(alg, ...publicKey))}`;
  return { secret, hash, text, name };
}

/** A note's signature line by key `k` carrying `bytes` after the key hash. */
export function sigLine(k, bytes) {
  const h = k.hash;
  return `\u2014 ${k.name} ${toBase64(Uint8Array.of(h >>> 24, (h >>> 16) & 255, (h >>> 8) & 255, h & 255, ...bytes))}\n`;
}

/** `k`'s signature line over the note text `body`. */
export async function sign(k, body) {
  return sigLine(k, await ed.signAsync(utf8.encode(body), k.secret));
}

/** `k`'s cosignature line over the checkpoint `body` at `time` (seconds). */
export async function cosign(k, body, time = 1700000000) {
  const ts = new Uint8Array(8);
  new DataView(ts.buffer).setBigUint64(0, BigInt(time));
  return sigLine(k, [...ts, ...(await ed.signAsync(utf8.encode(`cosignature/v1\ntime ${time}\n${body}`), k.secret))]);
}
