#!/usr/bin/env node
// DEVELOPMENT AID, not the product: a static stand-in for `lifeline serve`
// that answers the dashboard's API paths from fixtures made by
// tests/web/make-fixtures.mjs (the real CLI's output) and serves web/, with
// the same Content-Security-Policy the real server sends. It lets the
// dashboard and its browser tests run before or without the C++ server.
//
//   node tests/web/fixture-server.mjs FIXTURE_DIR [PORT] [WEB_DIR]
//
// Prints "listening on http://127.0.0.1:PORT" (PORT 0: any free port).
// Differences from the real server: indicators ignore from/to; a missing
// report is a labelled placeholder page; there is no auth (a token "deny"
// gives 403 and "bad" 401, to exercise the dashboard's error display).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const [fixtureDir, portArg = '0', webDirArg] = process.argv.slice(2);
if (!fixtureDir) {
  console.error('usage: fixture-server.mjs FIXTURE_DIR [PORT] [WEB_DIR]');
  process.exit(2);
}
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const webDir = path.resolve(webDirArg || path.join(root, 'web'));
const load = (...p) => JSON.parse(fs.readFileSync(path.join(fixtureDir, ...p), 'utf8'));
const cases = load('cases.json');
const records = load('records.json');
const routes = load('routes.json');
const checkpoint = load('checkpoint.json');
const byId = new Map(records.map((r) => [r.show.record.id, r]));

const kTypes = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml',
};
const kSecurity = {
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

function send(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...kSecurity });
  res.end(body);
}
const json = (res, status, v) => send(res, status, 'application/json', JSON.stringify(v));
const fail = (res, status, error) => json(res, status, { ok: false, error });

function entryText(r) {
  return Buffer.from(r.show.entry, 'base64').toString('utf8');
}

function listRecords(q) {
  const kind = q.get('kind') || '';
  const caseId = q.get('case') || '';
  const route = q.get('route') || '';
  const from = q.get('from') || '';
  const to = q.get('to') || '';
  const text = q.get('text') || '';
  const inRoute = route ? new Set(routes[route] || []) : null;
  // The same rules as store::MatchesQuery.
  const hits = records.filter(({ item, show }) => {
    if (kind && item.kind !== kind) return false;
    if (caseId && item.case !== caseId) return false;
    if (inRoute && !inRoute.has(item.id)) return false;
    if (from || to) {
      if (!item.date_from) return false;
      if (to && item.date_from > to) return false;
      const end = item.date_to || '9999-12-31';
      if (from && end < from) return false;
    }
    if (text && !entryText({ show }).includes(text)) return false;
    return true;
  });
  const limit = Math.min(parseInt(q.get('limit') || '100', 10) || 100, 1000);
  const offset = parseInt(q.get('offset') || '0', 10) || 0;
  return { ok: true, records: hits.slice(offset, offset + limit).map((r) => r.item), total: hits.length };
}

function api(req, res, url) {
  const auth = req.headers.authorization || '';
  if (auth === 'Bearer bad') return fail(res, 401, 'unauthenticated: the token is not known');
  if (auth === 'Bearer deny') return fail(res, 403, 'forbidden: this role may not read this case');
  const p = url.pathname.split('/').slice(3).map(decodeURIComponent); // after /api/v1
  if (p[0] === 'cases' && p.length === 1) return json(res, 200, cases);
  if (p[0] === 'checkpoint' && p.length === 1) return json(res, 200, checkpoint);
  if (p[0] === 'records' && p.length === 1) return json(res, 200, listRecords(url.searchParams));
  if (p[0] === 'records' && p.length === 2) {
    const r = byId.get(p[1]);
    return r ? json(res, 200, r.show) : fail(res, 404, `not found: no record ${p[1]}`);
  }
  if (p[0] === 'cases' && p.length === 3) {
    const dir = path.join(fixtureDir, 'case', p[1]);
    if (!cases.cases.some((c) => c.id === p[1]) || !fs.existsSync(dir)) return fail(res, 404, `not found: no case ${p[1]}`);
    const file = (n) => path.join(dir, n);
    if (p[2] === 'indicators') return send(res, 200, 'application/json', fs.readFileSync(file('indicators.json')));
    if (p[2] === 'compliance') return send(res, 200, 'application/json', fs.readFileSync(file('compliance.json')));
    if (p[2] === 'scenarios') return send(res, 200, 'application/json', fs.readFileSync(file('scenarios.json')));
    if (p[2] === 'forecast') {
      const s = url.searchParams.get('scenario') || '';
      if (!/^[A-Za-z0-9_-]+$/.test(s) || !fs.existsSync(file(`forecast-${s}.json`))) {
        return fail(res, 404, `not found: no scenario "${s}"`);
      }
      return send(res, 200, 'application/json', fs.readFileSync(file(`forecast-${s}.json`)));
    }
    if (p[2] === 'report') {
      const lang = url.searchParams.get('lang') || 'en';
      if (!['en', 'hy', 'ru', 'fr'].includes(lang)) return fail(res, 400, `invalid argument: lang ${lang}`);
      if (fs.existsSync(file(`report-${lang}.html`))) return send(res, 200, 'text/html; charset=utf-8', fs.readFileSync(file(`report-${lang}.html`)));
      return send(res, 200, 'text/html; charset=utf-8', `<!doctype html><html lang="${lang}"><meta charset="utf-8">` +
        `<title>Report placeholder</title><h1>Situation report placeholder (fixture server)</h1>` +
        `<p>The lifeline binary that made these fixtures has no <code>report</code> command; ` +
        `the real server serves the situation report of case ${p[1]} in language ${lang} here.</p></html>`);
    }
  }
  return fail(res, 404, `not found: ${url.pathname}`);
}

function serveStatic(res, pathname) {
  const rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
  const file = path.resolve(webDir, rel);
  if (!file.startsWith(webDir + path.sep) || rel.split('/').includes('node_modules')) return fail(res, 404, 'not found');
  fs.readFile(file, (err, data) => {
    if (err) return fail(res, 404, `not found: ${pathname}`);
    send(res, 200, kTypes[path.extname(file)] || 'application/octet-stream', data);
  });
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, 'method not allowed');
  if (url.pathname.startsWith('/api/v1/')) return api(req, res, url);
  return serveStatic(res, url.pathname);
});
server.listen(Number(portArg), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
