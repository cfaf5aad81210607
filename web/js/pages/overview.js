// #/case/ID : the headline figures of the case (GET .../headline, the same
// figures and rules as the situation report's key figures: docs/analysis.md,
// "Headline figures"), each with how much of the period it rests on and its
// records, then each route's status now and the sources' own totals.
import { h, add, table } from '../dom.js';
import { getJson, reportUrl, staticPublication } from '../api.js';
import { t, tn, num, pct, date, language, quantity, term } from '../i18n.js';
import {
  caseRecord, caseRoutes, routeName, checkpointLine, badge, caseHref, recordHref, quoted, assumptionList, ident, caseTerm,
} from '../ui.js';

/** For each route: its status on the last day and the first day of that run. */
export function statusNow(days) {
  const out = new Map();
  for (let i = days.length - 1; i >= 0; i--) {
    for (const r of days[i].routes || []) {
      const cur = out.get(r.route);
      if (!cur) out.set(r.route, { status: r.status, since: days[i].date, restricted: r.restricted || [], open: true });
      else if (cur.open && cur.status === r.status) cur.since = days[i].date;
      else cur.open = false;
    }
  }
  return out;
}

/** A value that may be a bound: "at least 944". */
function bounded(text, bound) {
  if (bound === 'at_least') return t('fig_at_least', { value: text });
  if (bound === 'at_most') return t('fig_at_most', { value: text });
  if (bound === 'about') return t('fig_about', { value: text });
  return text;
}

const days = (n, bound) => bounded(t('value_days', { n }), bound);
const observed = (f) => (f.completeness === null || f.completeness === undefined ? null
  : t('fig_observed', { pct: pct(f.completeness, 0) }));

/** The records a figure rests on, as links (folded). */
function recordList(records) {
  if (!records || !records.length) return null;
  return h('details', { class: 'figure-records' },
    h('summary', {}, t('fig_records', { n: records.length })),
    h('ul', {}, records.map((r) => h('li', {}, h('a', { href: recordHref(r) }, ident(r))))));
}

function figure(key, label, value, detail, records, wide = false) {
  return h('div', { class: wide ? 'figure figure-wide' : 'figure', 'data-key': key },
    h('dt', {}, label),
    h('dd', {}, h('span', { class: 'figure-value' }, value),
      detail ? h('span', { class: 'figure-detail' }, detail) : null,
      recordList(records)));
}

// Parts of a figure's detail, space-separated: text, or a <span> when a part
// holds elements (a quoted name).
const join = (parts) => {
  const p = parts.filter(Boolean);
  if (p.every((x) => typeof x === 'string')) return p.join(' ');
  return h('span', {}, p.flatMap((x, i) => (i ? [' ', x] : [x])));
};

function blockadeFigures(head, routes) {
  const out = [];
  const b = head.find((f) => f.key === 'blockade.days');
  if (b && b.value === null && b.reason === 'no_status') {
    out.push(figure(b.key, t('fig_blockade_none'), t('fig_unknown'), t('fig_no_status'), null, true));
  } else if (b && b.value !== null) {
    const d = b.detail;
    const names = (d.routes || []).map((r) => r.name || routeName(routes, r.route)).join(', ');
    out.push(figure(b.key, tn('fig_blockade', { routes: quoted(names) }), days(b.value, b.bound),
      join([t('fig_blockade_detail', { from: date(d.first_day), to: date(d.last_day), closed: d.fully_closed,
        partial: d.partly_open }), observed(b)]), b.records, true));
  }
  for (const kind of ['closed', 'medical', 'humanitarian']) {
    const f = head.find((x) => x.key === `blockade.longest.${kind}`);
    if (!f || f.value === null) continue;
    out.push(figure(f.key, t(`fig_longest_${kind}`), days(f.value, f.bound),
      t('fig_episode_detail', { from: date(f.detail.from), to: date(f.detail.to), count: f.detail.episodes }), f.records));
  }
  return out;
}

// Masses of 10 t or more in tonnes, as the report shows them.
function shown(value, u, largest) {
  return u === 'kg' && largest >= 10000 ? quantity(value / 1000, 't') : quantity(value, u);
}

function supplyFigures(head, routes) {
  const out = [];
  for (const f of head) {
    if (f.key.startsWith('supply.baseline.')) {
      const d = f.detail;
      out.push(figure(f.key, tn('fig_supply_baseline', { route: quoted(routeName(routes, d.route)) }),
        f.value === null ? t('fig_unknown') : bounded(pct(f.value), f.bound),
        f.value === null ? t('fig_no_data')
          : join([t('fig_supply_detail', { delivered: bounded(shown(d.delivered, d.unit, d.expected), f.bound),
            expected: shown(d.expected, d.unit, d.expected), per_day: shown(d.per_day, d.unit, d.expected) }),
          onePartyShare(d), observed(f)]),
        f.records));
    } else if (f.key.startsWith('supply.requirement.')) {
      out.push(figure(f.key, tn('fig_requirement', { basis: quoted(f.detail.basis) }),
        f.value === null ? t('fig_unknown') : bounded(pct(f.value), f.bound), observed(f), f.records));
    } else if (f.key.startsWith('need.')) {
      const none = { not_assessed: 'fig_not_assessed', not_applicable: 'fig_not_dependent' }[f.bound] || 'fig_unknown';
      const why = { not_assessed: 'fig_need_not_assessed', not_applicable: 'fig_need_not_dependent' }[f.bound]
        || 'fig_need_unknown';
      out.push(figure(f.key, tn('fig_need', { commodity: quoted(f.detail.commodity) }),
        f.value === null ? t(none) : bounded(pct(f.value), f.bound), f.value === null ? t(why) : observed(f),
        f.value === null ? null : f.records));
    }
  }
  return out;
}

// Every measure and direction the headline has a figure for, in its order,
// but a both-ways figure that repeats one-way ones (detail.repeats_one_way).
function movementKeys(head) {
  return head.filter((f) => f.key.startsWith('movements.') && f.value !== null && !f.detail.repeats_one_way)
    .map((f) => f.key);
}

// The part of a figure resting on totals a party gave, and whose (the
// headline's detail.one_party).
function onePartyShare(d) {
  if (!d.one_party || !d.one_party.value) return null;
  return tn('fig_one_party_share', { n: d.one_party.value, who: quoted(d.one_party.parties.join(', ')) });
}

function movementFigures(head) {
  return movementKeys(head).map((key) => {
    const f = head.find((x) => x.key === key);
    const d = f.detail;
    return figure(key, t(`fig_${key.replace(/\./g, '_')}`), bounded(num(f.value), f.bound),
      join([t('fig_estimate_detail', { rule: t(`rule_${d.rule}`), daily: d.daily_sum }), onePartyShare(d),
        d.discrepancies.length ? t('fig_discrepancies', { n: d.discrepancies.length }) : null, observed(f)]),
      f.records);
  });
}

// Deaths by party: one line per party, never a total across parties.
function deathsFigure(head) {
  const f = head.find((x) => x.key === 'casualties');
  if (!f) return null;
  const lines = (f.detail.by_party || []).filter((p) => p.fatalities.best > 0 || p.fatalities.high > 0).map((p) => {
    const party = p.party === null ? t('fig_party_not_stated') : quoted(p.party);
    const fat = p.fatalities;
    const exact = fat.low === fat.best && fat.high === fat.best;
    return h('li', {}, tn(exact ? 'fig_deaths_line_exact' : 'fig_deaths_line',
      { party, best: num(fat.best), low: num(fat.low), high: num(fat.high) }),
    p.one_party_best > 0 ? ` ${t('fig_deaths_own', { n: p.one_party_best })}` : '');
  });
  if (!lines.length) return null;
  return figure('casualties', t('fig_deaths'), '', h('span', {}, h('ul', { class: 'deaths' }, lines), t('fig_deaths_note')),
    f.records, true);
}

function utilityFigures(head) {
  return head.filter((f) => f.key.startsWith('utilities.') && f.value).map((f) => {
    const d = f.detail;
    return figure(f.key, tn('fig_utility', { utility: caseTerm('utility', f.key.slice(10)) }), days(f.value, f.bound),
      join([d.first_supply_cut ? t('fig_utility_cut', { from: date(d.first_supply_cut), to: date(d.last_supply_cut) }) : null,
        d.max_scheduled_hours > 0 ? t('fig_utility_rationing', { hours: d.max_scheduled_hours }) : null,
        d.days_unknown > 0 ? t('fig_utility_unknown', { days: d.days_unknown }) : null]), f.records);
  });
}

/** The sources' own totals of each movement figure shown, side by side. */
function sourceReports(head) {
  const shown = movementKeys(head).map((key) => head.find((x) => x.key === key))
    .filter((f) => (f.detail.reports || []).length);
  if (!shown.length) return null;
  return h('section', { 'aria-labelledby': 'reports-h' },
    h('h2', { id: 'reports-h' }, t('reports_title')),
    h('p', { class: 'note' }, t('reports_note')),
    ...shown.map((f) => {
      const rows = f.detail.reports.map((r) => [
        t('period_dates', { from: date(r.period.from), to: date(r.period.to) }),
        h('span', {}, r.reported_by ? quoted(r.reported_by) : t('fig_reporter_not_stated'),
          r.one_party ? h('span', { class: 'flag' }, ` ${t('fig_one_party')}`) : null),
        bounded(num(r.value), r.qualifier),
        r.fit !== 'within' ? t(`used_fit_${r.fit}`) : t(r.used ? 'used_yes' : 'used_no'),
        h('a', { href: recordHref(r.record) }, ident(r.record)),
      ]);
      const name = f.key.replace(/\./g, '_');
      return [h('h3', {}, t(`fig_${name}`)),
        table(null, [t('col_period'), t('col_reported_by'), t('col_figure'), t('col_used'), t('col_record')], rows,
          { id: `reports-table-${name.slice(10)}` })];
    }).flat());
}

export async function render(ctx) {
  const id = ctx.route.caseId;
  const enc = encodeURIComponent(id);
  const [c, head, ind, routes] = await Promise.all([
    caseRecord(id), getJson(`/api/v1/cases/${enc}/headline`), getJson(`/api/v1/cases/${enc}/indicators`),
    caseRoutes(id)]);
  const figures = head.figures || [];
  const now = statusNow(ind.days || []);
  const routeRows = ((ind.totals || {}).routes || []).map((r) => {
    const s = now.get(r.route) || { status: 'unknown', since: null };
    return [
      h('a', { href: caseHref(id, '/timeline', { route: r.route }) }, quoted(routeName(routes, r.route))),
      badge('status', s.status),
      date(s.since),
      num(r.days_open), num(r.days_restricted), num(r.days_closed), num(r.days_unknown),
    ];
  });

  add(ctx.main,
    h('h1', {}, quoted(c.title || id)),
    h('p', { class: 'lead' }, quoted([c.region, c.country].filter(Boolean).join(', ')), ' · ',
      t('period', { from: date(head.from), to: date(head.to) })),
    h('section', { 'aria-labelledby': 'figures-h' },
      h('h2', { id: 'figures-h' }, t('key_figures')),
      h('p', { class: 'note' }, t('key_figures_note')),
      h('dl', { class: 'figures', id: 'key-figures' }, [
        ...blockadeFigures(figures, routes), ...supplyFigures(figures, routes), ...movementFigures(figures),
        deathsFigure(figures), ...utilityFigures(figures)])),
    h('section', { 'aria-labelledby': 'routes-h' },
      h('h2', { id: 'routes-h' }, t('routes_now')),
      table(null, [t('col_route'), t('col_status_now'), t('col_since'), t('col_days_open'), t('col_days_restricted'),
        t('col_days_closed'), t('col_days_unknown')], routeRows, { id: 'routes-table' })),
    sourceReports(figures),
    staticPublication() ? null
      : h('p', {}, h('a', { href: reportUrl(id, language()), class: 'button-link', id: 'overview-report-link' }, t('open_report'))),
    checkpointLine(head.checkpoint),
    (ind.assumptions || []).length ? h('details', {}, h('summary', {}, t('assumptions')),
      assumptionList(ind.assumptions, ind.assumption_keys)) : null);
}


