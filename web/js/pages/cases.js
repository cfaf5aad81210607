// #/ : the cases this reader may see; a single case opens directly.
import { h, add } from '../dom.js';
import { getJson } from '../api.js';
import { t, date } from '../i18n.js';
import { caseHref, quoted } from '../ui.js';

export async function render(ctx) {
  const { cases } = await getJson('/api/v1/cases');
  if (cases.length === 1) {
    location.replace(caseHref(cases[0].id));
    return;
  }
  add(ctx.main, 
    h('h1', {}, t('cases_title')),
    cases.length === 0 ? h('p', {}, t('cases_none')) : h('ul', { class: 'case-list' }, cases.map((c) =>
      h('li', {}, h('a', { href: caseHref(c.id) }, quoted(c.title || c.id)), ' ',
        h('span', { class: 'muted' }, quoted(c.region || ''), ` · ${date(c.started)}${c.ended ? ` – ${date(c.ended)}` : ''}`)))));
}
