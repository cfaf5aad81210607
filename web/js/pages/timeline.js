// #/case/ID/timeline?kind=&route=&from=&to=&text=&page=&day= : the case's
// siege severity band (day: the day whose criteria are shown) and its current
// records, filtered on the server, a page at a time.
import { h, add, table } from '../dom.js';
import { getJson, query, staticPublication } from '../api.js';
import { t, num, date, term } from '../i18n.js';
import { caseRoutes, routeName, caseHref, recordHref, badge, ident } from '../ui.js';
import { severityBand } from './severity_band.js';

export const kKinds = ['source', 'evidence', 'route', 'route_status', 'baseline', 'movement', 'incident', 'outage',
  'obligation', 'need_standard', 'stock', 'claim', 'retraction'];
const kPageSize = 25;

function field(id, label, control) {
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
}

export async function render(ctx) {
  const caseId = ctx.route.caseId;
  const p = ctx.route.params;
  const page = Math.max(1, parseInt(p.page || '1', 10) || 1);
  // A publication filters by kind only: the rest is the server's search.
  const live = !staticPublication();
  const filters = live ? { kind: p.kind || '', route: p.route || '', from: p.from || '', to: p.to || '', text: p.text || '' }
    : { kind: p.kind || '' };
  const [routes, res, band] = await Promise.all([
    caseRoutes(caseId),
    getJson(`/api/v1/records${query({ case: caseId, ...filters, limit: kPageSize, offset: (page - 1) * kPageSize })}`),
    severityBand(caseId, p.day || '', { ...filters, page: page > 1 ? page : '' }),
  ]);
  const total = typeof res.total === 'number' ? res.total : res.records.length;
  const pages = Math.max(1, Math.ceil(total / kPageSize));

  const kindSelect = h('select', { id: 'f-kind', name: 'kind' },
    h('option', { value: '' }, t('any')),
    kKinds.map((k) => h('option', { value: k, selected: k === filters.kind }, term('kind', k))));
  const routeSelect = h('select', { id: 'f-route', name: 'route' },
    h('option', { value: '' }, t('any')),
    [...routes.keys()].map((r) => h('option', { value: r, selected: r === filters.route, class: 'rc' }, routeName(routes, r))));
  const from = h('input', { id: 'f-from', name: 'from', type: 'date', value: filters.from });
  const to = h('input', { id: 'f-to', name: 'to', type: 'date', value: filters.to });
  const text = h('input', { id: 'f-text', name: 'text', type: 'search', value: filters.text });
  const form = h('form', { class: 'filters', id: 'timeline-filters', role: 'search' },
    field('f-kind', t('filter_kind'), kindSelect),
    live ? [field('f-route', t('filter_route'), routeSelect), field('f-from', t('filter_from'), from),
      field('f-to', t('filter_to'), to), field('f-text', t('filter_text'), text)]
      : h('p', { class: 'publication-filters', id: 'timeline-live-only' }, t('publication_filters')),
    h('div', { class: 'field buttons' },
      h('button', { type: 'submit' }, t('apply_filters')),
      h('a', { href: caseHref(caseId, '/timeline'), class: 'button-link secondary' }, t('clear_filters'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = caseHref(caseId, '/timeline', live ? {
      kind: kindSelect.value, route: routeSelect.value, from: from.value, to: to.value, text: text.value.trim(),
    } : { kind: kindSelect.value });
  });

  const rows = res.records.map((r) => [
    h('a', { href: recordHref(r.id) }, ident(r.id)),
    date(r.date_from) + (r.date_to && r.date_to !== r.date_from ? ` – ${date(r.date_to)}` : ''),
    term('kind', r.kind),
    badge('corr', r.status),
    h('span', { class: 'rc', lang: (r.record && r.record.language) || null }, r.summary || ''),
  ]);
  const pager = h('nav', { class: 'pager', 'aria-label': t('pagination') },
    page > 1 ? h('a', { href: caseHref(caseId, '/timeline', { ...filters, page: page - 1 }), rel: 'prev' }, t('prev_page')) : null,
    h('span', {}, t('page_of', { page: num(page), pages: num(pages) })),
    page < pages ? h('a', { href: caseHref(caseId, '/timeline', { ...filters, page: page + 1 }), rel: 'next' }, t('next_page')) : null);

  add(ctx.main, 
    h('h1', {}, t('timeline_title')),
    band,
    form,
    h('p', { id: 'timeline-count', role: 'status' }, t('records_found', { n: total })),
    rows.length
      ? table(null, [t('col_record'), t('col_date'), t('col_kind'), t('col_corroboration'), t('col_summary')], rows,
        { id: 'timeline-table' })
      : h('p', {}, t('no_records')),
    pages > 1 ? pager : null);
}
