// Receipts in the browser: reading the OpenRosa server's answer to a
// submission (the record's id, log index and c2sp.org/tlog-proof@v1
// receipt, docs/api.md "OpenRosa"), and checking a kept receipt without
// trusting the server: the receipt's checkpoint signed by the log key this
// browser pinned (js/trust.js: pinned explicitly, or on first use), cosigned
// by the pinned witness policy's quorum, and its inclusion proof leading
// from the record's entry to that checkpoint's root (js/checkpoint.js
// verifyReceipt, as `lifeline verify-receipt` does).
import { parseReceipt, verifyReceipt, parseVerifierKey, parsePolicy } from './checkpoint.js';
import { trustState, pinKey } from './trust.js';
import { fromBase64 } from './merkle.js';

/**
 * Reads an OpenRosa response document into {nature, message, record}, where
 * record is {id, index, treeSize, receipt} for an accepted submission, else
 * null. Text that is not such a document gives nature '' and the text (cut
 * to 300 characters) as the message.
 */
export function parseOpenRosaResponse(text) {
  const doc = new DOMParser().parseFromString(text || '', 'application/xml');
  const msg = doc.getElementsByTagName('message')[0];
  if (!msg || doc.getElementsByTagName('parsererror').length) {
    return { nature: '', message: String(text || '').slice(0, 300), record: null };
  }
  const r = doc.getElementsByTagName('record')[0];
  const receipt = r && r.getElementsByTagName('receipt')[0];
  return {
    nature: msg.getAttribute('nature') || '',
    message: msg.textContent.trim(),
    record: r ? {
      id: r.getAttribute('id'),
      index: Number(r.getAttribute('index')),
      treeSize: Number(r.getAttribute('tree_size')),
      receipt: receipt ? receipt.textContent : '',
    } : null,
  };
}

/**
 * The field a refusal names: the server's message is "FIELD: what is wrong
 * (hint: ...)" (docs/api.md); '' when it names none.
 */
export function faultField(message) {
  const m = /^([A-Za-z_][\w.[\]-]*): /.exec(message || '');
  return m ? m[1] : '';
}

// The log key this browser trusts for its origin; pinned now (trust on
// first use, as the record page does) when none is.
async function logKey(env) {
  const st = trustState(env.storage, env.origin);
  if (st.key) return parseVerifierKey(st.key.vkey);
  return pinKey(env.storage, env.origin, await env.logKey(), 'tofu');
}

// The pinned witness policy, else the served one, else none (no quorum).
async function witnessPolicy(env) {
  const st = trustState(env.storage, env.origin);
  if (st.policy) return parsePolicy(st.policy.text);
  try {
    return await parsePolicy(await env.policy());
  } catch {
    return null;
  }
}

/**
 * Checks `receiptText` for the entry whose bytes are base64 `entryB64`
 * against what this browser trusts (env: js/trust_view.js browserEnv()).
 * Resolves to {ok, size, index, problems}; never rejects for a bad receipt
 * (its problems say why).
 */
export async function checkReceipt(env, receiptText, entryB64) {
  try {
    const key = await logKey(env);
    const policy = await witnessPolicy(env);
    const v = await verifyReceipt(parseReceipt(receiptText), key, policy, fromBase64(entryB64));
    const ok = v.ok && v.entryChecked;
    return { ok, size: v.checkpoint ? String(v.checkpoint.size) : '', index: String(v.index), problems: v.problems };
  } catch (e) {
    // A malformed receipt or entry, or no key to check against (offline on
    // first use): not verified, saying why.
    return { ok: false, size: '', index: '', problems: [e.message || String(e)] };
  }
}
