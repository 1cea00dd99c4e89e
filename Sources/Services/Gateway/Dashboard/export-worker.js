// A service worker that streams exports to disk. A link cannot carry the API token, so the page
// hands the worker the export's path and token under a one-off id, then opens
// /dashboard/download/<id> in a hidden frame; the worker answers that navigation with the
// gateway's export, fetched with the token, as an attachment: the browser writes it to disk as
// it arrives and the tab never holds the whole file.
const pending = new Map(); // id -> { path, token, filename, port }

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('message', (event) => {
  const { id, path, token, filename } = event.data || {};
  if (typeof id !== 'string' || typeof path !== 'string' || !path.startsWith('/v1/export.')) return;
  const port = event.ports[0];
  pending.set(id, { path, token, filename, port });
  // Forget a download that is never opened.
  setTimeout(() => pending.delete(id), 60_000);
  port.postMessage({ id, state: 'ready' });
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  const prefix = '/dashboard/download/';
  if (url.origin !== self.location.origin || !url.pathname.startsWith(prefix)) return;
  const id = decodeURIComponent(url.pathname.slice(prefix.length));
  const download = pending.get(id);
  pending.delete(id);
  event.respondWith(answer(download));
});

async function answer(download) {
  if (!download) return new Response('This download link was used already or has expired.', { status: 410 });
  const { path, token, filename, port } = download;
  let upstream;
  try {
    upstream = await fetch(path, { headers: { Authorization: `Bearer ${token}` } });
  } catch (error) {
    port.postMessage({ state: 'failed', status: 0, message: `the gateway cannot be reached (${error.message})` });
    return new Response('The gateway cannot be reached.', { status: 502 });
  }
  if (!upstream.ok) {
    let message = `${upstream.status} ${upstream.statusText}`;
    try {
      const body = await upstream.json();
      if (body && body.message) message = body.message;
    } catch { /* not JSON: keep the status line */ }
    port.postMessage({ state: 'failed', status: upstream.status, message });
    return new Response(message, { status: upstream.status });
  }
  port.postMessage({ state: 'streaming' });
  const safeName = filename.replace(/[^A-Za-z0-9._-]/g, '_');
  return new Response(upstream.body, {
    headers: {
      'Content-Type': upstream.headers.get('Content-Type') || 'application/octet-stream',
      'Content-Disposition': `attachment; filename="${safeName}"`,
    },
  });
}
