// #/case/ID : key figures and each route's status now, from the case's
// indicators at the latest checkpoint.
import { h, add, table } from '../dom.js';
import { getJson, reportUrl } from '../api.js';
import { t, num, pct, date, language, quantity } from '../i18n.js';
import { caseRecord, caseRoutes, routeName, checkpointLine, badge, caseHref, quoted, assumptionList } from '../ui.js';

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

function figure(label, value, detail) {
  return h('div', { class: 'figure' },
    h('dt', {}, label),
    h('dd', {}, h('span', { class: 'figure-value' }, value), detail ? h('span', { class: 'figure-detail' }, detail) : null));
}

export async function render(ctx) {
  const id = ctx.route.caseId;
  const enc = encodeURIComponent(id);
  const [c, ind, routes] = await Promise.all([
    caseRecord(id), getJson(`/api/v1/cases/${enc}/indicators`), caseRoutes(id)]);
  const totals = ind.totals || {};
  const routeTotals = totals.routes || [];
  const knownDays = (r) => r.days_open + r.days_restricted + r.days_closed + r.days_unknown;
  // The headline route: the one closed longest (the blockaded corridor).
  const main = routeTotals.reduce((a, b) => (!a || b.days_closed > a.days_closed ? b : a), null);
  const inc = totals.incidents || { incidents: 0, fatalities: {} };
  const needs = totals.needs || [];

  const figures = [];
  if (main) {
    figures.push(figure(t('fig_days_closed'), num(main.days_closed), quoted(routeName(routes, main.route))));
    figures.push(figure(t('fig_share_open'), pct(knownDays(main) ? main.days_open / knownDays(main) : null),
      t('fig_of_days', { n: knownDays(main) })));
  }
  for (const n of needs) {
    figures.push(figure(t('fig_coverage', { commodity: n.commodity }), pct(n.coverage),
      t('fig_delivered_of_need', { delivered: quantity(n.delivered, n.unit), need: quantity(n.need, n.unit) })));
  }
  figures.push(figure(t('fig_incidents'), num(inc.incidents)));
  const f = inc.fatalities || {};
  figures.push(figure(t('fig_fatalities'), num(f.best),
    f.low !== f.high ? t('fig_range', { low: num(f.low), high: num(f.high) }) : null));

  const now = statusNow(ind.days || []);
  const routeRows = routeTotals.map((r) => {
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
      t('period', { from: date(ind.from), to: date(ind.to) })),
    h('section', { 'aria-labelledby': 'figures-h' },
      h('h2', { id: 'figures-h' }, t('key_figures')),
      h('dl', { class: 'figures' }, figures)),
    h('section', { 'aria-labelledby': 'routes-h' },
      h('h2', { id: 'routes-h' }, t('routes_now')),
      table(null, [t('col_route'), t('col_status_now'), t('col_since'), t('col_days_open'), t('col_days_restricted'),
        t('col_days_closed'), t('col_days_unknown')], routeRows, { id: 'routes-table' })),
    needs.length ? h('section', { 'aria-labelledby': 'needs-h' },
      h('h2', { id: 'needs-h' }, t('needs_title')),
      table(null, [t('col_commodity'), t('col_delivered'), t('col_need'), t('col_coverage'), t('col_shortfall')],
        needs.map((n) => [quoted(n.commodity), quantity(n.delivered, n.unit), quantity(n.need, n.unit), pct(n.coverage),
          quantity(n.shortfall, n.unit)]))) : null,
    h('p', {}, h('a', { href: reportUrl(id, language()), class: 'button-link', id: 'overview-report-link' }, t('open_report'))),
    checkpointLine(ind.checkpoint),
    (ind.assumptions || []).length ? h('details', {}, h('summary', {}, t('assumptions')), assumptionList(ind.assumptions)) : null);
}
