// The intake page's drafts (js/drafts.js holds them): the list of this
// token's drafts beside the outbox, and the keeper that saves the open form
// as a draft while it is filled in: 1 s after the last input, change or
// click in the form, when the page is hidden or left (pagehide,
// visibilitychange, hashchange), and on "Save draft". A form that is still
// as it opened (blank, or the draft as restored) is not saved. Used by
// js/pages/intake.js only; one keeper per open form; not thread-shared
// (the browser's one event loop).
import { h, mount, table } from '../dom.js';
import { t, locale } from '../i18n.js';
import { announce } from '../ui.js';
import { myDrafts, saveDraft, deleteDraft } from '../drafts.js';

const kDebounceMs = 1000;

const when = (ms) => new Date(ms).toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'short' });

/** The href that opens draft `d` in its form. */
export const draftHref = (d) => `#/intake/${encodeURIComponent(d.formId)}?draft=${encodeURIComponent(d.id)}`;

/** Renders this token's drafts into `el`; onDiscard(id) after one is discarded. */
export async function renderDrafts(el, onDiscard) {
  const drafts = await myDrafts();
  if (!drafts.length) return mount(el, h('p', { id: 'drafts-empty' }, t('intake_drafts_empty')));
  const rows = drafts.map((d) => {
    const discard = h('button', { type: 'button', class: 'discard-draft' }, t('intake_draft_discard'));
    discard.addEventListener('click', async () => {
      await deleteDraft(d.id);
      announce(t('intake_draft_discarded'));
      onDiscard(d.id);
    });
    return [h('span', { class: 'form-name' }, d.formName || d.formId), h('time', { datetime: new Date(d.updated).toISOString() }, when(d.updated)),
      h('span', { class: 'draft-summary' }, d.summary || t('intake_draft_no_answers')),
      h('span', {}, h('a', { href: draftHref(d), class: 'open-draft' }, t('intake_draft_open')), ' ', discard)];
  });
  mount(el, table(null, [t('intake_col_form'), t('intake_col_edited'), t('intake_col_answers'), ''], rows, { id: 'drafts-table' }));
  el.querySelectorAll('#drafts-table tbody tr').forEach((tr, i) => {
    tr.dataset.id = drafts[i].id;
  });
  return el;
}

/**
 * Keeps the form in `formEl` (its engine controller `ctl`: js/forms entry's
 * {xml()}) as draft `id` of `form` ({formId, name, version}).
 * onSaved(draft) after each save. Returns {save(), stop()}: save() keeps it
 * now, even unchanged; stop() ends the keeping (the form was sent or
 * discarded) without saving, and resolves once a save under way is done (so
 * a draft deleted after it stays deleted).
 */
export function keepDraft(formEl, form, id, ctl, onSaved) {
  const baseline = ctl.xml();
  let last = baseline;
  let timer = null;
  let stopped = false;
  let pending = Promise.resolve();
  const save = async (force) => {
    clearTimeout(timer);
    if (stopped) return;
    const xml = ctl.xml();
    if (!force && (xml === last || xml === baseline)) return;
    last = xml;
    pending = saveDraft(id, form, xml);
    const draft = await pending;
    if (!stopped) onSaved(draft);
  };
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => save(false), kDebounceMs);
  };
  const now = () => save(false);
  const onVisibility = () => document.visibilityState === 'hidden' && now();
  const events = ['input', 'change', 'click'];
  events.forEach((e) => formEl.addEventListener(e, touch));
  window.addEventListener('pagehide', now);
  window.addEventListener('hashchange', now);
  document.addEventListener('visibilitychange', onVisibility);
  return {
    save: () => save(true),
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      events.forEach((e) => formEl.removeEventListener(e, touch));
      window.removeEventListener('pagehide', now);
      window.removeEventListener('hashchange', now);
      document.removeEventListener('visibilitychange', onVisibility);
      return pending;
    },
  };
}
