// The siege severity band of the timeline page (GET .../severity, the rule
// of docs/analysis.md, "Siege severity"): one link per day, coloured and
// patterned by class and named in words (title, aria-label, the legend);
// following a day's link shows its six criteria, each with the records that
// decided it.
import { h } from '../dom.js';
import { getJson } from '../api.js';
import { t, num, date } from '../i18n.js';
import { caseHref, recordHref, ident, checkpointLine } from '../ui.js';

export const kClasses = ['severe', 'high', 'moderate', 'none', 'unknown'];
export const kCriteria = ['food', 'medicine', 'sick', 'civilians', 'utilities', 'attacks'];

function className(p) {
  return p.class === 'unknown'
    ? t('severity_between', { least: t(`severity_class_${p.at_least}`), most: t(`severity_class_${p.at_most}`) })
    : t(`severity_class_${p.class}`);
}

/** The chosen day's criteria: answer in words, records as links. */
function dayPanel(p) {
  const rows = kCriteria.map((c) => {
    const v = p.criteria[c];
    return h('li', { 'data-criterion': c, 'data-answer': v.answer },
      h('strong', {}, t(`severity_crit_${c}`)), ': ', t(`severity_answer_${v.answer}`),
      v.records.length ? [' — ', v.records.map((id, i) => [i ? ', ' : '', h('a', { href: recordHref(id) }, ident(id))])]
        : '');
  });
  return h('section', { id: 'severity-day', 'aria-live': 'polite' },
    h('h3', {}, t('severity_day', { date: date(p.from), class: className(p) })), h('ul', {}, rows));
}

/**
 * The band for `caseId`, or null when the severity is unavailable (a
 * publication made before it existed). `day`: the day to detail, if any;
 * `params`: the page's other parameters, kept in each day's link.
 */
export async function severityBand(caseId, day, params) {
  let s;
  try {
    s = await getJson(`/api/v1/cases/${encodeURIComponent(caseId)}/severity`);
  } catch (e) {
    return null;
  }
  const days = s.periods || [];
  const cells = days.map((p) => h('a', {
    href: caseHref(caseId, '/timeline', { ...params, day: p.from }),
    class: `sev sev-${p.class}${p.from === day ? ' sev-chosen' : ''}`,
    title: `${date(p.from)}: ${className(p)}`,
    'aria-label': `${date(p.from)}: ${className(p)}`,
    'data-day': p.from,
    'data-class': p.class,
  }));
  const chosen = days.find((p) => p.from === day);
  const counts = s.days_by_class || {};
  return h('section', { id: 'severity-band', 'aria-labelledby': 'severity-h' },
    h('h2', { id: 'severity-h' }, t('severity_title')),
    h('p', { class: 'legend-note', id: 'severity-legend' }, kClasses.map((c, i) => [i ? ' · ' : '',
      h('span', { class: `swatch sev-${c}` }), `${t(`severity_class_${c}`)} (${num(counts[c] || 0)})`])),
    h('nav', { class: 'sev-band', 'aria-label': t('severity_band_label', { from: date(s.from), to: date(s.to) }) }, cells),
    chosen ? dayPanel(chosen) : h('p', { class: 'note' }, t('severity_pick')),
    h('p', { class: 'note' }, t('severity_rule')),
    checkpointLine(s.checkpoint));
}
