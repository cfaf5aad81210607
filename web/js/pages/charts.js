// #/case/ID/charts : the case's daily indicators as charts (uPlot), each
// with a table of the same figures as its text alternative.
import { h, add, table } from '../dom.js';
import { getJson } from '../api.js';
import { t, num, pct, date, quantity, term } from '../i18n.js';
import { caseRoutes, routeName, checkpointLine, quoted, caseTerm } from '../ui.js';
import { lineChart, epoch } from '../charts.js';

const kStatusValue = { open: 2, restricted: 1, closed: 0 };

function chartFigure(id, title, summary, fallbackTable) {
  return h('figure', { class: 'chart-figure', 'aria-labelledby': `${id}-cap` },
    h('figcaption', { id: `${id}-cap` }, h('h2', {}, title), h('p', { class: 'legend-note' }, summary)),
    h('div', { class: 'chart', id, role: 'img', 'aria-label': `${title}. ${summary}` }),
    h('details', {}, h('summary', {}, t('chart_table')), fallbackTable));
}

export async function render(ctx) {
  const id = ctx.route.caseId;
  const [ind, routes] = await Promise.all([
    getJson(`/api/v1/cases/${encodeURIComponent(id)}/indicators`), caseRoutes(id)]);
  ctx.ind = ind;
  ctx.routes = routes;
  const totals = ind.totals || {};
  const routeRows = (totals.routes || []).map((r) => [quoted(routeName(routes, r.route)), num(r.days_open),
    num(r.days_restricted), num(r.days_closed), num(r.days_unknown)]);
  // What arrived is the best estimate (the sources' totals with the
  // single-day records), "at least" where it is a lower bound; coverage
  // only where the case assesses the import dependency (else why not).
  const atLeast = (text, lower) => (lower ? t('fig_at_least', { value: text }) : text);
  const needRows = (totals.needs || []).map((n) => [quoted(n.commodity),
    n.estimate ? atLeast(quantity(n.estimate.best, n.unit), n.estimate.lower_bound) : quantity(n.delivered, n.unit),
    quantity(n.need, n.unit),
    n.coverage != null ? atLeast(pct(n.coverage), n.coverage_lower_bound)
      : t(!n.assessed ? 'fig_not_assessed' : n.share === 0 ? 'fig_not_dependent' : 'fig_unknown')]);
  const utilRows = (totals.utilities || []).map((u) => [caseTerm('utility', u.utility), num(u.hours)]);
  add(ctx.main, 
    h('h1', {}, t('charts_title')),
    h('p', { class: 'lead' }, t('period', { from: date(ind.from), to: date(ind.to) })),
    chartFigure('chart-routes', t('chart_routes'), t('chart_routes_note'),
      table(null, [t('col_route'), t('col_days_open'), t('col_days_restricted'), t('col_days_closed'), t('col_days_unknown')], routeRows)),
    (totals.needs || []).length ? chartFigure('chart-needs', t('chart_needs'), t('chart_needs_note'),
      table(null, [t('col_commodity'), t('col_delivered'), t('col_need'), t('col_coverage')], needRows)) : null,
    chartFigure('chart-utilities', t('chart_utilities'), t('chart_utilities_note'),
      table(null, [t('col_utility'), t('col_hours')], utilRows)),
    checkpointLine(ind.checkpoint));
}

export function after(ctx) {
  const days = ctx.ind.days || [];
  const xs = days.map((d) => epoch(d.date));
  const routeIds = [...new Set(days.flatMap((d) => (d.routes || []).map((r) => r.route)))];
  const statusName = { 2: t('status_open'), 1: t('status_restricted'), 0: t('status_closed') };
  lineChart(document.getElementById('chart-routes'), xs, routeIds.map((r) => ({
    label: routeName(ctx.routes, r),
    stepped: true,
    values: days.map((d) => {
      const s = (d.routes || []).find((x) => x.route === r);
      return s && s.status in kStatusValue ? kStatusValue[s.status] : null;
    }),
    value: (u, v) => (v == null ? t('status_unknown') : statusName[v]),
  })), { yRange: [-0.2, 2.2], yValues: (u, ticks) => ticks.map((v) => statusName[v] || ''), ySize: 90 });

  const needEl = document.getElementById('chart-needs');
  if (needEl) {
    const commodities = [...new Set(days.flatMap((d) => (d.needs || []).map((n) => n.commodity)))];
    const series = [];
    for (const c of commodities) {
      const pick = (d, f) => {
        const n = (d.needs || []).find((x) => x.commodity === c);
        return n && n.need != null ? (f === 'coverage' ? n.coverage : n[f]) : null;
      };
      series.push({ label: t('series_coverage', { commodity: c }), values: days.map((d) => {
        const v = pick(d, 'coverage');
        return v == null ? null : Math.round(v * 1000) / 10;
      }) });
    }
    lineChart(needEl, xs, series, { yLabel: '%', yValues: (u, ticks) => ticks.map((v) => `${v}%`) });
  }

  const utilities = [...new Set(days.flatMap((d) => (d.utilities || []).map((u) => u.utility)))];
  lineChart(document.getElementById('chart-utilities'), xs, utilities.map((name) => ({
    label: term('utility', name),
    values: days.map((d) => {
      const u = (d.utilities || []).find((x) => x.utility === name);
      return !u || u.unknown ? null : u.hours;  // a gap where nothing is known, never 0
    }),
  })), { yLabel: t('col_hours'), yRange: [0, 24] });
}
