// Shared page pieces: links between pages, error boxes, announcements.
import { h, mount } from './dom.js';
import { ApiError, getJson, allRecords } from './api.js';
import { t, tn, assumption, term, hasTerm } from './i18n.js';

export function caseHref(caseId, tab = '', params) {
  const q = params ? new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '' && v != null)).toString() : '';
  return `#/case/${encodeURIComponent(caseId)}${tab}${q ? `?${q}` : ''}`;
}

export const recordHref = (id) => `#/record/${encodeURIComponent(id)}`;

/** Shows an API or loading error in the main area, 401/403/404 spelled out. */
export function errorBox(err) {
  let title = t('error_title');
  let hint = '';
  if (err instanceof ApiError) {
    if (err.status === 401) {
      title = t('error_401');
      hint = t('error_401_hint');
    } else if (err.status === 403) {
      title = t('error_403');
      hint = t('error_403_hint');
    } else if (err.status === 404) {
      title = t('error_404');
      hint = t('error_404_hint');
    } else if (err.status === 0) {
      title = t('error_network');
    }
  }
  return h('div', { class: 'error', role: 'alert' },
    h('h2', {}, title),
    h('p', {}, err instanceof ApiError && err.status ? `${err.status}: ${err.message}` : err.message || String(err)),
    hint ? h('p', {}, hint) : null);
}

export function announce(text) {
  mount(document.getElementById('status'), text);
}


const caseCache = new Map();

/** The case record (from /api/v1/cases) with id caseId; cached per page load. */
export async function caseRecord(caseId) {
  if (!caseCache.has('cases')) caseCache.set('cases', getJson('/api/v1/cases').then((r) => r.cases));
  let cases;
  try {
    cases = await caseCache.get('cases');
  } catch (e) {
    caseCache.delete('cases');
    throw e;
  }
  const c = cases.find((x) => x.id === caseId);
  if (!c) throw new ApiError(404, `no case ${caseId}`, '/api/v1/cases');
  return c;
}

/** The case's route records as a Map id -> record body. */
export async function caseRoutes(caseId) {
  const key = `routes:${caseId}`;
  if (!caseCache.has(key)) {
    caseCache.set(key, allRecords({ case: caseId, kind: 'route' })
      .then((items) => new Map(items.map((i) => [i.id, i.record || {}]))));
  }
  try {
    return await caseCache.get(key);
  } catch (e) {
    caseCache.delete(key);
    throw e;
  }
}

export const routeName = (routes, id) => (routes.get(id) && routes.get(id).name) || id;

/** "Computed from the log at the signed checkpoint of N entries, root hash R." */
export function checkpointLine(cp) {
  if (!cp) return null;
  return h('p', { class: 'checkpoint-line' }, tn('computed_at_checkpoint', { size: cp.size, root: h('code', {}, cp.root) }));
}

/**
 * Record content (names, titles, places, commodities, operators as
 * recorded), quoted as written: class "rc" tells it from the dashboard's
 * own text (to readers, and to the language tests), with lang when the
 * record states its language.
 */
export function quoted(text, lang = null) {
  if (text === null || text === undefined || text === '') return '';
  return h('span', { class: 'rc', lang }, String(text));
}

/**
 * A value of an open vocabulary in words: the catalogue's term, or, for a
 * term the case itself defines ("fuel"), the value as record content.
 */
export const caseTerm = (group, code) => (hasTerm(group, code) ? term(group, code) : quoted(code));

/** An identifier (a record id, a hash) as code. */
export const ident = (text) => h('code', { class: 'id' }, String(text));

// `field` names in the analysis's sentences become <code>.
function withCode(text) {
  return String(text).split('`').map((part, i) => (i % 2 ? h('code', {}, part) : part));
}

/**
 * The analysis's assumptions as list items, each in the reader's language
 * where the catalogue has it, else in English marked lang="en" (and said
 * to be untranslated); each stated once. keys: the analysis's stable keys
 * (assumption_keys, parallel to list) where it gives them: the catalogue's
 * assumption.KEY is then used whatever the English says.
 */
export function assumptionList(list, keys = []) {
  const seen = new Set();
  const items = (list || []).map((a, i) => [a, keys[i] || '']).filter(([a]) => !seen.has(a) && seen.add(a));
  return h('ul', { class: 'assumptions' }, items.map(([a, key]) => {
    const text = assumption(a, key);
    return text !== null ? h('li', {}, withCode(text))
      : h('li', { class: 'untranslated' }, h('span', { class: 'visually-hidden' }, `${t('assumption_untranslated')} `),
        h('span', { lang: 'en' }, withCode(a)));
  }));
}

/** A status word (open, closed, corroborated...) as a labelled badge. */
export function badge(kind, value) {
  const key = `${kind}_${value}`;
  const text = t(key);
  return h('span', { class: `badge badge-${value}` }, text === key ? value : text);
}
