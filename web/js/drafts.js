// Drafts: half-filled field forms kept in this browser (IndexedDB
// "lifeline-intake", store "drafts", opened by js/outbox.js) as the monitor
// types, so a closed tab, a reload or a flat battery loses nothing. A draft
// is {id, owner, formId, formName, formVersion, xml, summary, updated}:
// `xml` is the form engine's instance as it stood (valid or not), `owner`
// the SHA-256 of the access token it was made with (the token itself is
// never stored), so a shared browser shows each token only its own drafts.
// Drafts are never sent anywhere: a form is sent only once it is finished
// and put in the outbox, and its draft is then deleted.
import { run, ownerKey } from './outbox.js';

export { ownerKey };

const kSummaryChars = 90;

/** A new draft id. */
export const newDraftId = () => `draft-${crypto.randomUUID()}`;

/**
 * A short summary of an instance's answers: "name: value" for the first
 * non-empty questions (meta/ left out), cut to about 90 characters.
 */
export function summarize(xml) {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  const out = [];
  const walk = (el, path) => {
    for (const c of el.children) {
      if (c.localName === 'meta') continue;
      const name = path ? `${path}/${c.localName}` : c.localName;
      if (c.children.length) walk(c, name);
      else if (c.textContent.trim()) out.push(`${name}: ${c.textContent.trim()}`);
    }
  };
  if (doc.documentElement && !doc.getElementsByTagName('parsererror').length) walk(doc.documentElement, '');
  const text = out.join('; ');
  return text.length > kSummaryChars ? `${text.slice(0, kSummaryChars - 1)}…` : text;
}

/** The current token's drafts, most recently edited first. */
export async function myDrafts() {
  const owner = await ownerKey();
  if (!owner) return [];
  const list = await run('drafts', 'readonly', (s) => s.index('owner').getAll(owner));
  return list.sort((a, b) => b.updated - a.updated);
}

/** The current token's draft `id`, or null (another token's draft is null too). */
export async function getDraft(id) {
  const owner = await ownerKey();
  const d = await run('drafts', 'readonly', (s) => s.get(id));
  return d && owner && d.owner === owner ? d : null;
}

/**
 * Keeps `xml` as the draft `id` of `form` ({formId, name, version}) for the
 * current token; resolves to the stored draft (null with no token).
 */
export async function saveDraft(id, form, xml) {
  const owner = await ownerKey();
  if (!owner) return null;
  const draft = {
    id, owner, formId: form.formId, formName: form.name, formVersion: form.version || '',
    xml, summary: summarize(xml), updated: Date.now(),
  };
  await run('drafts', 'readwrite', (s) => s.put(draft));
  return draft;
}

/** Deletes the draft `id` if it is the current token's. */
export async function deleteDraft(id) {
  if (await getDraft(id)) await run('drafts', 'readwrite', (s) => s.delete(id));
}
