// Sends the intake outbox (js/outbox.js) to the OpenRosa server: every
// waiting record of the current token (myRecords) is POSTed to /submission as multipart (xml_submission_file
// and its attachments, as ODK Collect sends it) with the bearer token, when
// the browser is online (navigator.onLine, the `online` event), retrying
// with a backoff (1 s doubling to 2 min) when the server cannot be reached
// or answers 401/403/429/5xx. An accepted record (201, or 202 for a resend)
// becomes sent, with its id, log index and receipt, then its entry (from
// GET /api/v1/records/{id}) and the receipt's check in this browser; a
// refused one (400, 404, 409, 413) becomes refused with the field at fault.
// Every change is announced to the page by a `lifeline-outbox` event.
import { getToken, getJson } from './api.js';
import { State, myRecords, updateRecord, formDataOf } from './outbox.js';
import { parseOpenRosaResponse, faultField, checkReceipt } from './receipts.js';
import { browserEnv } from './trust_view.js';

const kFirstDelayMs = 1000;
const kMaxDelayMs = 120000;
const kRefused = new Set([400, 404, 409, 413]);

let timer = null;
let running = null;
let started = false;

const changed = () => window.dispatchEvent(new CustomEvent('lifeline-outbox'));

/** The delay before the attempt after `attempts` failed ones. */
export function backoffMs(attempts) {
  return Math.min(kMaxDelayMs, kFirstDelayMs * 2 ** Math.max(0, attempts - 1));
}

async function postRecord(rec) {
  const headers = { 'X-OpenRosa-Version': '1.0' };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch('/submission', { method: 'POST', headers, body: formDataOf(rec.parts), credentials: 'omit' });
  } catch (e) {
    return { retry: true, error: { message: e.message || String(e), status: 0 } };
  }
  const answer = parseOpenRosaResponse(await res.text());
  if ((res.status === 201 || res.status === 202) && answer.record) return { sent: answer.record };
  const error = { status: res.status, message: answer.message, field: faultField(answer.message) };
  return kRefused.has(res.status) ? { refused: error } : { retry: true, error };
}

async function sendOne(rec) {
  const out = await postRecord(rec);
  await updateRecord(rec.key, (r) => {
    r.attempts = (r.attempts || 0) + 1;
    if (out.sent) {
      r.state = State.SENT;
      r.result = out.sent;
      r.error = null;
    } else if (out.refused) {
      r.state = State.REFUSED;
      r.error = out.refused;
    } else {
      r.error = out.error;
      r.nextTry = Date.now() + backoffMs(r.attempts);
    }
  });
  changed();
}

// A sent record's entry (the bytes the log holds) and its receipt's check.
async function completeReceipt(rec) {
  let entry = rec.entry;
  if (!entry) {
    try {
      entry = (await getJson(`/api/v1/records/${encodeURIComponent(rec.result.id)}`)).entry;
    } catch {
      return;  // offline again: the next pass fetches it
    }
  }
  const verdict = await checkReceipt(browserEnv(), rec.result.receipt, entry);
  await updateRecord(rec.key, (r) => {
    r.entry = entry;
    r.verdict = verdict;
  });
  changed();
}

// force: also the records whose retry time has not come (back online).
async function pass(force) {
  const now = force ? Infinity : Date.now();
  for (const rec of await myRecords()) {
    if (!navigator.onLine) break;
    if (rec.state === State.WAITING && (rec.nextTry || 0) <= now) await sendOne(rec);
  }
  for (const rec of await myRecords()) {
    if (navigator.onLine && rec.state === State.SENT && !rec.verdict) await completeReceipt(rec);
  }
  schedule(await myRecords());
}

// The next pass: at the earliest retry time of a waiting record.
function schedule(records) {
  clearTimeout(timer);
  const next = records.filter((r) => r.state === State.WAITING).map((r) => r.nextTry || 0);
  if (!next.length || !navigator.onLine) return;
  timer = setTimeout(() => sync(), Math.max(0, Math.min(...next) - Date.now()));
}

/**
 * Sends what is waiting (one pass at a time; with force, also what waits
 * for its retry time); resolves when done.
 */
export function sync(force = false) {
  if (!running) {
    running = pass(force).catch(() => {}).finally(() => {
      running = null;
    });
  }
  return running;
}

/** Starts sending: now, and whenever the browser comes back online. Idempotent. */
export function startSync() {
  if (started) return sync();
  started = true;
  window.addEventListener('online', () => sync(true));
  return sync();
}
