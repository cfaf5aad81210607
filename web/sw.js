// The dashboard's service worker: keeps a copy of the dashboard's own files
// (index.html, css, js, i18n, vendor) so that the page opens with no
// connection, as a field monitor's does for days: the intake page then
// shows its outbox and forms from IndexedDB and sends when the connection
// returns. Network first: online, every file comes from the server (and the
// copy is refreshed), so nothing is ever older than the server's; offline,
// the copy serves. The API, the OpenRosa routes, tiles and checkpoints are
// never cached here: they pass through untouched.
const kCache = 'lifeline-dashboard-v1';
const kShell = [
  './', 'index.html', 'css/app.css', 'vendor/leaflet/leaflet.css', 'vendor/uplot/uPlot.min.css',
  'vendor/topojson-client/topojson-client.min.js', 'js/app.js', 'js/api.js', 'js/dom.js', 'js/i18n.js', 'js/ui.js',
  'js/trust_view.js', 'js/trust.js', 'js/checkpoint.js', 'js/merkle.js', 'js/outbox.js', 'js/receipts.js',
  'js/intake_sync.js', 'js/drafts.js', 'js/pages/intake.js', 'js/pages/intake_drafts.js', 'vendor/noble-ed25519/index.js', 'vendor/odk-web-forms/odk-web-forms.js',
  'i18n/en.json', 'i18n/fr.json', 'i18n/hy.json', 'i18n/ru.json',
];
const kDashboardDirs = /^\/(css|js|i18n|vendor)\//;

self.addEventListener('install', (event) => {
  // One file missing (an older server) does not stop the others.
  event.waitUntil(caches.open(kCache).then((cache) => Promise.all(kShell.map((f) => cache.add(f).catch(() => {}))))
    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

function isDashboardFile(url) {
  return url.origin === self.location.origin &&
    (url.pathname === '/' || url.pathname === '/index.html' || kDashboardDirs.test(url.pathname));
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || !isDashboardFile(url)) return;
  event.respondWith((async () => {
    const cache = await caches.open(kCache);
    try {
      const res = await fetch(req);
      if (res.ok) await cache.put(req, res.clone());
      return res;
    } catch (e) {
      const kept = await cache.match(req, { ignoreSearch: true });
      if (kept) return kept;
      throw e;
    }
  })());
});
