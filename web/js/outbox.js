// The intake page's store in this browser (IndexedDB "lifeline-intake"):
//   forms   — each form's XForm as last downloaded (formId, name, xml), so a
//             form opens with no connection;
//   records — each filled instance, keyed by its instanceID: its parts
//             (xml_submission_file and attachments, as Blobs), its state
//             (draft, waiting, sent, refused), the owner key of the token
//             it was filled with (ownerKey: never the token), and once sent
//             the record's id, log index, receipt and entry;
//   drafts  — half-filled forms (js/drafts.js), keyed by a random id, with
//             the hash of the token they belong to (index "owner").
// Nothing here talks to the server (js/pages/intake.js does). Every function
// opens the database afresh: a reload or a second tab sees the same data.

import { getToken } from './api.js';

const kDb = 'lifeline-intake';
const kVersion = 2;

/** States a record goes through: draft → waiting → sent | refused. */
export const State = Object.freeze({ DRAFT: 'draft', WAITING: 'waiting', SENT: 'sent', REFUSED: 'refused' });

function open() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(kDb, kVersion);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('forms')) db.createObjectStore('forms', { keyPath: 'formId' });
      if (!db.objectStoreNames.contains('records')) db.createObjectStore('records', { keyPath: 'key' });
      if (!db.objectStoreNames.contains('drafts')) {
        db.createObjectStore('drafts', { keyPath: 'id' }).createIndex('owner', 'owner');
      }
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/**
 * Runs fn(store) in one transaction of the store `name`; resolves to the
 * result of the request fn returns (or undefined) once the transaction has
 * committed.
 */
export async function run(name, mode, fn) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(name, mode);
      const req = fn(tx.objectStore(name));
      tx.oncomplete = () => resolve(req ? req.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error(`IndexedDB: the ${name} transaction was aborted`));
    });
  } finally {
    db.close();
  }
}

export const putForm = (form) => run('forms', 'readwrite', (s) => s.put(form));
export const getForm = (formId) => run('forms', 'readonly', (s) => s.get(formId));
export const allForms = () => run('forms', 'readonly', (s) => s.getAll());

/** The owner key of the current token: hex SHA-256 of it ('' with no token). */
export async function ownerKey(token = getToken()) {
  if (!token) return '';
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The records the current token filled, oldest first: a shared browser
 * shows and sends each token only its own, so a record is never appended
 * under another monitor's token (its `by`). Records kept before owners
 * were (none has an owner) count as every token's, as they did then.
 */
export async function myRecords() {
  const owner = await ownerKey();
  if (!owner) return [];
  const list = await run('records', 'readonly', (s) => s.getAll());
  return list.filter((r) => r.owner === undefined || r.owner === owner).sort((a, b) => a.created - b.created);
}

export const getRecord = (key) => run('records', 'readonly', (s) => s.get(key));
export const putRecord = (rec) => run('records', 'readwrite', (s) => s.put(rec));

/** Applies fn to the stored record `key` and stores it; resolves to it (null when gone). */
export async function updateRecord(key, fn) {
  const rec = await getRecord(key);
  if (!rec) return null;
  fn(rec);
  rec.updated = Date.now();
  await putRecord(rec);
  return rec;
}

/**
 * The parts of an engine payload's FormData as storable objects
 * ({name, blob, fileName}): IndexedDB keeps Blobs, not FormData.
 */
export function partsOf(formData) {
  const parts = [];
  for (const [name, value] of formData.entries()) {
    if (typeof value === 'string') parts.push({ name, blob: new Blob([value]), fileName: null });
    else parts.push({ name, blob: value, fileName: value.name || name });
  }
  return parts;
}

/** The multipart body of a stored record, as OpenRosa clients send it. */
export function formDataOf(parts) {
  const fd = new FormData();
  for (const p of parts) {
    if (p.fileName) fd.append(p.name, p.blob, p.fileName);
    else fd.append(p.name, p.blob);
  }
  return fd;
}
