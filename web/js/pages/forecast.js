// #/case/ID/forecast?scenario=NAME : the stock forecast of a scenario as a
// fan chart (percentile bands from the forecast JSON), with a table.
import { h, add, table } from '../dom.js';
import { getJson, query } from '../api.js';
import { t, num, pct, date, quantity, unit } from '../i18n.js';
import { caseHref, checkpointLine, quoted, assumptionList } from '../ui.js';
import { lineChart, epoch } from '../charts.js';

export async function render(ctx) {
  const id = ctx.route.caseId;
  const enc = encodeURIComponent(id);
  const { scenarios } = await getJson(`/api/v1/cases/${enc}/scenarios`);
  const chosen = scenarios.includes(ctx.route.params.scenario) ? ctx.route.params.scenario : scenarios[0];
  const select = h('select', { id: 'scenario-select' },
    scenarios.map((s) => h('option', { value: s, selected: s === chosen, class: 'rc' }, s)));
  select.addEventListener('change', () => { location.hash = caseHref(id, '/forecast', { scenario: select.value }); });
  add(ctx.main, h('h1', {}, t('forecast_title')),
    h('div', { class: 'field' }, h('label', { for: 'scenario-select' }, t('scenario')), select));
  if (!chosen) {
    add(ctx.main, h('p', {}, t('no_scenarios')));
    return;
  }
  const f = await getJson(`/api/v1/cases/${enc}/forecast${query({ scenario: chosen })}`);
  ctx.forecast = f;
  const pcts = f.percentiles || [];
  add(ctx.main, 
    h('p', { class: 'lead' }, t('forecast_note', { start: date(f.start), days: f.horizon_days, n: f.trajectories })),
    (f.commodities || []).map((c, i) => {
      const every = Math.max(1, Math.ceil((c.days || []).length / 12));
      const rows = (c.days || []).filter((d, k) => k % every === 0 || k === c.days.length - 1)
        .map((d) => [date(d.date), ...d.stock.map((v) => num(v, 1))]);
      return h('section', { 'aria-labelledby': `fc-${i}-h` },
        h('h2', { id: `fc-${i}-h` }, quoted(c.commodity), ` (${unit(c.unit)})`),
        h('p', {}, t('forecast_commodity', { initial: quantity(c.initial_stock, c.unit, 1),
          threshold: c.threshold == null ? '—' : quantity(c.threshold, c.unit, 1) })),
        c.normal_stock == null ? null
          : h('p', {}, t('forecast_restock', { normal: quantity(c.normal_stock, c.unit, 1), days: c.restock_days })),
        h('div', { class: 'chart', id: `fan-${i}`, role: 'img',
          'aria-label': t('fan_label', { commodity: c.commodity, low: pcts[0], high: pcts[pcts.length - 1] }) }),
        drivers(c, i),
        h('details', {}, h('summary', {}, t('chart_table')),
          table(null, [t('col_date'), ...pcts.map((p) => `p${p}`)], rows)));
    }),
    (f.assumptions || []).length ? h('details', {}, h('summary', {}, t('assumptions')),
      assumptionList(f.assumptions, f.assumption_keys)) : null,
    checkpointLine(f.checkpoint));
}

// What drives the width of the bands: the variance shares the forecast
// computed (on the widest band's day, the last day and for the days to the
// threshold), not asserted.
function drivers(c, i) {
  const d = c.drivers;
  if (!d) return null;
  const days = c.days || [];
  const last = days.length ? days[days.length - 1] : null;
  const rows = [];
  const row = (label, s) => {
    if (s) rows.push([label, pct(s.route_parameters), pct(s.route_days), pct(s.inflows), pct(s.interaction)]);
  };
  if (d.widest_band) row(t('drivers_widest', { date: date(d.widest_band.date) }), d.widest_band.shares);
  if (last && (!d.widest_band || last.date !== d.widest_band.date)) row(t('drivers_last', { date: date(last.date) }), last.drivers);
  row(t('drivers_days'), d.days_to_threshold);
  return h('section', { 'aria-labelledby': `fc-${i}-drivers` },
    h('h3', { id: `fc-${i}-drivers` }, t('drivers_title')),
    rows.length ? [h('p', {}, t('drivers_note', { n: num(d.trajectories) })),
      table(null, [t('drivers_when'), t('drivers_route_parameters'), t('drivers_route_days'), t('drivers_inflows'),
        t('drivers_interaction')], rows, { id: `drivers-${i}` })]
      : h('p', {}, t('drivers_none')));
}

export function after(ctx) {
  const f = ctx.forecast;
  if (!f) return;
  const pcts = f.percentiles || [];
  (f.commodities || []).forEach((c, i) => {
    const days = c.days || [];
    const xs = days.map((d) => epoch(d.date));
    const series = pcts.map((p, k) => ({
      label: `p${p}`,
      values: days.map((d) => d.stock[k]),
      color: p === 50 ? '#0b57a4' : '#6d8fb3',
      width: p === 50 ? 2.5 : 1,
      dash: p === 50 ? undefined : [4, 3],
    }));
    // Bands between symmetric percentiles: p5..p95 light, p25..p75 darker.
    const bands = [];
    const fills = [];
    for (let k = 0; k < Math.floor(pcts.length / 2); k++) {
      bands.push([pcts.length - k, k + 1]);
      fills.push(`rgba(11,87,164,${0.12 + 0.1 * k})`);
    }
    if (c.threshold != null) {
      series.push({ label: t('threshold'), values: days.map(() => c.threshold), color: '#b3261e', dash: [8, 4], width: 1.5 });
    }
    lineChart(document.getElementById(`fan-${i}`), xs, series, { bands, bandFills: fills, yLabel: unit(c.unit) });
  });
}
