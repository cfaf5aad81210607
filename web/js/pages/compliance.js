// #/case/ID/compliance : each obligation's machine-checkable rule evaluated
// day by day (lifeline compliance), with a strip of its days.
import { h, add, table } from '../dom.js';
import { getJson } from '../api.js';
import { t, tn, num, pct, date, term, analysisText } from '../i18n.js';
import { caseRoutes, routeName, checkpointLine, recordHref, badge, quoted, ident, caseTerm } from '../ui.js';
import { epoch } from '../charts.js';

function dayList(from, to) {
  const out = [];
  for (let s = epoch(from); s <= epoch(to) && out.length < 20000; s += 86400) {
    out.push(new Date(s * 1000).toISOString().slice(0, 10));
  }
  return out;
}

/** One coloured cell per day of the obligation's evaluated period. */
function strip(o, caseFrom, caseTo) {
  const from = o.from && o.from > caseFrom ? o.from : caseFrom;
  const to = o.to && o.to < caseTo ? o.to : caseTo;
  if (!from || !to || from > to) return null;
  const violated = new Map((o.violations || []).map((v) => [v.date, v]));
  const unknown = new Set(o.unknown_days || []);
  const cells = dayList(from, to).map((d) => {
    const v = violated.get(d);
    const state = v ? 'violated' : unknown.has(d) ? 'unknown' : 'compliant';
    return h('span', { class: `d-${state}`, title: `${date(d)}: ${t(`day_${state}`)}${v ? ` (${term('status', v.status)})` : ''}` });
  });
  return h('div', { class: 'strip', role: 'img', 'aria-label': t('strip_label', {
    from: date(from), to: date(to), violated: num(o.days_in_violation), unknown: num(o.days_unknown) }) }, cells);
}

/** Items joined with ", " in one node (strings and nodes). */
function listOf(items) {
  return h('span', {}, items.flatMap((x, i) => (i ? [', ', x] : [x])));
}

/** The directions a rule covers: "into the area", "both directions". */
const ruleDirections = (o) => term('direction', (o.directions || []).length === 1 ? o.directions[0] : 'both');

/** The directions and routes a commodity_allowed or flow_at_least rule covers. */
function ruleWhere(o, routes) {
  const on = (o.routes || []).length ? listOf(o.routes.map((r) => quoted(routeName(routes, r)))) : t('rule_all_routes');
  return h('span', {}, tn('rule_where', { directions: ruleDirections(o), routes: on }));
}

/**
 * The rule the obligation's days were measured against, in words ("flow at
 * least 500 vehicles a day, into the area, on all routes"); a term the
 * catalogue lacks, such as one the case defines, as written.
 */
function ruleWords(o, routes) {
  if (o.rule_type === 'route_open') {
    const route = quoted(routeName(routes, o.route));
    return (o.for || []).length
      ? tn('rule_route_open', { route, for: listOf(o.for.map((f) => caseTerm('restriction', f))), directions: ruleDirections(o) })
      : tn('rule_route_open_all', { route, directions: ruleDirections(o) });
  }
  if (o.rule_type === 'service_restored') {
    const utility = h('span', {}, caseTerm('utility', o.utility));
    return o.area ? tn('rule_service_restored_in', { utility, area: quoted(o.area) }) : tn('rule_service_restored', { utility });
  }
  if (o.rule_type === 'commodity_allowed') {
    return tn('rule_commodity_allowed', { commodity: h('span', {}, caseTerm('restriction', o.commodity)), where: ruleWhere(o, routes) });
  }
  if (o.rule_type !== 'flow_at_least') return [];
  // Cargo: "500,000 kg (flour)", the unit after the number, the commodity as the record names it.
  const what = o.measure === 'cargo' ? h('span', {}, o.unit, o.commodity ? [' (', quoted(o.commodity), ')'] : '')
    : term('measure', o.measure);
  const flow = h('span', {}, tn('flow_rule', { quantity: num(o.quantity), what, per: term('per', o.per) }));
  return tn('rule_flow_at_least', { flow, where: ruleWhere(o, routes) });
}

export async function render(ctx) {
  const id = ctx.route.caseId;
  const [c, routes] = await Promise.all([getJson(`/api/v1/cases/${encodeURIComponent(id)}/compliance`), caseRoutes(id)]);
  const obligations = c.obligations || [];
  const rows = obligations.map((o) => [
    h('a', { href: `#obl-${o.obligation}` }, quoted(o.title || o.obligation)),
    o.evaluable ? num(o.days_in_violation) : '—',
    o.evaluable ? num(o.days_evaluated) : '—',
    o.evaluable && o.days_evaluated ? pct(o.days_in_violation / o.days_evaluated) : '—',
  ]);
  add(ctx.main, 
    h('h1', {}, t('compliance_title')),
    h('p', { class: 'lead' }, t('period', { from: date(c.from), to: date(c.to) })),
    table(null, [t('col_obligation'), t('col_days_violated'), t('col_days_evaluated'), t('col_share_violated')], rows,
      { id: 'compliance-table' }),
    h('p', { class: 'legend-note' },
      h('span', { class: 'swatch d-violated', style: 'background:#b3261e' }), t('day_violated'), ' · ',
      h('span', { class: 'swatch', style: 'background:#176b34' }), t('day_compliant'), ' · ',
      h('span', { class: 'swatch', style: 'background:#aab2ba' }), t('day_unknown')),
    obligations.map((o) => h('section', { id: `obl-${o.obligation}`, 'aria-labelledby': `obl-${o.obligation}-h` },
      h('h2', { id: `obl-${o.obligation}-h` }, quoted(o.title || o.obligation)),
      h('p', {}, h('a', { href: recordHref(o.obligation) }, ident(o.obligation)), ' · ', term('instrument', o.instrument),
        o.evaluable ? [' · ', h('span', { class: 'rule' }, ruleWords(o, routes))] : ''),
      o.evaluable
        ? [
          h('p', {}, badge('comp', o.days_in_violation > 0 ? 'violated' : 'compliant'), ' ',
            t('compliance_summary', { violated: o.days_in_violation, evaluated: o.days_evaluated,
              unknown: o.days_unknown, first: date(o.first_violation), last: date(o.last_violation) })),
          strip(o, c.from, c.to),
        ]
        : h('p', {}, t('not_evaluable'), ' ', o.rule_type === 'not_evaluable' ? quoted(o.reason)
          : analysisText('reason', '', o.reason || '') ?? h('span', { lang: 'en' }, o.reason || '')))),
    checkpointLine(c.checkpoint));
}
