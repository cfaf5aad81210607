// What this browser trusts about a log, and the verdict on each checkpoint a
// server shows it. A server is not trusted: it could sign a self-consistent
// fake tree with another key, show one reader a history other readers never
// see (a split view), or roll back. The reader's browser keeps:
//
//   - the log's verifier key, pinned on first use of an origin (TOFU: the
//     first answer is believed, later ones are checked against it) or
//     explicitly (`#pin=<vkey>` in the URL, or the field of the trust status);
//   - the witness policy (c2sp.org/tlog-policy), pinned the same way; a
//     different policy served later is a change the reader must accept:
//     until then the pinned one is applied, so a weaker quorum is never
//     accepted silently;
//   - per log key, the largest checkpoint it verified (size and root) and
//     the roots of the last sizes it saw.
//
// A checkpoint is then "verified" only when it is signed by the pinned key,
// cosigned by the pinned policy's quorum, and consistent with what was seen:
// not smaller than the largest (a rollback), no other root for a size seen
// (a fork), and, when larger, proved an append-only extension of it by the
// server's consistency proof. Anything else is a failure naming its cause;
// the last three are alarms (evidence of a split view).
//
// No DOM use: storage (localStorage's getItem/setItem) and the fetches are
// passed in, so that node --test runs this with an in-memory object.
// Limit: the code doing these checks is itself served by the server; a
// compromised server could alter it. verify.html, a file kept by the reader,
// is the answer to that (docs/dashboard.md).

import {
  parseVerifierKey, parsePolicy, verifyCheckpoint, fingerprint, NoteError,
} from './checkpoint.js';
import { fromBase64, verifyConsistency, verifyInclusion, leafHash, ProofError } from './merkle.js';

const kStorageKey = 'lifeline.trust.v1';
const kRootsKept = 64;

/** Failure codes (each has the i18n message `trust_fail_<code>`). */
export const Failure = Object.freeze({
  NO_KEY: 'no_key', // the log's key could not be learnt or parsed
  BAD_NOTE: 'bad_note', // the checkpoint is malformed
  WRONG_KEY: 'wrong_key', // not signed by the pinned key (or another origin)
  BAD_POLICY: 'bad_policy', // the pinned policy does not parse or lists other logs
  UNKNOWN_WITNESS: 'unknown_witness', // cosigned by witnesses the policy does not name
  BAD_COSIGNATURE: 'bad_cosignature', // a policy witness's cosignature does not verify
  QUORUM: 'quorum', // the policy's quorum did not cosign
  FORGED_ROOT: 'forged_root', // the proof is not against the signed root
  NO_CONSISTENCY: 'no_consistency', // larger than seen, and no consistency proof was given
});
/** Alarms: what a split view or a rollback looks like. */
export const Alarm = Object.freeze({
  SMALLER: 'smaller', // smaller than a checkpoint already verified here
  FORK: 'fork', // another root for a size already seen
  INCONSISTENT: 'inconsistent', // the consistency proof from the one seen fails
});

function load(storage) {
  try {
    const s = JSON.parse(storage.getItem(kStorageKey) || '{}');
    return s && typeof s === 'object' ? s : {};
  } catch {
    return {};
  }
}

function save(storage, all) {
  try {
    storage.setItem(kStorageKey, JSON.stringify(all));
  } catch {
    // Storage full or refused (private mode): checks still run, nothing is remembered.
  }
}

/** The trust state of `origin`: {key: {vkey, how}, policy: {text, how}, logs}. */
export function trustState(storage, origin) {
  const all = load(storage);
  const st = all[origin] || {};
  return { key: st.key || null, policy: st.policy || null, logs: st.logs || {} };
}

function update(storage, origin, fn) {
  const all = load(storage);
  const st = all[origin] || {};
  st.logs = st.logs || {};
  fn(st);
  all[origin] = st;
  save(storage, all);
}

/**
 * Pins `vkeyText` as the log key of `origin`, explicitly (how: 'explicit')
 * or on first use ('tofu'). Throws NoteError when it is not a log key.
 */
export async function pinKey(storage, origin, vkeyText, how = 'explicit') {
  const key = await parseVerifierKey(vkeyText.trim());
  update(storage, origin, (st) => {
    st.key = { vkey: key.text, how };
  });
  return key;
}

/** Accepts `text` as the pinned witness policy (after a change was shown). */
export async function acceptPolicy(storage, origin, text) {
  await parsePolicy(text);
  update(storage, origin, (st) => {
    st.policy = { text, how: 'accepted' };
  });
}

/** Forgets everything pinned and seen for `origin`. */
export function forget(storage, origin) {
  const all = load(storage);
  delete all[origin];
  save(storage, all);
}

function groupThreshold(g) {
  if (g.threshold === 'all') return g.members.length;
  if (g.threshold === 'any') return 1;
  return Number(g.threshold);
}

// What a policy requires, in a comparable form: its quorum expression with
// the witnesses' keys (names are local), so that a reformatted file is not a
// change and another key or threshold is.
function policyShape(policy) {
  const expand = (name) => {
    if (name === 'none') return 'none';
    const w = policy.witnesses.get(name);
    if (w) return `w:${w.key.text}`;
    const g = policy.groups.get(name);
    return `g:${groupThreshold(g)}(${g.members.map(expand).sort().join(',')})`;
  };
  return JSON.stringify({ logs: policy.logs.map((l) => l.text).sort(), quorum: expand(policy.quorum) });
}

/** The policy's quorum in words-free form: "none", a witness, or "k of [..]". */
export function describeQuorum(policy) {
  if (!policy || policy.quorum === 'none') return 'none';
  const d = (name) => {
    if (policy.witnesses.has(name)) return name;
    const g = policy.groups.get(name);
    return `${groupThreshold(g)}/${g.members.length} (${g.members.map(d).join(', ')})`;
  };
  return d(policy.quorum);
}

/**
 * Checks the signed checkpoint `note` (text) as published by `origin`.
 *
 * env: {storage, origin,
 *       logKey(): Promise<vkey text>          the server's claim of its key, used on first use only,
 *       policy(): Promise<policy text>        the served witness policy,
 *       consistency(from, to): Promise<[base64]|null>  null when the server offers none}
 *
 * Resolves to {status, key: {vkey, fingerprint, how}, checkpoint: {size,
 * root} | null, quorum, cosigners, unknownSigners, failures: [{code, ...}],
 * alarms: [{code, ...}], policyChange: {text, quorum, pinnedQuorum} | null}.
 * status: 'verified' (signed, quorum met, consistent), 'unwitnessed' (the
 * same, but the policy requires no witness: a split view is not excluded),
 * 'alarm' (a rollback or fork), or 'failed'. Remembers the checkpoint only
 * when it is 'verified' or 'unwitnessed'.
 */
export async function checkCheckpoint(env, note) {
  const { storage, origin } = env;
  const out = {
    status: 'failed', key: null, checkpoint: null, quorum: 'none', cosigners: [], unknownSigners: [],
    failures: [], alarms: [], policyChange: null, firstUse: false,
  };
  const fail = (code, extra = {}) => out.failures.push({ code, ...extra });
  let st = trustState(storage, origin);

  // 1. The log key: pinned, or learnt now (trust on first use).
  let key;
  try {
    if (!st.key) {
      key = await pinKey(storage, origin, await env.logKey(), 'tofu');
      out.firstUse = true;
      st = trustState(storage, origin);
    } else {
      key = await parseVerifierKey(st.key.vkey);
    }
  } catch (e) {
    fail(Failure.NO_KEY, { detail: e.message || String(e) });
    return out;
  }
  out.key = { vkey: key.text, name: key.name, fingerprint: await fingerprint(key), how: st.key.how };

  // 2. The witness policy: pinned, or learnt now; a change is shown, not applied.
  let policy = null;
  try {
    const served = await env.policy();
    if (!st.policy) {
      await parsePolicy(served);
      update(storage, origin, (s) => {
        s.policy = { text: served, how: 'tofu' };
      });
      st = trustState(storage, origin);
    }
    policy = await parsePolicy(st.policy.text);
    if (served !== st.policy.text) {
      let next = null;
      try {
        next = await parsePolicy(served);
      } catch {
        // A served policy that does not parse is a change too (shown as such).
      }
      if (!next || policyShape(next) !== policyShape(policy)) {
        out.policyChange = { text: served, quorum: next ? describeQuorum(next) : '?', pinnedQuorum: describeQuorum(policy) };
      }
    }
  } catch (e) {
    fail(Failure.BAD_POLICY, { detail: e.message || String(e) });
    return out;
  }
  if (policy.logs.length && !policy.logs.some((l) => l.text === key.text)) {
    fail(Failure.BAD_POLICY, { detail: `the pinned witness policy does not list the pinned log key ${key.name}` });
    return out;
  }
  out.quorum = describeQuorum(policy);

  // 3. Signature and cosignatures.
  const v = await verifyCheckpoint(note, key, policy);
  out.cosigners = v.cosigners;
  out.unknownSigners = v.unknownSigners;
  if (!v.checkpoint) {
    fail(Failure.BAD_NOTE, { detail: v.problems.join('; ') });
    return out;
  }
  out.checkpoint = { size: v.checkpoint.size, root: v.checkpoint.rootB64, rootBytes: v.checkpoint.root };
  if (!v.signed || v.checkpoint.origin !== key.name) fail(Failure.WRONG_KEY, { name: key.name });
  for (const b of v.badCosigners) fail(Failure.BAD_COSIGNATURE, { witness: b });
  if (!v.quorumMet) {
    if (v.unknownSigners.length) fail(Failure.UNKNOWN_WITNESS, { names: v.unknownSigners.join(', ') });
    fail(Failure.QUORUM, { quorum: out.quorum, cosigners: v.cosigners.join(', ') });
  }
  if (out.failures.length) return out;

  // 4. Against what this browser saw before of this log.
  const seen = st.logs[key.text] || null;
  const size = v.checkpoint.size;
  const root = v.checkpoint.rootB64;
  if (seen) {
    const bigSeen = BigInt(seen.size);
    const rootAtSize = (seen.roots || {})[String(size)];
    if (rootAtSize !== undefined && rootAtSize !== root) {
      out.alarms.push({ code: Alarm.FORK, size: String(size), root, seenRoot: rootAtSize });
    } else if (size < bigSeen) {
      out.alarms.push({ code: Alarm.SMALLER, size: String(size), seenSize: seen.size });
    } else if (size > bigSeen) {
      let proof = null;
      try {
        proof = await env.consistency(seen.size, String(size));
      } catch {
        proof = null;
      }
      if (!proof) {
        fail(Failure.NO_CONSISTENCY, { from: seen.size, to: String(size) });
        return out;
      }
      let res;
      try {
        res = await verifyConsistency(bigSeen, size, proof.map(fromBase64), fromBase64(seen.root), v.checkpoint.root);
      } catch (e) {
        res = { ok: false, error: e.message };
      }
      if (!res.ok) out.alarms.push({ code: Alarm.INCONSISTENT, from: seen.size, to: String(size), detail: res.error });
    }
  }
  if (out.alarms.length) {
    out.status = 'alarm';
    return out;
  }

  // 5. Remember it.
  update(storage, origin, (s) => {
    const prev = s.logs[key.text] || { size: '0', root: '', roots: {} };
    const roots = { ...(prev.roots || {}), [String(size)]: root };
    const sizes = Object.keys(roots).sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : -1));
    for (const old of sizes.slice(kRootsKept)) delete roots[old];
    const larger = !seen || size >= BigInt(prev.size);
    s.logs[key.text] = { size: larger ? String(size) : prev.size, root: larger ? root : prev.root, roots };
  });
  out.status = policy.quorum === 'none' ? 'unwitnessed' : 'verified';
  return out;
}

/**
 * The record page's whole check: the checkpoint (checkCheckpoint) and the
 * record's inclusion proof against the signed root and size, never the
 * root the server states beside it. rec: the API's record object (entry,
 * leaf_index, tree_size, root, proof, checkpoint_note).
 */
export async function checkRecord(env, rec) {
  const out = await checkCheckpoint(env, rec.checkpoint_note || '');
  if (!out.checkpoint) return out;
  let proof = { ok: false, error: 'no proof' };
  try {
    if (String(rec.tree_size) !== String(out.checkpoint.size) || rec.root !== out.checkpoint.root) {
      proof = { ok: false, error: `the proof is for size ${rec.tree_size}, root ${rec.root}, not the signed checkpoint's` };
    } else {
      const leaf = await leafHash(fromBase64(rec.entry));
      proof = await verifyInclusion(rec.leaf_index, out.checkpoint.size, leaf, (rec.proof || []).map(fromBase64),
        out.checkpoint.rootBytes);
    }
  } catch (e) {
    if (!(e instanceof ProofError) && !(e instanceof NoteError) && !(e instanceof TypeError)) throw e;
    proof = { ok: false, error: e.message };
  }
  out.proof = proof;
  if (!proof.ok) {
    out.failures.push({ code: Failure.FORGED_ROOT, detail: proof.error });
    if (out.status !== 'alarm') out.status = 'failed';
  }
  return out;
}

/** Reads `#pin=<vkey>` from a location hash; null when absent. */
export function pinFromHash(hash) {
  const m = /^#?pin=(.+)$/.exec(hash || '');
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return null;
  }
}
