// #/case/ID/risk : the records monitors tagged against the factors and
// indicators of an atrocity-risk framework (lifeline risk), with their
// corroboration, dates and authors. The page counts and cites: it states no
// verdict, and says so first.
import { h, add, table } from '../dom.js';
import { getJson } from '../api.js';
import { t, num, date } from '../i18n.js';
import { checkpointLine, recordHref, badge, quoted, ident } from '../ui.js';

const dates = (c) => (c.first ? t('risk_dates', { first: date(c.first), last: date(c.last) }) : '—');

// The framework's own words (factor names, indicator labels) are its data,
// in English: quoted as such.
const fw = (text) => quoted(text, 'en');

function counts(c) {
  return h('div', { class: 'risk-counts' },
    t('risk_counts', { tags: c.tags, records: c.records, authors: c.authors.length }), ' · ', dates(c), ' · ',
    t('risk_corroboration'), ' ',
    Object.entries(c.by_status).map(([status, n]) => [badge('corr', status), ' ', num(n), ' '])
  );
}

function months(c) {
  const entries = Object.entries(c.by_month);
  if (!entries.length) return null;
  return h('div', { class: 'risk-months' }, t('risk_by_month'), ' ',
    entries.map(([m, n], i) => [i ? ', ' : '', h('span', { class: 'risk-month' }, `${m}: ${num(n)}`)]));
}

function tagItem(tag) {
  return h('li', { class: 'risk-tag', id: `tag-${tag.id}` },
    h('p', {}, h('a', { href: recordHref(tag.id) }, ident(tag.id)), ' · ', t('risk_author'), ' ', quoted(tag.author)),
    h('p', {}, quoted(tag.text)),
    h('ul', { class: 'risk-targets' }, tag.targets.map((x) => h('li', {},
      h('a', { href: recordHref(x.id) }, ident(x.id)), ' ', x.date ? date(x.date) : '', ' ',
      x.status === 'not current' ? h('span', { class: 'badge' }, t('risk_not_current')) : badge('corr', x.status), ' ',
      quoted(x.summary)))));
}

function factorSection(f) {
  return h('section', { id: `rf-${f.factor}`, 'aria-labelledby': `rf-${f.factor}-h` },
    h('h2', { id: `rf-${f.factor}-h` }, ident(f.factor), ' ', fw(f.name)),
    counts(f.counts),
    h('div', {}, t('risk_by'), ' ', f.counts.authors.map((a, i) => [i ? '; ' : '', quoted(a)])),
    f.indicators.map((i) => h('div', { class: 'risk-indicator' },
      h('h3', {}, i.indicator ? [`${i.indicator} `, fw(i.label)] : t('risk_factor_level')),
      counts(i.counts), months(i.counts),
      h('ul', { class: 'risk-tags' }, i.tags.map(tagItem)))));
}

export async function render(ctx) {
  const id = ctx.route.caseId;
  const r = await getJson(`/api/v1/cases/${encodeURIComponent(id)}/risk`);
  const tagged = r.factors.filter((f) => f.counts.tags > 0);
  const untagged = r.factors.filter((f) => f.counts.tags === 0).map((f) => f.factor);
  const rows = tagged.map((f) => [
    h('a', { href: `#rf-${f.factor}` }, ident(f.factor), ' ', fw(f.name)),
    num(f.counts.tags), num(f.counts.records), num(f.counts.authors.length), dates(f.counts),
  ]);
  add(ctx.main,
    h('h1', {}, t('risk_title')),
    h('p', { class: 'risk-statement', role: 'note', id: 'risk-statement' }, t('risk_statement')),
    h('p', {}, t('risk_framework'), ' ', h('a', { href: r.framework.url, rel: 'noopener' }, fw(r.framework.title)),
      ' (', ident(r.framework.file), ')'),
    counts(r.totals),
    tagged.length
      ? table(null, [t('col_factor'), t('col_tags'), t('col_records'), t('col_authors'), t('col_dates')], rows,
        { id: 'risk-table' })
      : h('p', {}, t('risk_none')),
    untagged.length ? h('p', {}, t('risk_untagged'), ' ', untagged.map((f, i) => [i ? ', ' : '', ident(f)])) : null,
    tagged.map(factorSection),
    checkpointLine(r.checkpoint));
}
