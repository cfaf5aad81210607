// The dashboard's only way to the server: GET /api/v1/... with the optional
// bearer token (kept in sessionStorage, so it is gone when the tab closes).

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

/**
 * Fetches JSON from path (e.g. '/api/v1/cases'). Resolves to the parsed
 * object; rejects with ApiError (status 0 for a network failure) when the
 * response is not 2xx or not {"ok": true, ...}.
 */
export async function getJson(path) {
  const headers = { Accept: 'application/json' };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(path, { headers, credentials: 'same-origin' });
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
