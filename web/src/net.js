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

function authHeaders() {
  return { 'Content-Type': 'application/json', Authorization: `Bearer ${app.session.token}` };
}

/**
 * A query run on the server (the console reads online, never from a
 * replica): resolves its value, rejects with {code, reason, message}.
 */
export async function serverQuery(name, params = {}) {
  const res = await fetch('/api/v1/query', { method: 'POST', headers: authHeaders(),
    cache: 'no-store', body: JSON.stringify({ name, params }) });
  return (await json(res)).value;
}

/** One command run on the server at once (the console's edits): its value. */
export async function serverCommand(type, payload) {
  const cmd = { id: crypto.randomUUID(), type, actor: app.session.personId, at: Date.now(), payload };
  const res = await fetch('/api/v1/sync/push', { method: 'POST', headers: authHeaders(),
    cache: 'no-store', body: JSON.stringify({ commands: [cmd] }) });
  const body = await json(res);
  const a = (body.results || [])[0] || {};
  if (a.status !== 'accepted') {
    const err = new Error(a.message || 'refused');
    err.code = a.code || 'refused';
    err.reason = a.reason || 'refused';
    throw err;
  }
  return a.value;
}

/** POST to one of the console's account endpoints (/api/v1/admin/...): its body. */
export async function adminCall(what, body) {
  const res = await fetch(`/api/v1/admin/${what}`, { method: 'POST', headers: authHeaders(),
    cache: 'no-store', body: JSON.stringify(body) });
  return json(res);
}

/** An administrator's read (GET /api/v1/admin/...): its answer. */
export async function adminGet(what) {
  return json(await fetch(`/api/v1/admin/${what}`, { headers: authHeaders(), cache: 'no-store' }));
}

/** The console's register import: the file's bytes, dry run or apply; the engine's report. */
export async function consoleImport(kind, mode, file, onProgress) {
  // The server reports the import's progress under a job id of our choosing
  // while this request runs; polled until it answers.
  const job = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  let polling = true;
  const poll = async () => {
    for (let k = 0; polling; ++k) {
      await new Promise((done) => setTimeout(done, k === 0 ? 150 : 300));
      if (!polling) break;
      const r = await fetch(`/api/v1/console/import/progress?job=${job}`, {
        headers: { Authorization: `Bearer ${app.session.token}` }, cache: 'no-store' }).catch(() => null);
      const p = r && r.ok ? await r.json().catch(() => null) : null;
      if (p && polling && onProgress) onProgress(p);
    }
  };
  const polled = poll();
  const res = await fetch(`/api/v1/console/import?kind=${encodeURIComponent(kind)}&mode=${mode}&job=${job}`, {
    method: 'POST', headers: { Authorization: `Bearer ${app.session.token}` }, cache: 'no-store', body: file })
    .finally(() => { polling = false; });
  await polled;
  const body = await res.json().catch(() => ({}));
  if (body.ok === false && !body.rows) {
    const err = new Error(body.message || `HTTP ${res.status}`);
    err.code = body.code || 'http';
    err.reason = body.reason || `http.${res.status}`;
    err.cell = body.cell;
    throw err;
  }
  return body;
}

/** A file the server sends as a download (an export, a template): {blob, name}. */
export async function consoleDownload(path) {
  const res = await fetch(path, { headers: { Authorization: `Bearer ${app.session.token}` }, cache: 'no-store' });
  if (!res.ok) await json(res);
  const cd = res.headers.get('Content-Disposition') || '';
  const m = /filename="([^"]+)"/.exec(cd);
  return { blob: await res.blob(), name: m ? m[1] : 'download' };
}
