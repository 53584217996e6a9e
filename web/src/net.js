// The few calls the page makes to the server itself (sync.js does the rest):
// sign in, who am I, sign out, fetching a photo cited by a pulled record, and
// a query the server answers (names of places outside the device's scope).
import { app } from './app.js';

async function json(res) {
  const body = await res.json().catch(() => ({}));
  if (!res.ok || body.ok === false) {
    const err = new Error(body.message || `HTTP ${res.status}`);
    err.code = body.code || 'http';
    err.reason = body.reason || `http.${res.status}`;
    throw err;
  }
  return body;
}

export async function login(personId, password) {
  const res = await fetch('/api/v1/auth/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, cache: 'no-store',
    body: JSON.stringify({ person_id: personId, password }),
  });
  const { token, expires_at: expiresAt } = await json(res);
  const me = await json(await fetch('/api/v1/auth/me', {
    headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' }));
  return { token, personId: me.person_id, grants: me.grants, expiresAt };
}

export async function logout(token) {
  try {
    await fetch('/api/v1/auth/logout', { method: 'POST',
      headers: { Authorization: `Bearer ${token}` } });
  } catch (e) { /* offline: the token expires on its own */ }
}

/** A photo's bytes from the server, or null (offline, not in scope). */
export async function fetchBlob(sha) {
  if (!app.session || !navigator.onLine) return null;
  try {
    const res = await fetch(`/api/v1/blobs/${sha}`, {
      headers: { Authorization: `Bearer ${app.session.token}` } });
    if (!res.ok) return null;
    return new Blob([await res.arrayBuffer()], { type: 'image/jpeg' });
  } catch (e) {
    return null;
  }
}

/** The server's answer to a query (the same core query the device runs). */
export async function serverQuery(name, params = {}) {
  const res = await fetch('/api/v1/query', { method: 'POST', cache: 'no-store',
    headers: { Authorization: `Bearer ${app.session.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, params }) });
  return (await json(res)).value;
}
