// The dashboard's only way to the server: GET /api/v1/... with the optional
// bearer token (kept in sessionStorage, so it is gone when the tab closes).
//
// Static mode: a directory written by `lifeline publish` (docs/publish.md)
// marks its index.html with <meta name="lifeline-publication">. Then
// publication.json names the snapshot of the public API's answers at the
// published checkpoint, and getJson fetches those files instead of the API;
// what they do not hold (search, date ranges, older checkpoints, reports,
// tokens) is an ApiError with status 501 saying it needs the live server.

const kTokenKey = 'lifeline.token';

export class ApiError extends Error {
  constructor(status, message, path) {
    super(message);
    this.status = status;
    this.path = path;
  }
}

export function getToken() {
  try {
    return sessionStorage.getItem(kTokenKey) || '';
  } catch {
    return '';
  }
}

export function setToken(token) {
  if (token) sessionStorage.setItem(kTokenKey, token);
  else sessionStorage.removeItem(kTokenKey);
}

/** Query string from an object, leaving out empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

let publication = null;

/** Loads publication.json when this page is a publication; resolves to it, or null (a live server). */
export async function loadPublication() {
  const meta = document.querySelector('meta[name="lifeline-publication"]');
  if (!meta) return null;
  const res = await fetch(meta.content, { cache: 'no-cache' });
  if (!res.ok) throw new ApiError(res.status, `${meta.content}: ${res.status} ${res.statusText}`, meta.content);
  publication = await res.json();
  return publication;
}

/** publication.json when the dashboard runs from a publication, else null. */
export const staticPublication = () => publication;

const kNeedsServer = 'this needs the live Lifeline server: a publication holds the public answers at its checkpoint only';

/** The snapshot file answering an API path, or null when the publication holds none. */
export function snapshotPath(path, pub = publication) {
  const u = new URL(path, 'http://publication.invalid');
  const p = u.pathname;
  const q = u.searchParams;
  const keys = [...q.keys()];
  const only = (...names) => keys.every((k) => names.includes(k));
  const base = pub.snapshot;
  let m;
  if (p === '/api/v1/cases' && only()) return `${base}cases.json`;
  if (p === '/api/v1/checkpoint' && only()) return `${base}checkpoint.json`;
  if ((m = p.match(/^\/api\/v1\/cases\/([^/]+)\/(headline|indicators|compliance|severity|risk|scenarios)$/)) && only()) {
    return `${base}cases/${m[1]}/${m[2]}.json`;
  }
  if ((m = p.match(/^\/api\/v1\/cases\/([^/]+)\/forecast$/)) && only('scenario') && q.get('scenario')) {
    return `${base}cases/${m[1]}/forecast/${encodeURIComponent(q.get('scenario'))}.json`;
  }
  if ((m = p.match(/^\/api\/v1\/records\/([^/]+)$/)) && only()) return `${base}records/${m[1]}.json`;
  const from = Number(q.get('from'));
  if (p === '/api/v1/consistency' && only('from', 'to') && Number(q.get('to')) === pub.checkpoint.size &&
      (pub.consistency_from || []).includes(from)) {
    return `${base}consistency/${from}.json`;
  }
  return null;
}

const caseRecords = new Map();

// GET /api/v1/records from a case's records.json: the kind filter and
// paging only (the others need the server's search).
async function snapshotRecords(path) {
  const q = new URL(path, 'http://publication.invalid').searchParams;
  const caseId = q.get('case');
  if (!caseId || ![...q.keys()].every((k) => ['case', 'kind', 'limit', 'offset'].includes(k))) {
    throw new ApiError(501, kNeedsServer, path);
  }
  if (!caseRecords.has(caseId)) {
    caseRecords.set(caseId, fetchJson(`${publication.snapshot}cases/${encodeURIComponent(caseId)}/records.json`, path));
  }
  const all = (await caseRecords.get(caseId)).records;
  const kind = q.get('kind');
  const found = kind ? all.filter((r) => r.kind === kind) : all;
  const offset = Number(q.get('offset') || 0);
  const limit = Number(q.get('limit') || 100);
  return { ok: true, records: found.slice(offset, offset + limit), total: found.length, offset, limit };
}

/**
 * Fetches JSON from path (e.g. '/api/v1/cases'). Resolves to the parsed
 * object; rejects with ApiError (status 0 for a network failure) when the
 * response is not 2xx or not {"ok": true, ...}.
 */
export async function getJson(path) {
  if (publication) {
    if (new URL(path, 'http://publication.invalid').pathname === '/api/v1/records') return snapshotRecords(path);
    const file = snapshotPath(path);
    if (file === null) throw new ApiError(501, kNeedsServer, path);
    return fetchJson(file, path);
  }
  return fetchJson(path, path);
}

// GET url; errors name `path`, the API path asked for.
async function fetchJson(url, path) {
  const headers = { Accept: 'application/json' };
  const token = publication ? '' : getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(url, { headers, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, e.message || String(e), path);
  }
  let body = null;
  const text = await res.text();
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  if (!res.ok || !body || body.ok === false) {
    const msg = body && (body.message || body.error) ? [body.error, body.message].filter(Boolean).join(': ')
      : `${res.status} ${res.statusText}`;
    throw new ApiError(res.ok ? 502 : res.status, msg, path);
  }
  return body;
}

/** Fetches every page of /api/v1/records for the given filters. */
export async function allRecords(params, pageSize = 500) {
  const out = [];
  for (let offset = 0; ; offset += pageSize) {
    const page = await getJson(`/api/v1/records${query({ ...params, limit: pageSize, offset })}`);
    out.push(...page.records);
    const total = typeof page.total === 'number' ? page.total : out.length;
    if (page.records.length === 0 || out.length >= total) break;
  }
  return out;
}

export const reportUrl = (caseId, lang) => `/api/v1/cases/${encodeURIComponent(caseId)}/report${query({ lang })}`;

const kIntakeKey = 'lifeline.intake.allowed';

/**
 * Whether this tab's token may submit records (monitor, verifier, admin):
 * HEAD /submission answers 204 to those, 401/403 to others. The answer is
 * kept for the tab (with the token it was for), so that an offline reload
 * still shows the intake page; false without a token or in a publication.
 */
export async function intakeAllowed() {
  const token = getToken();
  if (!token || publication) return false;
  let kept = null;
  try {
    kept = JSON.parse(sessionStorage.getItem(kIntakeKey) || 'null');
  } catch {
    kept = null;
  }
  try {
    const res = await fetch('/submission', { method: 'HEAD', headers: { Authorization: `Bearer ${token}` }, credentials: 'omit' });
    const allowed = res.status === 204;
    sessionStorage.setItem(kIntakeKey, JSON.stringify({ token, allowed }));
    return allowed;
  } catch {
    return Boolean(kept && kept.token === token && kept.allowed);  // offline: the last answer
  }
}
