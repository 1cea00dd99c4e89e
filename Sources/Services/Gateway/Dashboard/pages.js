// The post explorer, listening queries, care queue, alerts and sources pages.
import { call, download, followAlerts, get, post } from './api.js';
import { count, errorBox, field, fill, h, number, select, sentimentBadge, table, time } from './dom.js';
import { explainAlert, ranges, scopeOf, scopeSelect } from './overview.js';
import { webhooksSection } from './webhooks.js';

const hour = 3_600_000;
const pageSize = 50;

function postCells(view) {
  const item = view.post || {};
  const enrichment = view.enrichment || {};
  return [time(item.createdAtMs), item.platform || '', h('span', { class: 'author' }, item.author?.handle || item.author?.id || ''),
    h('span', { class: 'text' }, item.text || ''), sentimentBadge(enrichment.sentiment?.available === false ? '' : enrichment.sentiment?.label),
    enrichment.language || ''];
}

/** Search posts with a listening query (saved), an expression and filters, a page at a time, with exports. */
export async function postsPage(container, parameters) {
  const queries = (await get('queries')).queries || [];
  const scope = scopeOf(parameters);
  const text = (name, label) => field(label, h('input', { name, type: 'search', value: parameters.get(name) || '' }));
  const form = h('form', { class: 'controls', role: 'search', 'aria-label': 'Search posts' },
    field('Listening query or group', scopeSelect(queries, scope)),
    field('Query expression', h('input', { name: 'query', type: 'search', spellcheck: 'false', value: parameters.get('query') || '' }),
      'the listening query language, e.g. (refund OR broken) AND NOT lang:de'),
    text('textContains', 'Text contains'), text('hashtag', 'Hashtag'), text('authorHandle', 'Author'),
    field('Platform', select('platform', [['', 'Any'], ...['mastodon', 'bluesky', 'reddit', 'x', 'other'].map((name) => [name, name])], parameters.get('platform') || '')),
    text('language', 'Language (ISO code)'),
    field('Sentiment', select('sentimentLabel', [['', 'Any'], ['positive', 'positive'], ['neutral', 'neutral'], ['negative', 'negative']], parameters.get('sentimentLabel') || '')),
    field('Time range', select('hours', [['', 'Any time'], ...ranges], parameters.get('hours') || '')),
    h('button', { type: 'submit' }, 'Search'));
  const results = h('div', { id: 'post-results', 'aria-live': 'polite' });
  fill(container, h('h1', {}, 'Posts'), form, results);

  const filters = () => {
    const data = new FormData(form);
    const chosen = Object.fromEntries([...data.entries()].filter(([name, value]) => value && name !== 'scope' && name !== 'hours'));
    const [name, value] = String(data.get('scope') || '').split('=');
    if (name) chosen[name] = value;
    if (data.get('hours')) chosen.from = new Date(Date.now() - Number(data.get('hours')) * hour).toISOString();
    return chosen;
  };
  // The tokens of the pages seen so far, so Previous can go back (the first page has none), and
  // how many posts came before each page (an expression search may answer short pages).
  let tokens = [''];
  let offsets = [0];
  async function show(index) {
    const chosen = filters();
    results.setAttribute('aria-busy', 'true');
    fill(results, h('p', {}, 'Searching…'));
    try {
      const answer = await get('posts', { ...chosen, pageSize, pageToken: tokens[index] });
      const views = answer.posts || [];
      tokens = tokens.slice(0, index + 1);
      offsets = offsets.slice(0, index + 1);
      if (answer.nextPageToken) tokens.push(answer.nextPageToken);
      offsets.push(offsets[index] + views.length);
      const first = offsets[index];
      const shortened = chosen.query && answer.nextPageToken && views.length < pageSize
        ? h('p', { class: 'hint', id: 'read-on' }, 'This page is short because a search with an expression reads a bounded number of posts at a time; Next page reads on.') : null;
      const exportButton = (format) => h('button', { type: 'button', class: 'secondary', onclick: () =>
        download(`export.${format}`, chosen, `earshot-posts.${format}`).then((mode) => { results.dataset.exportMode = mode; })
          .catch((error) => results.prepend(errorBox(error))) }, `Export all as ${format.toUpperCase()}`);
      fill(results,
        h('div', { class: 'pager' },
          h('span', { id: 'post-page' }, `Page ${index + 1}: posts ${first + (views.length ? 1 : 0)}–${first + views.length}`),
          h('button', { type: 'button', disabled: index === 0, onclick: () => show(index - 1) }, 'Previous page'),
          h('button', { type: 'button', id: 'next-page', disabled: !answer.nextPageToken, onclick: () => show(index + 1) }, 'Next page'),
          exportButton('csv'), exportButton('jsonl')),
        shortened,
        table('Matching posts, newest first', ['Time', 'Platform', 'Author', 'Text', 'Sentiment', 'Language'], views.map(postCells), { id: 'posts-table' }));
    } catch (error) {
      fill(results, errorBox(error));
    }
    results.setAttribute('aria-busy', 'false');
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    tokens = [''];
    offsets = [0];
    show(0);
  });
  await show(0);
}

/** The query text with the character at `position` (1-based) marked. */
function markedQuery(text, position) {
  const index = Math.min(Math.max(position - 1, 0), text.length);
  return h('pre', { class: 'query-mark', 'aria-hidden': 'true' }, text.slice(0, index),
    h('mark', {}, text.slice(index, index + 1) || ' '), text.slice(index + 1));
}

/** Listening queries: the list, create, edit and delete, validation while typing, matches and backfill. */
export async function queriesPage(container, parameters) {
  const list = h('div', { id: 'query-list' });
  const editing = parameters.get('edit');
  const queries = (await get('queries')).queries || [];
  const current = queries.find((query) => query.id === editing);
  const name = h('input', { name: 'name', required: true, value: current?.name || '' });
  const group = h('input', { name: 'group', value: current?.group || '' });
  const text = h('textarea', { name: 'query', rows: 3, required: true, spellcheck: 'false', 'aria-describedby': 'query-check' }, current?.query || '');
  const backfill = h('input', { type: 'checkbox', name: 'backfill', checked: !current });
  const check = h('div', { id: 'query-check', 'aria-live': 'polite' });
  const preview = h('div', { id: 'query-preview', 'aria-live': 'polite' });
  const outcome = h('div', { id: 'query-outcome', 'aria-live': 'polite' });
  const form = h('form', { class: 'card', id: 'query-form', 'aria-label': current ? 'Edit the query' : 'New query' },
    h('h2', {}, current ? `Edit ${current.name}` : 'New listening query'),
    field('Name', name), field('Group (brand or project)', group),
    field('Query', text, 'e.g. ("red shoes" OR #redshoes) AND NOT lang:de'), check, preview,
    current ? null : h('label', { class: 'inline' }, backfill, ' Match stored posts too (backfill)'),
    h('button', { type: 'submit' }, current ? 'Save changes' : 'Create query'),
    current ? h('a', { href: '#/queries', class: 'button secondary' }, 'Cancel') : null, outcome);

  let checking = null;
  async function validate() {
    const value = text.value;
    if (!value.trim()) {
      fill(check);
      fill(preview);
      return;
    }
    try {
      const answer = await post('queries/validate', { query: value });
      if (value !== text.value) return;
      text.setAttribute('aria-invalid', answer.valid ? 'false' : 'true');
      fill(check, answer.valid ? h('p', { class: 'ok' }, '✓ valid query')
        : h('div', { class: 'invalid', dataset: { position: answer.position } },
          h('p', {}, `✗ at character ${answer.position}: ${answer.message}`), markedQuery(value, answer.position)));
      if (answer.valid) await showPreview(value);
      else fill(preview);
    } catch (error) {
      fill(check, errorBox(error));
    }
  }

  /** The newest stored posts the unsaved query matches (Listening/TestQuery), before saving. */
  async function showPreview(value) {
    try {
      const answer = await post('queries/test', { query: value, limit: 10 });
      if (value !== text.value) return;
      const read = answer.complete ? `all ${count(answer.scanned)} stored posts` : `the newest ${count(answer.scanned)} stored posts (not all were read)`;
      fill(preview, h('p', { id: 'preview-count', dataset: { query: value, matched: answer.matched || 0, scanned: answer.scanned || 0 } },
        `Preview: ${count(answer.matched)} of ${read} match.`),
      table('Newest posts the unsaved query matches', ['Time', 'Platform', 'Author', 'Text', 'Sentiment', 'Language'],
        (answer.posts || []).map(postCells), { id: 'preview-table' }));
    } catch (error) {
      fill(preview, errorBox(error));
    }
  }
  text.addEventListener('input', () => { clearTimeout(checking); checking = setTimeout(validate, 200); });

  async function showMatches(saved) {
    const [matches, latest] = await Promise.all([get('posts', { queryId: saved.id, pageSize: 10 }), get('queries')]);
    const state = (latest.queries || []).find((query) => query.id === saved.id)?.backfillState || 'no backfill';
    fill(outcome, h('p', { id: 'backfill-state' }, `Saved ${saved.name} (${saved.id}). Backfill: ${state}.`),
      table(`Recent posts matching ${saved.name}`, ['Time', 'Platform', 'Author', 'Text', 'Sentiment', 'Language'], (matches.posts || []).map(postCells)));
    return state;
  }
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const saved = current
        ? await call('PATCH', `queries/${encodeURIComponent(current.id)}`, { body: { name: name.value, group: group.value, query: text.value } })
        : await post('queries', { name: name.value, group: group.value, query: text.value, backfill: backfill.checked });
      await drawList();
      // Follow the backfill until it ends (or 2 minutes pass).
      for (let round = 0; round < 60; round += 1) {
        const state = await showMatches(saved);
        if (!/^(pending|running|settling)/.test(state)) break;
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
    } catch (error) {
      fill(outcome, errorBox(error));
    }
  });

  async function drawList() {
    const all = (await get('queries')).queries || [];
    fill(list, table('Listening queries', ['Name', 'Group', 'Query', 'Backfill', 'Actions'], all.map((query) => [
      query.name, query.group, h('code', {}, query.query), query.backfillState || '—',
      h('span', { class: 'actions' },
        h('a', { href: `#/overview?queryId=${encodeURIComponent(query.id)}` }, 'Overview'),
        h('a', { href: `#/queries?edit=${encodeURIComponent(query.id)}` }, 'Edit'),
        h('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${query.name}`, onclick: async () => {
          if (!confirm(`Delete the query ${query.name}, its matches and aggregates?`)) return;
          try { await call('DELETE', `queries/${encodeURIComponent(query.id)}`); await drawList(); } catch (error) { list.prepend(errorBox(error)); }
        } }, 'Delete'))])));
  }
  fill(container, h('h1', {}, 'Listening queries'), form, list);
  await drawList();
  if (current) validate();
}

/** The care queue: unhandled posts by priority; a claim marks the post handled by the signed-in agent. */
export async function carePage(container, parameters) {
  const queries = (await get('queries')).queries || [];
  const scope = scopeOf(parameters);
  const scopeControl = scopeSelect(queries, scope);
  scopeControl.addEventListener('change', () => { location.hash = `#/care${scopeControl.value ? `?${scopeControl.value}` : ''}`; });
  const queue = h('div', { id: 'care-queue' });
  fill(container, h('h1', {}, 'Care queue'), h('div', { class: 'controls' }, field('Scope', scopeControl)), queue);
  let pageToken = '';
  async function draw() {
    const answer = await get('care', { ...scope, pageSize: 25, pageToken });
    const views = answer.posts || [];
    fill(queue, views.length ? h('ol', { class: 'care' }, views.map((view) => {
      const status = h('span', { class: 'claim-status', 'aria-live': 'polite' });
      const button = h('button', { type: 'button', class: 'claim', onclick: async () => {
        button.disabled = true;
        try {
          const claim = await post(`care/${encodeURIComponent(view.post.id)}/claim`, {});
          fill(status, claim.claimed ? `Handled by ${claim.handledBy}` : `Already handled by ${claim.handledBy} at ${time(claim.handledAtMs)}`);
          item.classList.add('handled');
        } catch (error) {
          button.disabled = false;
          fill(status, errorBox(error));
        }
      } }, 'Claim and mark handled');
      const item = h('li', { class: 'card care-item', dataset: { postId: view.post.id } },
        h('div', { class: 'care-head' }, h('span', { class: 'priority' }, `priority ${view.scores?.priority ?? 0}`),
          sentimentBadge(view.enrichment?.sentiment?.label), h('span', { class: 'author' }, view.post.author?.handle || ''),
          h('span', {}, `${view.post.platform} · ${time(view.post.createdAtMs)}`),
          (view.scores?.intents || []).length ? h('span', {}, `intents: ${view.scores.intents.join(', ')}`) : null),
        h('p', { class: 'text' }, view.post.text || ''), button, status);
      return item;
    })) : h('p', { class: 'empty' }, 'No unhandled posts.'),
    answer.nextPageToken ? h('button', { type: 'button', onclick: () => { pageToken = answer.nextPageToken; draw().catch((error) => queue.append(errorBox(error))); } }, 'Next page') : null,
    pageToken ? h('button', { type: 'button', class: 'secondary', onclick: () => { pageToken = ''; draw().catch((error) => queue.append(errorBox(error))); } }, 'Back to the top') : null);
  }
  await draw();
}

function alertRow(alert) {
  return [time(alert.bucketStartMs), alert.queryId || 'all posts', alert.kind, h('span', { class: `severity severity-${alert.severity}` }, alert.severity),
    h('span', { class: 'explanation' }, explainAlert(alert))];
}

/** Alerts: the live feed (Server-Sent Events) over the stored history, and the webhooks. */
export async function alertsPage(container) {
  const feed = h('tbody', { id: 'live-alerts' });
  const state = h('span', { class: 'live', id: 'live-state' }, 'connecting…');
  const [history, queries] = await Promise.all([get('alerts', { limit: 100 }), get('queries')]);
  const columns = ['Bucket', 'Query', 'Kind', 'Severity', 'Why'];
  fill(container, h('h1', {}, 'Alerts'),
    h('section', { class: 'card' }, h('h2', {}, 'Live'), h('p', {}, 'Feed: ', state),
      h('table', {}, h('caption', {}, 'Alerts raised while this page is open'),
        h('thead', {}, h('tr', {}, columns.map((column) => h('th', { scope: 'col' }, column)))), feed)),
    h('section', { class: 'card' }, h('h2', {}, 'History'), table('Stored alerts, newest first', columns, (history.alerts || []).map(alertRow), { id: 'alert-history' })),
    webhooksSection(queries.queries || []));
  return followAlerts({}, (alert) => feed.prepend(h('tr', {}, alertRow(alert).map((cell) => h('td', {}, cell))))
    , (text) => { state.textContent = text; });
}

/** Sources: each source's rate, rejected lines and silence. */
export async function sourcesPage(container) {
  const answer = await get('sources');
  fill(container, h('h1', {}, 'Sources'), table('Ingest sources', ['Source', 'Posts per minute', 'Accepted', 'Rejected', 'Duplicates', 'Last post', 'State', 'Collector'],
    (answer.sources || []).map((source) => [source.source || '(none)', number(source.postsPerMinute), count(source.accepted), count(source.rejected),
      count(source.duplicates), time(source.lastCreatedAtMs),
      source.silent ? h('span', { class: 'badge silent' }, `silent for ${number(Number(source.silentForMs) / 60_000)} min`) : h('span', { class: 'badge ok' }, 'flowing'),
      collectorCell(source)]),
    { id: 'sources-table' }));
}

/** What the source's collector last reported: its connection and why it last failed. */
function collectorCell(source) {
  if (!source.collectorState) return '—';
  const state = source.collectorState.replace('_', ' ');
  return h('span', { class: 'collector' }, h('span', { class: `badge ${source.collectorState === 'connected' ? 'ok' : 'silent'}` }, state),
    source.collectorLastError ? h('small', { class: 'last-error' }, ` ${source.collectorLastError}`) : null,
    h('small', {}, ` (${count(source.collectorReconnects)} reconnects, reported ${time(source.collectorReportedMs)})`));
}
