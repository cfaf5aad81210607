// RFC 6962 / RFC 9162 Merkle tree inclusion proofs, verified in the browser
// with WebCrypto (crypto.subtle: a secure context such as http://127.0.0.1
// or https). No DOM use: the same module runs under `node --test`.
//
//   leaf hash = SHA-256(0x00 || entry)
//   node hash = SHA-256(0x01 || left || right)
//
// verifyInclusion follows RFC 9162 section 2.1.3.2 step by step. Indices and
// sizes are BigInt internally so trees beyond 2^32 leaves work (JavaScript's
// bitwise operators truncate Numbers to 32 bits).

const subtle = globalThis.crypto && globalThis.crypto.subtle;

export class ProofError extends Error {}

/** Decodes standard base64 into a Uint8Array; throws ProofError on bad input. */
export function fromBase64(text) {
  if (typeof text !== 'string') throw new ProofError('base64 value is not a string');
  let bin;
  try {
    bin = atob(text);
  } catch {
    throw new ProofError(`not valid base64: ${text.slice(0, 24)}`);
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function toBase64(bytes) {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** SHA-256 of the concatenated parts (Uint8Arrays), with WebCrypto. */
export async function sha256(...parts) {
  if (!subtle) throw new ProofError('WebCrypto is not available (the page needs a secure context: https or http://127.0.0.1)');
  let n = 0;
  for (const p of parts) n += p.length;
  const buf = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    buf.set(p, o);
    o += p.length;
  }
  return new Uint8Array(await subtle.digest('SHA-256', buf));
}

/** SHA-256(0x00 || entry): the hash of one log entry's exact bytes. */
export function leafHash(entry) {
  return sha256(Uint8Array.of(0), entry);
}

/** SHA-256(0x01 || left || right). */
export function nodeHash(left, right) {
  return sha256(Uint8Array.of(1), left, right);
}

/** Constant-time equality of two byte arrays. */
export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

/**
 * Computes the root implied by an inclusion proof (RFC 9162 2.1.3.2 steps
 * 1-5). index and size: Number or BigInt; leaf and each proof element: 32-byte
 * Uint8Arrays. Throws ProofError when the proof cannot belong to such a tree.
 */
export async function rootFromInclusionProof(index, size, leaf, proof) {
  const idx = BigInt(index);
  const n = BigInt(size);
  if (idx < 0n || n < 0n) throw new ProofError('negative index or size');
  if (idx >= n) throw new ProofError(`leaf index ${idx} is not below tree size ${n}`);
  if (leaf.length !== 32) throw new ProofError(`leaf hash has ${leaf.length} bytes, not 32`);
  let fn = idx;
  let sn = n - 1n;
  let r = leaf;
  for (const p of proof) {
    if (p.length !== 32) throw new ProofError(`proof hash has ${p.length} bytes, not 32`);
    if (sn === 0n) throw new ProofError('proof is longer than the tree is deep');
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) throw new ProofError('proof is shorter than the tree is deep');
  return r;
}

/**
 * Verifies that leafHashBytes is leaf `index` of the tree of `size` leaves
 * with root `root`. Resolves to {ok: true} or {ok: false, error}; never
 * rejects for a bad proof.
 */
export async function verifyInclusion(index, size, leafHashBytes, proof, root) {
  try {
    if (root.length !== 32) throw new ProofError(`root has ${root.length} bytes, not 32`);
    const got = await rootFromInclusionProof(index, size, leafHashBytes, proof);
    if (!equalBytes(got, root)) {
      return { ok: false, error: `computed root ${toBase64(got)} differs from the checkpoint's root ${toBase64(root)}` };
    }
    return { ok: true };
  } catch (e) {
    if (e instanceof ProofError) return { ok: false, error: e.message };
    throw e;
  }
}

/**
 * Verifies the proof carried by the API's record object: base64 fields
 * entry, root and proof[], numbers leaf_index and tree_size.
 */
export async function verifyRecordProof(rec) {
  try {
    for (const f of ['entry', 'root', 'proof', 'leaf_index', 'tree_size']) {
      if (rec[f] === undefined || rec[f] === null) throw new ProofError(`the server sent no "${f}"`);
    }
    if (!Array.isArray(rec.proof)) throw new ProofError('"proof" is not a list');
    const entry = fromBase64(rec.entry);
    const leaf = await leafHash(entry);
    return await verifyInclusion(rec.leaf_index, rec.tree_size, leaf, rec.proof.map(fromBase64), fromBase64(rec.root));
  } catch (e) {
    if (e instanceof ProofError) return { ok: false, error: e.message };
    throw e;
  }
}

/**
 * Verifies an RFC 9162 (section 2.1.4.2) consistency proof: that the tree of
 * size1 leaves with root1 is a prefix of the tree of size2 leaves with root2.
 * Sizes: Number or BigInt; roots and proof hashes: 32-byte Uint8Arrays.
 * A proof from size 0 proves nothing and is refused. Resolves to {ok: true}
 * or {ok: false, error}; never rejects for a bad proof.
 */
export async function verifyConsistency(size1, size2, proof, root1, root2) {
  try {
    const n1 = BigInt(size1);
    const n2 = BigInt(size2);
    if (n1 < 0n || n2 < 0n) throw new ProofError('negative tree size');
    if (n1 > n2) throw new ProofError(`the older tree (${n1}) is larger than the newer one (${n2})`);
    if (n1 === 0n) throw new ProofError('a consistency proof from the empty tree proves nothing');
    if (n1 === n2) {
      if (proof.length !== 0) throw new ProofError('equal sizes need an empty proof');
      if (!equalBytes(root1, root2)) throw new ProofError(`two different roots for the tree of size ${n1}`);
      return { ok: true };
    }
    if (proof.length === 0) throw new ProofError('the proof is empty');
    for (const p of proof) if (p.length !== 32) throw new ProofError(`proof hash has ${p.length} bytes, not 32`);
    // Step 2: when size1 is a power of two, the old root is the first node.
    const path = (n1 & (n1 - 1n)) === 0n ? [root1, ...proof] : proof;
    let fn = n1 - 1n;
    let sn = n2 - 1n;
    while ((fn & 1n) === 1n) {
      fn >>= 1n;
      sn >>= 1n;
    }
    let fr = path[0];
    let sr = path[0];
    for (const c of path.slice(1)) {
      if (sn === 0n) throw new ProofError('the proof is longer than the tree is deep');
      if ((fn & 1n) === 1n || fn === sn) {
        fr = await nodeHash(c, fr);
        sr = await nodeHash(c, sr);
        if ((fn & 1n) === 0n) {
          while ((fn & 1n) === 0n && fn !== 0n) {
            fn >>= 1n;
            sn >>= 1n;
          }
        }
      } else {
        sr = await nodeHash(sr, c);
      }
      fn >>= 1n;
      sn >>= 1n;
    }
    if (sn !== 0n) throw new ProofError('the proof is shorter than the tree is deep');
    if (!equalBytes(fr, root1)) throw new ProofError(`the proof does not lead to the older root ${toBase64(root1)}`);
    if (!equalBytes(sr, root2)) throw new ProofError(`the proof does not lead to the newer root ${toBase64(root2)}`);
    return { ok: true };
  } catch (e) {
    if (e instanceof ProofError) return { ok: false, error: e.message };
    throw e;
  }
}
