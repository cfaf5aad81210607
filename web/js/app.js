// The dashboard: a single-page app with hash routes, plain ES modules, no
// framework. Each page module exports render(ctx) which fills ctx.main.
//
//   #/                          the cases (straight to the case when only one)
//   #/case/ID                   overview
//   #/case/ID/timeline?...      records with filters
//   #/case/ID/charts            indicator charts
//   #/case/ID/map               routes and incidents
//   #/case/ID/compliance        obligations day by day
//   #/case/ID/risk              records tagged against an atrocity-risk framework
//   #/case/ID/forecast?scenario=NAME
//   #/record/ID                 one record and its inclusion proof
//   #/intake[/FORM]             field forms and the outbox (monitor, verifier)
//   #pin=<vkey>                 pins the log's key (js/trust.js), then #/
import { h, mount } from './dom.js';
import { getToken, setToken, reportUrl, loadPublication, staticPublication, intakeAllowed } from './api.js';
import { caseHref, errorBox, announce } from './ui.js';
import { t, setLanguage, savedLanguage, language } from './i18n.js';
import { pinFromLocation, refreshTrustStatus } from './trust_view.js';

const pages = {
  cases: () => import('./pages/cases.js'),
  overview: () => import('./pages/overview.js'),
  timeline: () => import('./pages/timeline.js'),
  charts: () => import('./pages/charts.js'),
  map: () => import('./pages/map.js'),
  compliance: () => import('./pages/compliance.js'),
  risk: () => import('./pages/risk.js'),
  forecast: () => import('./pages/forecast.js'),
  record: () => import('./pages/record.js'),
  intake: () => import('./pages/intake.js'),
};

const kCaseTabs = [
  ['overview', ''], ['timeline', '/timeline'], ['charts', '/charts'], ['map', '/map'],
  ['compliance', '/compliance'], ['risk', '/risk'], ['forecast', '/forecast'],
];

const main = document.getElementById('main');
const nav = document.getElementById('case-nav');
let renderSeq = 0;
let lastCase = '';
let lastRouteKey = '';

/** Parses location.hash into {page, caseId, recordId, params}. */
export function parseHash(hash) {
  const raw = (hash || '').replace(/^#/, '') || '/';
  const [p, q = ''] = raw.split('?');
  const params = Object.fromEntries(new URLSearchParams(q));
  const parts = p.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'case' && parts[1]) {
    const tab = parts[2] || 'overview';
    if (!pages[tab] || tab === 'record' || tab === 'cases' || tab === 'intake') return { page: 'notfound', params };
    return { page: tab, caseId: parts[1], params };
  }
  if (parts[0] === 'record' && parts[1]) return { page: 'record', recordId: parts[1], params };
  if (parts[0] === 'intake' && parts.length <= 2) return { page: 'intake', formId: parts[1] || '', params };
  if (parts.length === 0) return { page: 'cases', params };
  return { page: 'notfound', params };
}

function renderNav(route) {
  const caseId = route.caseId || lastCase;
  if (!caseId) {
    mount(nav);
    return;
  }
  lastCase = caseId;
  const items = kCaseTabs.map(([tab, suffix]) => {
    const current = route.caseId === caseId && route.page === tab;
    return h('li', {}, h('a', { href: caseHref(caseId, suffix), 'aria-current': current ? 'page' : null }, t(`nav_${tab}`)));
  });
  // Reports are rendered by the live server (a publication has none).
  if (!staticPublication()) {
    items.push(h('li', {}, h('a', { href: reportUrl(caseId, language()), id: 'report-link', class: 'report-link' }, t('nav_report'))));
  }
  mount(nav, h('ul', {}, items));
}

async function render() {
  const seq = ++renderSeq;
  await pinFromLocation();  // #pin=<vkey>: pinned, and the address becomes #/
  const route = parseHash(location.hash);
  renderNav(route);
  // The footer's trust status, checked afresh on every page (not awaited:
  // the page does not wait for the checkpoint's checks).
  refreshTrustStatus();
  const routeKey = `${route.page}|${route.caseId || ''}|${route.recordId || ''}|${route.formId || ''}`;
  const first = lastRouteKey === '';
  const moved = routeKey !== lastRouteKey;
  lastRouteKey = routeKey;
  if (route.page === 'notfound') {
    mount(main, h('h1', {}, t('error_404')), h('p', {}, h('a', { href: '#/' }, t('nav_home'))));
    return;
  }
  mount(main, h('p', { class: 'loading' }, t('loading')));
  try {
    const mod = await pages[route.page]();
    const ctx = {
      main: document.createElement('div'),
      route,
      stale: () => seq !== renderSeq,
    };
    await mod.render(ctx);
    if (seq !== renderSeq) return;
    main.replaceChildren(...ctx.main.childNodes);
    if (mod.after) await mod.after(ctx, main);
    const h1 = main.querySelector('h1');
    if (h1) document.title = `${h1.textContent} · ${t('app_name')}`;
    // A new page (not a filter change) moves focus to its content, so that
    // keyboard and screen-reader users land where the page begins.
    // Not on the first load: there focus stays at the top, by the skip link.
    if (moved && !first) main.focus({ preventScroll: false });
  } catch (err) {
    if (seq !== renderSeq) return;
    mount(main, errorBox(err));
  }
}

// The header's link to the field forms: shown to tokens that may submit
// (monitor, verifier, admin); they also start sending the outbox, and get
// the service worker (readers do not need one).
async function refreshIntakeLink() {
  const link = document.getElementById('intake-link');
  const allowed = await intakeAllowed();
  link.hidden = !allowed;
  if (!allowed) return;
  registerServiceWorker();
  (await import('./intake_sync.js')).startSync();
}

// The service worker keeps the dashboard's files, so that the page opens
// with no connection (the intake page's outbox is then still there).
function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('sw.js').catch(() => {});
}

function initControls() {
  const select = document.getElementById('lang-select');
  select.value = language();
  select.addEventListener('change', async () => {
    await setLanguage(select.value);
    render();
  });
  document.getElementById('skip-link').addEventListener('click', (e) => {
    e.preventDefault();
    main.focus();
  });
}

// A publication (docs/publish.md): no tokens to give; a note says what it is.
function initPublication(pub) {
  document.querySelector('.token-box').hidden = true;
  const note = h('p', { id: 'publication-note', class: 'publication-note' },
    t('publication_note', { size: pub.checkpoint.size, published: pub.published }));
  document.querySelector('.site-footer').prepend(note);
}

// The token form is wired before start() awaits anything: a token given
// while the page still loads its messages would otherwise go to the form's
// own submission, which reloads the page without it. What else a new token
// does (the intake link, the page drawn again) waits until start() has run.
let started = false;
function initTokenForm() {
  const form = document.getElementById('token-form');
  const input = document.getElementById('token-input');
  input.value = getToken();
  const changed = (message) => {
    if (!started) return;  // start() reads the token when it gets there
    announce(t(message));
    refreshIntakeLink();
    render();
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setToken(input.value.trim());
    changed(input.value.trim() ? 'token_saved' : 'token_cleared');
  });
  document.getElementById('token-clear').addEventListener('click', () => {
    input.value = '';
    setToken('');
    changed('token_cleared');
  });
}

async function start() {
  initTokenForm();
  const pub = await loadPublication();
  await setLanguage(savedLanguage());
  initControls();
  if (pub) initPublication(pub);
  started = true;
  refreshIntakeLink();
  window.addEventListener('hashchange', render);
  await render();
}

start().catch((err) => mount(main, errorBox(err)));
