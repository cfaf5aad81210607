// #/intake and #/intake/FORM[?draft=ID|?about=ID&case=ID] : the field forms,
// for monitor, verifier and admin tokens. Lists the forms the token's
// formList names, renders one with ODK Web Forms (vendor/odk-web-forms,
// web/forms/entry.js), keeps it as a draft while it is filled
// (intake_drafts.js, js/drafts.js: per token, never sent), and keeps each
// finished instance in this browser's outbox (js/outbox.js, IndexedDB), held
// back or waiting to be sent; js/intake_sync.js sends it when online. The
// outbox table shows each record's state: draft, waiting, sent (its id, log
// index and receipt, checked here: js/receipts.js), refused (the field at
// fault). It all survives a reload, and the page opens offline (sw.js keeps
// the dashboard's files; the forms are kept in IndexedDB).
import { h, mount, table } from '../dom.js';
import { getToken, intakeAllowed } from '../api.js';
import { t, tn, num } from '../i18n.js';
import { announce, ident, recordHref } from '../ui.js';
import { State, allForms, putForm, myRecords, putRecord, updateRecord, partsOf } from '../outbox.js';
import { startSync, sync } from '../intake_sync.js';
import { getDraft, newDraftId, deleteDraft, ownerKey } from '../drafts.js';
import { renderDrafts, keepDraft, draftHref } from './intake_drafts.js';

// The open form: unmount() removes it, keeper (intake_drafts.js) keeps it
// as a draft. One at a time, for whichever intake page is shown.
let open = { unmount: null, keeper: null, id: '' };

// The server's forms for this token: GET /formList (the xformsList
// document; a verifier's lists the claim form only) and each form's XML,
// kept in IndexedDB; offline, the ones this token's last list named (a
// shared browser keeps every token's forms, and shows each its own).
async function loadForms() {
  const headers = { Authorization: `Bearer ${getToken()}`, 'X-OpenRosa-Version': '1.0' };
  const listKey = `lifeline-intake-forms:${await ownerKey()}`;
  try {
    const res = await fetch('/formList', { headers, credentials: 'omit' });
    if (!res.ok) throw new Error(`/formList: ${res.status}`);
    const doc = new DOMParser().parseFromString(await res.text(), 'application/xml');
    const forms = [...doc.getElementsByTagName('xform')].map((x) => ({
      formId: x.getElementsByTagName('formID')[0].textContent,
      name: x.getElementsByTagName('name')[0].textContent,
      path: new URL(x.getElementsByTagName('downloadUrl')[0].textContent).pathname,
    }));
    localStorage.setItem(listKey, JSON.stringify(forms.map((f) => f.formId)));
    await Promise.all(forms.map(async (f) => {
      const xml = await fetch(f.path, { headers, credentials: 'omit' });
      if (xml.ok) await putForm({ formId: f.formId, name: f.name, xml: await xml.text() });
    }));
  } catch {
    // Offline or refused: the forms kept from the last time serve.
  }
  let mine = [];
  try {
    mine = JSON.parse(localStorage.getItem(listKey) || '[]');
  } catch {
    mine = [];
  }
  return (await allForms()).filter((f) => mine.includes(f.formId)).sort((a, b) => mine.indexOf(a.formId) - mine.indexOf(b.formId));
}

// The engine's payload (valid, sent by the form's button) into the outbox,
// keyed by the instance's instanceID (the server's idempotency key too).
async function keep(form, payload, draft) {
  const parts = partsOf(payload.data[0]);
  const instance = parts.find((p) => p.name === 'xml_submission_file');
  const m = instance ? /<instanceID>([^<]+)<\/instanceID>/.exec(await instance.blob.text()) : null;
  if (!m) throw new Error('the form gave an instance without meta/instanceID');
  await putRecord({
    key: m[1], owner: await ownerKey(), formId: form.formId, formName: form.name, state: draft ? State.DRAFT : State.WAITING,
    parts, created: Date.now(), updated: Date.now(), attempts: 0, nextTry: 0,
  });
  announce(t(draft ? 'intake_kept_draft' : 'intake_kept_waiting'));
  window.dispatchEvent(new CustomEvent('lifeline-outbox'));
  sync();
}

// How long a receipt's object URL lives after its link is clicked: the
// browser has begun the download by then (it reads the URL as the click's
// default action, after this handler).
const kRevokeMs = 1000;

// A link downloading the receipt as <id>.tlog-proof. The object URL is made
// when the link is clicked and revoked once the download has begun, so the
// outbox's redraws leave no Blob behind.
function receiptLink(result) {
  const link = h('a', { href: '#', download: `${result.id}.tlog-proof`, class: 'receipt-download' }, t('intake_receipt_download'));
  link.addEventListener('click', () => {
    const url = URL.createObjectURL(new Blob([result.receipt], { type: 'text/plain' }));
    link.href = url;
    setTimeout(() => {
      URL.revokeObjectURL(url);
      link.href = '#';
    }, kRevokeMs);
  });
  return link;
}

function receiptCell(r) {
  if (r.state !== State.SENT) return '';
  const v = r.verdict;
  const status = !v ? h('span', { class: 'receipt-pending' }, t('intake_receipt_pending'))
    : v.ok ? h('span', { class: 'verify-ok' }, '✓ ', t('intake_receipt_verified', { size: num(Number(v.size)) }))
      : h('span', { class: 'verify-fail' }, '✗ ', t('intake_receipt_failed', { problems: v.problems.join('; ') }));
  return h('span', { class: 'receipt', dataset: { verified: v ? String(v.ok) : '' } }, status, ' ', receiptLink(r.result));
}

function detailCell(r) {
  if (r.state === State.SENT) {
    return tn('intake_sent_detail', { id: h('a', { href: recordHref(r.result.id) }, ident(r.result.id)),
      index: h('span', { class: 'log-index' }, num(r.result.index)) });
  }
  if (r.state === State.REFUSED) {
    return h('span', { class: 'refusal' },
      r.error.field ? tn('intake_refused_field', { field: h('code', { class: 'fault-field' }, r.error.field) }) : '',
      ' ', h('span', { class: 'refusal-message' }, r.error.message));
  }
  if (r.state === State.WAITING && r.error) {
    return t('intake_retry', { message: r.error.message || String(r.error.status) });
  }
  if (r.state === State.DRAFT) {
    const send = h('button', { type: 'button', class: 'send-draft' }, t('intake_send'));
    send.addEventListener('click', async () => {
      await updateRecord(r.key, (x) => {
        x.state = State.WAITING;
        x.nextTry = 0;
      });
      window.dispatchEvent(new CustomEvent('lifeline-outbox'));
      sync(true);
    });
    return send;
  }
  return '';
}

async function renderOutbox(el) {
  const records = await myRecords();
  if (!records.length) return mount(el, h('p', {}, t('intake_outbox_empty')));
  const rows = records.map((r) => [
    h('span', { class: 'form-name' }, r.formName || r.formId),
    h('span', { class: `state state-${r.state}`, dataset: { state: r.state } }, t(`intake_state_${r.state}`)),
    detailCell(r), receiptCell(r),
  ]);
  mount(el, table(null, [t('intake_col_form'), t('intake_col_state'), t('intake_col_details'), t('intake_col_receipt')],
    rows, { id: 'outbox-table' }));
  el.querySelectorAll('#outbox-table tbody tr').forEach((tr, i) => {
    tr.dataset.key = records[i].key;
    tr.dataset.state = records[i].state;
  });
}

// The page's line saying whether records are sent now or wait; the
// listeners are added once, for whichever intake page is shown.
let connectionEl = null;
function showConnection() {
  if (connectionEl && document.contains(connectionEl)) mount(connectionEl, t(navigator.onLine ? 'intake_online' : 'intake_offline'));
}
window.addEventListener('online', showConnection);
window.addEventListener('offline', showConnection);

function closeForm() {
  if (open.keeper) open.keeper.stop();
  if (open.unmount) open.unmount();
  open = { unmount: null, keeper: null, id: '' };
}

export async function render(ctx) {
  closeForm();
  if (!(await intakeAllowed())) {
    mount(ctx.main, h('h1', {}, t('intake_title')), h('p', { id: 'intake-denied' }, t('intake_denied')));
    return;
  }
  const forms = await loadForms();
  const form = ctx.route.formId ? forms.find((f) => f.formId === ctx.route.formId) || null : null;
  const list = forms.length
    ? h('ul', { id: 'intake-forms' }, forms.map((f) => h('li', {}, h('a', { href: `#/intake/${encodeURIComponent(f.formId)}`,
      'aria-current': form && form.formId === f.formId ? 'page' : null }, f.name))))
    : h('p', {}, t('intake_no_forms'));
  mount(ctx.main,
    h('h1', {}, t('intake_title')),
    h('p', {}, t('intake_intro')),
    h('p', { id: 'intake-connection', role: 'status' }),
    h('section', { 'aria-labelledby': 'forms-h' }, h('h2', { id: 'forms-h' }, t('intake_forms')), list),
    form ? h('section', { 'aria-labelledby': 'form-h', id: 'intake-form-section' },
      h('h2', { id: 'form-h' }, form.name),
      h('p', { class: 'draft-actions' },
        h('button', { type: 'button', id: 'draft-save' }, t('intake_draft_save')), ' ',
        h('button', { type: 'button', id: 'draft-discard' }, t('intake_draft_discard')), ' ',
        h('span', { id: 'draft-status', role: 'status' })),
      h('p', { id: 'draft-notice', class: 'notice', hidden: true }),
      h('label', { class: 'draft-toggle' }, h('input', { type: 'checkbox', id: 'intake-draft' }), ' ', t('intake_draft_toggle')),
      h('div', { id: 'odk-form' })) : null,
    h('section', { 'aria-labelledby': 'drafts-h' }, h('h2', { id: 'drafts-h' }, t('intake_drafts')), h('div', { id: 'drafts' })),
    h('section', { 'aria-labelledby': 'outbox-h' }, h('h2', { id: 'outbox-h' }, t('intake_outbox')), h('div', { id: 'outbox' })));
  ctx.form = form;
}

/** After the page is in the document: the form, the outbox, and sending. */
export async function after(ctx, main) {
  const outbox = main.querySelector('#outbox');
  if (!outbox) return;  // not allowed: nothing to send from here
  const refresh = () => renderOutbox(outbox);
  connectionEl = main.querySelector('#intake-connection');
  showConnection();
  await refresh();
  const onChange = () => (document.contains(outbox) ? refresh() : window.removeEventListener('lifeline-outbox', onChange));
  window.addEventListener('lifeline-outbox', onChange);
  const drafts = main.querySelector('#drafts');
  const refreshDrafts = () => renderDrafts(drafts, () => refreshDrafts());
  await refreshDrafts();
  if (ctx.form) await openForm(ctx, main, refreshDrafts);
  startSync();
}

// Says what a restored draft could not bring back: the form's version
// changed since, and the answers that no longer fit it.
function showFit(main, draft, version, unfit) {
  const notice = main.querySelector('#draft-notice');
  const lines = [];
  if (draft.formVersion !== version) lines.push(t('intake_draft_old_version', { then: draft.formVersion || '?', now: version }));
  if (unfit.length) lines.push(t('intake_draft_unfit', { fields: unfit.join(', ') }));
  else if (lines.length) lines.push(t('intake_draft_all_fit'));
  notice.hidden = !lines.length;
  notice.dataset.unfit = unfit.join(' ');
  mount(notice, lines.join(' '));
}

// Answers given in the address (#/intake/FORM?about=ID&case=ID: the record
// page's "Confirm or dispute this record"), set once the form has loaded.
function prefill(ctl, given) {
  for (const name of ['about', 'case']) {
    if (given[name]) ctl.set(`/data/${name}`, given[name]);
  }
}

// The form's Save draft and Discard draft buttons; afterDiscard() once the
// open form's draft is deleted and the form closed.
function draftButtons(main, afterDiscard) {
  main.querySelector('#draft-save').addEventListener('click', async () => {
    if (open.keeper) await open.keeper.save();
    announce(t('intake_draft_saved_now'));
  });
  main.querySelector('#draft-discard').addEventListener('click', async () => {
    const { id } = open;
    closeForm();
    await deleteDraft(id);
    main.querySelector('#draft-notice').hidden = true;
    mount(main.querySelector('#draft-status'), t('intake_draft_discarded'));
    afterDiscard();
  });
}

// Mounts the open form: restored from ?draft=ID when that is this token's
// draft, else blank (with any answers the address gives); kept as a draft
// while it is filled; put in the outbox when sent, its draft deleted.
async function openForm(ctx, main, refreshDrafts) {
  const { mountForm, formVersionOf } = await import('../../vendor/odk-web-forms/odk-web-forms.js');
  const form = { formId: ctx.form.formId, name: ctx.form.name, version: formVersionOf(ctx.form.xml) };
  const el = main.querySelector('#odk-form');
  const status = main.querySelector('#draft-status');
  const params = ctx.route.params || {};
  const draft = params.draft ? await getDraft(params.draft) : null;
  if (params.draft && !draft) mount(status, t('intake_draft_missing'));
  const blankHref = `#/intake/${encodeURIComponent(form.formId)}`;
  const onSaved = (d) => {
    if (!d) return;
    mount(status, t('intake_draft_saved', { time: new Date(d.updated).toLocaleTimeString() }));
    status.dataset.saved = String(d.updated);
    if (!location.hash.includes('draft=')) history.replaceState(null, '', draftHref(d));
    refreshDrafts();
  };
  // given: the answers the address gives (the first form only).
  const mountOne = (restore, id, given) => {
    closeForm();
    el.dataset.ready = 'false';
    let ready = false;
    open.id = id;
    open.unmount = mountForm(el, ctx.form.xml, {
      onSubmit: async (payload) => {
        if (open.keeper) await open.keeper.stop();
        await keep(ctx.form, payload, main.querySelector('#intake-draft').checked);
        await deleteDraft(id);
        history.replaceState(null, '', blankHref);
        refreshDrafts();
        setTimeout(() => mountOne(null, newDraftId(), {}), 0);
      },
      onReady: (ctl) => {
        if (ready) return;
        ready = true;
        if (restore) showFit(main, restore, form.version, ctl.fill(restore.xml));
        else prefill(ctl, given);
        open.keeper = keepDraft(el, form, id, ctl, onSaved);
        el.dataset.ready = 'true';
      },
    });
  };
  draftButtons(main, () => {
    history.replaceState(null, '', blankHref);
    refreshDrafts();
    mountOne(null, newDraftId(), {});
  });
  mountOne(draft, draft ? draft.id : newDraftId(), params);
}
