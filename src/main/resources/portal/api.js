// The portal's one door to the hub: the same JSON API that API keys use (API.md).
// Signed in with a password, the browser holds the HttpOnly session cookie and we keep the CSRF token
// from POST /auth/login for every non-GET call. Signed in with an API key instead, the key is sent as a
// Bearer credential and kept only for this browser tab (sessionStorage).

const store = window.sessionStorage;

export const session = {
  get csrf() { return store.getItem('modelhub.csrf'); },
  get key() { return store.getItem('modelhub.key'); },
  me: null,
  set(csrf, key) {
    store.removeItem('modelhub.csrf');
    store.removeItem('modelhub.key');
    if (csrf) store.setItem('modelhub.csrf', csrf);
    if (key) store.setItem('modelhub.key', key);
  },
  clear() { this.set(null, null); this.me = null; },
};

/** An error answer of the API: {status, type, code, param, message}. */
export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `The hub answered ${status}.`);
    this.status = status;
    this.type = e.type || null;
    this.code = e.code || null;
    this.param = e.param || null;
  }
}

/** Headers carrying the caller's credential (and the CSRF token for a session's non-GET call). */
export function authHeaders(method) {
  const h = {};
  if (session.key) h.Authorization = `Bearer ${session.key}`;
  else if (method !== 'GET' && method !== 'HEAD' && session.csrf) h['X-CSRF-Token'] = session.csrf;
  return h;
}

let onUnauthorized = () => {};
/** What to do when a credential stops working (expired session, revoked key). */
export function whenUnauthorized(f) { onUnauthorized = f; }

/** A raw fetch with the credential; the caller reads the response (used for streams and CSV). */
export async function send(method, path, body, extraHeaders, signal) {
  const headers = Object.assign(authHeaders(method), extraHeaders || {});
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return fetch(path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body), signal,
  });
}

/** Calls the API and answers the parsed JSON, or throws ApiError. */
export async function api(method, path, body, { quiet401 = false } = {}) {
  let res;
  try {
    res = await send(method, path, body);
  } catch (e) {
    throw new ApiError(0, { error: { message: `Cannot reach the hub (${e.message}).` } });
  }
  const text = await res.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = null; }
  if (!res.ok) {
    const err = new ApiError(res.status, parsed);
    if (res.status === 401 && !quiet401) onUnauthorized(err);
    throw err;
  }
  return parsed;
}

export const get = (path, opts) => api('GET', path, undefined, opts);
export const post = (path, body, opts) => api('POST', path, body === undefined ? {} : body, opts);
export const patch = (path, body) => api('PATCH', path, body);
export const del = (path) => api('DELETE', path);

/** Encodes each segment of a model id that may hold a slash. */
export function modelPath(id) {
  return id.split('/').map(encodeURIComponent).join('/');
}

/** The role the caller acts with: 'admin' or 'member' ('member' for non-admin keys). */
export function isAdmin() {
  const me = session.me;
  return !!me && me.admin;
}
