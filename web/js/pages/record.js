// #/record/ID : one record as logged, its sources, corroboration and claims,
// its history, the hashes that pin it, and its inclusion proof, which the
// reader can verify here (js/trust.js: the checkpoint's signature against the
// pinned key, the witness quorum, consistency with what this browser saw, and
// the proof with js/merkle.js) without trusting the server.
import { h, add, mount, table } from '../dom.js';
import { getJson, intakeAllowed } from '../api.js';
import { t, tn, num, date, term, hasTerm, has } from '../i18n.js';
import { recordHref, caseHref, badge, announce, quoted, ident } from '../ui.js';
import { leafHash, fromBase64, toHex } from '../merkle.js';
import { checkRecord } from '../trust.js';
import { browserEnv, problemItems, statusText } from '../trust_view.js';

/** A record value as text: scalars as they are, the rest as indented JSON. */
function valueNode(v) {
  if (v === null || typeof v !== 'object') return h('span', {}, String(v));
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object')) return h('span', {}, v.join(', '));
  return h('pre', { class: 'json' }, JSON.stringify(v, null, 2));
}

function idLinks(ids) {
  if (!ids || !ids.length) return t('none');
  return h('ul', { class: 'inline-list' }, ids.map((i) => h('li', {}, h('a', { href: recordHref(i) }, ident(i)))));
}

// Fields whose values are enumerations of the schema, shown in words (the
// code itself in the title), and the term group each belongs to.
const kEnumFields = {
  utility: 'utility', instrument: 'instrument', status: 'status', direction: 'direction', restricted: 'restriction',
  event_type: 'event_type', sub_event_type: 'sub_event_type', outcome: 'outcome', stance: 'stance',
  publisher_type: 'publisher_type', date_precision: 'date_precision', unit: 'unit',
};

function enumValue(group, v) {
  const one = (x) => (hasTerm(group, x) ? term(group, x) : quoted(x));
  return Array.isArray(v) ? v.flatMap((x, i) => (i ? [', ', one(x)] : [one(x)])) : one(v);
}

/** A field's label in words, with its name in the record as code. */
function fieldLabel(k) {
  return has(`field_${k}`) ? [t(`field_${k}`), ' ', h('code', { class: 'field-key' }, k)] : h('code', {}, k);
}

export async function render(ctx) {
  const id = ctx.route.recordId;
  const r = await getJson(`/api/v1/records/${encodeURIComponent(id)}`);
  const rec = r.record || {};
  const contentLang = rec.language || null;

  const fields = Object.entries(rec).filter(([k]) => !['kind', 'id'].includes(k)).map(([k, v]) => {
    let value = h('div', { class: 'rc', lang: contentLang }, valueNode(v));
    const group = k === 'type' && rec.kind === 'route' ? 'route_type' : kEnumFields[k];
    if (k === 'case') value = h('a', { href: caseHref(v) }, ident(v));
    else if (k === 'sources' || k === 'supersedes' || k === 'about' || k === 'retracts' || (k === 'route' && typeof v === 'string')) {
      value = idLinks(Array.isArray(v) ? v : [v]);
    } else if (group && (typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')))) {
      value = h('div', {}, enumValue(group, v));
    }
    return [fieldLabel(k), value];
  });

  const sources = (r.sources || []).map((s) => h('li', {},
    h('strong', {}, quoted(s.publisher)), ', ',
    s.url ? h('a', { href: s.url, rel: 'noopener noreferrer' }, quoted(s.title, s.language || null)) : quoted(s.title, s.language || null),
    s.published ? ` (${date(s.published)})` : '', ' ',
    h('a', { href: recordHref(s.id), class: 'muted' }, '[', ident(s.id), ']')));

  // A claim about one field names it (and what the party says it is).
  const claimField = (c) => (c.field === undefined ? null : h('span', { class: 'claim-field' },
    h('code', {}, c.field), c.value === undefined ? '' : [' = ', quoted(typeof c.value === 'string' ? c.value : JSON.stringify(c.value))], ': '));
  const claims = (r.claims || []).map((c) => [
    h('a', { href: recordHref(c.id) }, quoted(c.party)), badge('stance', c.stance), [claimField(c), quoted(c.text)]]);

  // Hashes that pin the record: the log leaf (computed here from the entry
  // bytes), and any content hashes the record itself carries.
  const hashes = [];
  if (r.entry) hashes.push([t('hash_leaf'), h('code', { id: 'leaf-hash' }, t('computing'))]);
  if (rec.sha256) hashes.push([t('hash_evidence'), h('code', {}, rec.sha256)]);
  if (rec.archived_sha256) hashes.push([t('hash_archived'), h('code', {}, rec.archived_sha256)]);

  const result = h('div', { id: 'verify-result', role: 'status', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', id: 'verify-button' }, t('verify'));
  // "Verified" only when this browser checked the checkpoint's signature
  // against the pinned key, the witness quorum, what it saw before, and the
  // proof against the signed root (js/trust.js).
  button.addEventListener('click', async () => {
    button.disabled = true;
    mount(result, t('verifying'));
    let v;
    try {
      v = await checkRecord(browserEnv(), r);
    } catch (e) {
      v = { status: 'failed', failures: [{ code: 'bad_note', detail: e.message || String(e) }], alarms: [], cosigners: [] };
    }
    const ok = v.status === 'verified' || v.status === 'unwitnessed';
    result.className = v.status === 'verified' ? 'verify-ok' : v.status === 'unwitnessed' ? 'verify-partial' : 'verify-fail';
    result.dataset.status = v.status;
    const size = v.checkpoint ? num(Number(v.checkpoint.size)) : '';
    const root = v.checkpoint ? h('code', {}, v.checkpoint.root) : '';
    let line;
    if (v.status === 'verified') {
      line = tn('verified', { size, root, cosigners: h('code', {}, v.cosigners.join(', ')), quorum: h('code', {}, v.quorum) });
    } else if (v.status === 'unwitnessed') {
      line = tn('verified_unwitnessed', { size, root });
    } else {
      line = [statusText(v.status)];
    }
    mount(result, h('p', {}, h('strong', {}, ok ? '✓ ' : '✗ '), line),
      ok ? null : h('ul', { class: 'verify-problems' }, problemItems(v)));
    announce(result.textContent);
    button.disabled = false;
  });

  add(ctx.main, 
    h('p', { class: 'breadcrumb' }, rec.case ? h('a', { href: caseHref(rec.case, '/timeline') }, t('back_to_timeline')) : null),
    h('h1', {}, h('span', { class: 'muted' }, `${term('kind', rec.kind)} · `), ident(rec.id || id)),
    h('p', {}, t('log_entry', { index: num(r.index) }), ' · ', badge('corr', r.status)),
    h('section', { 'aria-labelledby': 'fields-h' },
      h('h2', { id: 'fields-h' }, t('record_fields')),
      table(null, [t('col_field'), t('col_value')], fields, { id: 'record-fields' })),
    h('section', { 'aria-labelledby': 'sources-h' },
      h('h2', { id: 'sources-h' }, t('sources')),
      sources.length ? h('ul', { id: 'record-sources' }, sources) : h('p', {}, t('none'))),
    h('section', { 'aria-labelledby': 'corr-h' },
      h('h2', { id: 'corr-h' }, t('corroboration')),
      h('dl', { class: 'pairs' },
        h('dt', {}, t('corr_status')), h('dd', {}, badge('corr', r.status)),
        h('dt', {}, t('corr_publishers')), h('dd', {}, (r.publishers || []).length ? quoted(r.publishers.join('; ')) : t('none')),
        h('dt', {}, t('corr_confirmed_by')), h('dd', {}, idLinks(r.confirmed_by)),
        h('dt', {}, t('corr_disputed_by')), h('dd', {}, idLinks(r.disputed_by)),
        (r.disputed_fields || []).length ? [h('dt', {}, t('corr_disputed_fields')),
          h('dd', { id: 'disputed-fields' }, r.disputed_fields.map((f, i) => [i ? ', ' : '', h('code', {}, f)]))] : null,
        h('dt', {}, t('corr_retracted_by')), h('dd', {}, idLinks(r.retracted_by))),
      claims.length ? table(t('claims'), [t('col_party'), t('col_stance'), t('col_claim')], claims) : h('p', {}, t('no_claims')),
      h('p', { id: 'record-claim', hidden: true })),
    h('section', { 'aria-labelledby': 'history-h' },
      h('h2', { id: 'history-h' }, t('history')),
      h('dl', { class: 'pairs' },
        h('dt', {}, t('older_versions')), h('dd', {}, idLinks(r.older_versions)),
        h('dt', {}, t('newer_versions')), h('dd', {}, idLinks(r.newer_versions)))),
    hashes.length ? h('section', { 'aria-labelledby': 'hashes-h' },
      h('h2', { id: 'hashes-h' }, t('hashes')),
      h('dl', { class: 'pairs hashes' }, hashes.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))) : null,
    h('section', { 'aria-labelledby': 'proof-h', id: 'proof' },
      h('h2', { id: 'proof-h' }, t('inclusion_proof')),
      h('p', {}, t('proof_explain')),
      h('dl', { class: 'pairs hashes' },
        h('dt', {}, t('leaf_index')), h('dd', {}, num(r.leaf_index)),
        h('dt', {}, t('tree_size')), h('dd', {}, num(r.tree_size)),
        h('dt', {}, t('root')), h('dd', {}, h('code', {}, r.root || '—')),
        h('dt', {}, t('proof_hashes', { n: (r.proof || []).length })),
        h('dd', {}, h('ol', { class: 'hash-list' }, (r.proof || []).map((p) => h('li', {}, h('code', {}, p)))))),
      r.checkpoint_note ? h('details', {}, h('summary', {}, t('checkpoint_note')), h('pre', { class: 'note' }, r.checkpoint_note)) : null,
      button, result));

  ctx.entry = r.entry;
  ctx.claimAbout = { about: rec.id || id, case: rec.case || '' };
}

// "Confirm or dispute this record": for tokens that may submit (verifier,
// monitor, admin: HEAD /submission answers 204), the claim form opened with
// `about` (and `case`) filled in (js/pages/intake.js reads them).
async function offerClaim(ctx) {
  const el = document.getElementById('record-claim');
  if (!el || !ctx.claimAbout || !(await intakeAllowed())) return;
  const q = new URLSearchParams(Object.entries(ctx.claimAbout).filter(([, v]) => v));
  mount(el, h('a', { href: `#/intake/lifeline-claim?${q}`, id: 'claim-link' }, t('record_claim')));
  el.hidden = false;
}

/** Once the page is in the document: the leaf hash, computed here. */
export async function after(ctx) {
  offerClaim(ctx);
  const el = document.getElementById('leaf-hash');
  if (!el || !ctx.entry) return;
  try {
    el.textContent = toHex(await leafHash(fromBase64(ctx.entry)));
  } catch (e) {
    el.textContent = e.message;
  }
}
