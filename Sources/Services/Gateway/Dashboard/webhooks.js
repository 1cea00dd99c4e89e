// Webhook subscriptions on the alerts page: list, create (the secret is shown once), delete,
// and the deliveries by state, with replay of a failed one. Editor and admin tokens only.
import { call, get, post } from './api.js';
import { errorBox, field, fill, h, select, table, time } from './dom.js';

const kinds = [['', 'any kind'], ['volume', 'volume'], ['negativeSentiment', 'negative sentiment'], ['anger', 'anger']];

/** What a subscription hears, in words. */
function topic(webhook) {
  const scope = webhook.queryId === '*' ? 'all posts' : webhook.queryId ? `query ${webhook.queryId}` : 'any query';
  return webhook.event === 'care' ? `care items of ${scope} with priority ≥ ${webhook.minPriority ?? 0}`
    : `${webhook.kind || 'any'} alerts of ${scope}`;
}

/** The webhooks section: a card that draws itself, or says why the token may not see it. */
export function webhooksSection(queries) {
  const section = h('section', { class: 'card', id: 'webhooks', 'aria-labelledby': 'webhooks-title' });
  const list = h('div', { id: 'webhook-list' });
  const created = h('div', { id: 'webhook-created', 'aria-live': 'polite' });
  const deliveries = h('div', { id: 'webhook-deliveries' });

  const url = h('input', { name: 'url', type: 'url', required: true, placeholder: 'https://hooks.example.com/earshot' });
  const event = select('event', [['alert', 'spike alerts'], ['care', 'care items']], 'alert');
  const scope = select('queryId', [['', 'any query'], ['*', 'all posts (no query)'],
    ...queries.map((query) => [query.id, `${query.name}${query.group ? ` (${query.group})` : ''}`])], '');
  const kind = select('kind', kinds, '');
  const minPriority = h('input', { name: 'minPriority', type: 'number', min: 1, max: 100, value: 70 });
  const format = select('format', [['json', 'JSON (signed)'], ['slack', 'Slack incoming webhook']], 'json');
  const kindField = field('Alert kind', kind);
  const priorityField = field('Minimum care priority', minPriority, '1 to 100');
  const showFields = () => {
    kindField.hidden = event.value !== 'alert';
    priorityField.hidden = event.value !== 'care';
  };
  event.addEventListener('change', showFields);
  showFields();
  const form = h('form', { id: 'webhook-form', 'aria-label': 'New webhook' },
    h('h3', {}, 'New webhook'), field('URL', url, 'http or https; each delivery is signed with the secret shown once'),
    field('Event', event), field('Listening query', scope), kindField, priorityField, field('Format', format),
    h('button', { type: 'submit' }, 'Create webhook'));
  form.addEventListener('submit', async (submitted) => {
    submitted.preventDefault();
    const body = { url: url.value, event: event.value, format: format.value };
    if (scope.value) body.queryId = scope.value;
    if (event.value === 'alert' && kind.value) body.kind = kind.value;
    if (event.value === 'care') body.minPriority = Number(minPriority.value);
    try {
      const webhook = await post('webhooks', body);
      fill(created, h('div', { class: 'ok', role: 'status' },
        h('p', {}, `Created ${webhook.id}. Its signing secret is shown only now; keep it where the receiver checks signatures:`),
        h('code', { id: 'webhook-secret' }, webhook.secret)));
      url.value = '';
      await drawList();
    } catch (error) {
      fill(created, errorBox(error));
    }
  });

  const state = select('state', [['failed', 'failed'], ['delivered', 'delivered'], ['pending', 'pending']], 'failed');
  state.addEventListener('change', () => drawDeliveries());

  async function drawList() {
    const { webhooks = [] } = await get('webhooks');
    fill(list, table('Webhook subscriptions', ['Id', 'Hears', 'URL', 'Format', 'Created', 'Actions'], webhooks.map((webhook) => [
      h('code', {}, webhook.id), topic(webhook), h('span', { class: 'url' }, webhook.url), webhook.format,
      `${time(Date.parse(webhook.createdAt))} by ${webhook.createdBy}`,
      h('button', { type: 'button', class: 'danger', 'aria-label': `Delete webhook ${webhook.id}`, onclick: async () => {
        if (!confirm(`Delete the webhook to ${webhook.url} and its deliveries?`)) return;
        try { await call('DELETE', `webhooks/${encodeURIComponent(webhook.id)}`); await drawList(); } catch (error) { list.prepend(errorBox(error)); }
      } }, 'Delete')]), { id: 'webhook-table' }));
  }

  async function drawDeliveries() {
    try {
      const answer = await get('webhook-deliveries', { state: state.value, limit: 50 });
      fill(deliveries, table(`Deliveries ${state.value}, last attempt first`, ['Event', 'Webhook', 'State', 'Attempts', 'Last answer', 'Next attempt', 'Actions'],
        (answer.deliveries || []).map((delivery) => [delivery.eventId, h('code', {}, delivery.webhookId), delivery.state, String(delivery.attempts),
          delivery.lastError ? `${delivery.lastStatus || ''} ${delivery.lastError}`.trim() : String(delivery.lastStatus || '—'),
          delivery.state === 'pending' ? time(Date.parse(delivery.nextAttemptAt)) : '—',
          delivery.state === 'failed' ? h('button', { type: 'button', class: 'secondary', 'aria-label': `Replay delivery ${delivery.id}`, onclick: async () => {
            try { await post(`webhook-deliveries/${encodeURIComponent(delivery.id)}/replay`); await drawDeliveries(); } catch (error) { deliveries.prepend(errorBox(error)); }
          } }, 'Replay') : '']), { id: 'delivery-table' }));
    } catch (error) {
      fill(deliveries, errorBox(error));
    }
  }

  async function draw() {
    fill(section, h('h2', { id: 'webhooks-title' }, 'Webhooks'));
    try {
      await drawList();
    } catch (error) {
      section.append(error.status === 403
        ? h('p', { class: 'hint', id: 'webhooks-not-allowed' }, 'Webhook subscriptions are managed by editor and admin tokens; this token may only read alerts.')
        : errorBox(error));
      return;
    }
    section.append(list, created, form, h('h3', {}, 'Deliveries'), field('Show deliveries', state), deliveries);
    await drawDeliveries();
  }
  draw();
  return section;
}
