// The gateway's /v1 JSON API with the signed-in token (kept for the browser tab only).
const tokenKey = 'earshot-token';

/** An error answer of the gateway: its HTTP status and readable message. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export const token = {
  get: () => sessionStorage.getItem(tokenKey) || '',
  set: (value) => sessionStorage.setItem(tokenKey, value),
  clear: () => sessionStorage.removeItem(tokenKey),
};

// Requests end with the page. A browser may keep a left page alive for a while (the
// back/forward cache), and a request it still holds (the alert stream above all) keeps one of
// the six connections a browser opens to a host: after a few pages the next page's requests
// would wait for a free one. So every request is aborted when the page is hidden, and a page
// shown again from that cache is loaded afresh.
const pageGone = new AbortController();
addEventListener('pagehide', () => pageGone.abort());
addEventListener('pageshow', (event) => { if (event.persisted) location.reload(); });

let onUnauthorized = () => {};
/** Called with the message of any 401, so the app can ask for a token again. */
export function whenUnauthorized(handler) { onUnauthorized = handler; }

/** The query string of `params`, leaving out empty values; arrays repeat the name. */
export function queryString(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    for (const one of Array.isArray(value) ? value : [value]) search.append(name, one);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function failure(response) {
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    if (body && body.message) message = body.message;
  } catch { /* not JSON: keep the status line */ }
  if (response.status === 401) onUnauthorized(message);
  return new ApiError(response.status, message);
}

/** Sends a request; resolves with the parsed JSON or rejects with an ApiError. */
export async function call(method, path, { params = {}, body } = {}) {
  const headers = { Authorization: `Bearer ${token.get()}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(`/v1/${path}${queryString(params)}`, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: pageGone.signal,
    });
  } catch (error) {
    throw new ApiError(0, `the gateway cannot be reached (${error.message})`);
  }
  if (!response.ok) throw await failure(response);
  return response.json();
}

export const get = (path, params) => call('GET', path, { params });
export const post = (path, body) => call('POST', path, { body });

/**
 * Downloads an export. A link cannot carry the token, so where service workers run (HTTPS, or
 * a loopback address) the export worker streams it to disk (export-worker.js); elsewhere it is
 * fetched whole, then saved. Resolves with 'streamed' or 'fetched' once the download started.
 */
export async function download(path, params, filename) {
  const exportPath = `/v1/${path}${queryString(params)}`;
  const worker = await exportWorker();
  if (worker) return streamed(worker, exportPath, filename);
  const response = await fetch(exportPath, { headers: { Authorization: `Bearer ${token.get()}` } });
  if (!response.ok) throw await failure(response);
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return 'fetched';
}

let workerRegistration = null;
/** The active export worker, registered on first use; null where service workers cannot run. */
async function exportWorker() {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return null;
  try {
    // Not navigator.serviceWorker.ready: that waits for a worker whose scope holds this page,
    // and the worker's scope is /dashboard/ only.
    workerRegistration ??= navigator.serviceWorker.register('/dashboard/export-worker.js', { scope: '/dashboard/' }).then(activated);
    return await workerRegistration;
  } catch {
    workerRegistration = null;
    return null;
  }
}

/** The registration's worker once it is active. */
function activated(registration) {
  if (registration.active) return registration.active;
  const worker = registration.installing || registration.waiting;
  return new Promise((resolve, reject) => {
    worker.addEventListener('statechange', () => {
      if (worker.state === 'activated') resolve(worker);
      else if (worker.state === 'redundant') reject(new Error('the export worker did not start'));
    });
  });
}

/** Hands the export to the worker under a one-off id and opens it in a hidden frame. */
function streamed(worker, exportPath, filename) {
  return new Promise((resolve, reject) => {
    const id = crypto.randomUUID();
    const channel = new MessageChannel();
    const frame = Object.assign(document.createElement('iframe'), { hidden: true, title: 'download' });
    const finish = () => setTimeout(() => frame.remove(), 60_000);
    channel.port1.onmessage = ({ data }) => {
      if (data.state === 'ready') {
        frame.src = `/dashboard/download/${encodeURIComponent(id)}`;
        document.body.append(frame);
      } else if (data.state === 'streaming') {
        finish();
        resolve('streamed');
      } else {
        frame.remove();
        if (data.status === 401) onUnauthorized(data.message);
        reject(new ApiError(data.status, data.message));
      }
    };
    worker.postMessage({ id, path: exportPath, token: token.get(), filename }, [channel.port2]);
  });
}

/**
 * Follows the alert stream (Server-Sent Events over fetch, since EventSource cannot send the
 * token); calls `onAlert` with each alert. Returns a function that stops it. Reconnects after
 * a dropped connection, not after a 401 or 403.
 */
export function followAlerts(params, onAlert, onState = () => {}) {
  const controller = new AbortController();
  let stopped = false;
  async function connect() {
    while (!stopped) {
      try {
        const response = await fetch(`/v1/alerts/stream${queryString(params)}`, {
          headers: { Authorization: `Bearer ${token.get()}`, Accept: 'text/event-stream' }, signal: controller.signal,
        });
        if (!response.ok) {
          const error = await failure(response);
          onState(`live feed unavailable: ${error.message}`);
          if (response.status === 401 || response.status === 403) return;
        } else {
          onState('live');
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          let pending = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            pending += value;
            let end;
            while ((end = pending.indexOf('\n\n')) >= 0) {
              const event = pending.slice(0, end);
              pending = pending.slice(end + 2);
              const data = event.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n');
              if (event.includes('event: alert') && data) onAlert(JSON.parse(data));
            }
          }
          onState('reconnecting');
        }
      } catch (error) {
        if (stopped) return;
        onState(`reconnecting (${error.message})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  }
  const stop = () => { stopped = true; controller.abort(); };
  pageGone.signal.addEventListener('abort', stop);
  connect();
  return stop;
}
