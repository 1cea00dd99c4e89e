// The overview of all posts, a listening query or a group: totals, volume with spikes,
// sentiment, share of voice, trending terms, top authors; refreshed by the live alert feed.
import { followAlerts, get } from './api.js';
import { lineChart, stackedBars } from './charts.js';
import { count, errorBox, field, fill, h, number, percent, select, table, time } from './dom.js';

const hour = 3_600_000;
export const ranges = [['1', 'Last hour'], ['24', 'Last 24 hours'], ['168', 'Last 7 days'], ['720', 'Last 30 days'], ['8760', 'Last year']];
const intervals = [['minute', 'Minute'], ['hour', 'Hour'], ['day', 'Day']];
const intervalHours = { minute: 1 / 60, hour: 1, day: 24 };
/** At most this many points per chart: a finer interval over a longer range is made coarser. */
const maxBuckets = 800;

/** The interval asked for, or the finest one that keeps the chart within ``maxBuckets``. */
function boundedInterval(asked, hours) {
  const fits = (name) => Number(hours) / intervalHours[name] <= maxBuckets;
  return fits(asked) ? asked : ['hour', 'day'].find(fits) || 'day';
}

/** The scope of a page from its parameters: {queryId} or {group} or all posts ({}). */
export function scopeOf(parameters) {
  if (parameters.get('queryId')) return { queryId: parameters.get('queryId') };
  if (parameters.get('group')) return { group: parameters.get('group') };
  return {};
}

/** The <select> of scopes: all posts, each query, each group. */
export function scopeSelect(queries, scope) {
  const groups = [...new Set(queries.map((query) => query.group).filter(Boolean))].sort();
  const value = scope.queryId ? `queryId=${scope.queryId}` : scope.group ? `group=${scope.group}` : '';
  return select('scope', [['', 'All posts'],
    ...queries.map((query) => [`queryId=${query.id}`, `Query: ${query.name}${query.group ? ` (${query.group})` : ''}`]),
    ...groups.map((group) => [`group=${group}`, `Group: ${group}`])], value);
}

/** Why a spike was flagged, in words: the tooltip of its marker. */
export function explainAlert(alert) {
  const terms = (alert.terms || []).slice(0, 5).map((term) => `${term.key} (${term.observed} vs ${number(term.expected)} expected)`);
  const authors = (alert.authors || []).slice(0, 3).map((author) => `${author.key} (${author.observed})`);
  return [`${alert.kind} spike, ${alert.severity}: ${number(alert.observed)} against a usual ${number(alert.baselineMean)} (z ${number(alert.zScore)})`,
    `at ${time(alert.bucketStartMs)}, mostly ${alert.dominantSentiment || 'mixed'}`,
    terms.length ? `terms: ${terms.join(', ')}` : '', authors.length ? `authors: ${authors.join(', ')}` : ''].filter(Boolean).join('\n');
}

function metric(name, label, value, detail) {
  return h('div', { class: 'metric', dataset: { metric: name } }, h('span', { class: 'label' }, label),
    h('span', { class: 'value' }, value), detail ? h('span', { class: 'detail' }, detail) : null);
}

function belongs(alert, scope, queries) {
  if (scope.queryId) return alert.queryId === scope.queryId;
  if (scope.group) return queries.some((query) => query.group === scope.group && query.id === alert.queryId);
  return !alert.queryId || alert.queryId === '*';
}

export async function overviewPage(container, parameters) {
  const queries = (await get('queries')).queries || [];
  const scope = scopeOf(parameters);
  const hours = parameters.get('hours') || '24';
  const interval = boundedInterval(parameters.get('interval') || (Number(hours) <= 1 ? 'minute' : 'hour'), hours);
  const controls = h('form', { class: 'controls', 'aria-label': 'What to show' },
    field('Scope', scopeSelect(queries, scope)), field('Time range', select('hours', ranges, hours)),
    field('Interval', select('interval', intervals, interval)));
  controls.addEventListener('change', () => {
    const form = new FormData(controls);
    location.hash = `#/overview?${[form.get('scope'), `hours=${form.get('hours')}`, `interval=${form.get('interval')}`].filter(Boolean).join('&')}`;
  });
  const live = h('span', { class: 'live', id: 'live-state' }, 'connecting…');
  const body = h('div', { id: 'overview-body', 'aria-busy': 'true' });
  const scopeName = scope.queryId ? `query ${queries.find((query) => query.id === scope.queryId)?.name || scope.queryId}`
    : scope.group ? `group ${scope.group}` : 'all posts';
  fill(container, h('h1', {}, `Overview of ${scopeName}`), controls, h('p', {}, 'Live updates: ', live), body);

  const group = scope.group || queries.find((query) => query.id === scope.queryId)?.group;
  async function draw() {
    // Whole minutes, so that reloads within a minute ask the same question and the query
    // service answers them from its cache.
    const from = new Date(Math.floor((Date.now() - Number(hours) * hour) / 60_000) * 60_000).toISOString();
    const params = { ...scope, from };
    // Top authors rank every author of the range, which over millions of posts can take
    // seconds: they are asked for after the charts' data (so they never take a read thread of
    // the query service before the charts' calls do) and their table fills in after the charts
    // are drawn.
    const [totals, series, alerts, terms, hashtags, voices] = await Promise.all([
      get('overview', params), get('timeseries', { ...params, granularity: interval }),
      get('alerts', { from, queryId: scope.queryId, limit: 50 }),
      get('trending', { ...params, kind: 'term', limit: 10 }), get('trending', { ...params, kind: 'hashtag', limit: 10 }),
      group ? get('share-of-voice', { group, from }) : Promise.resolve(null),
    ]);
    const authorsCard = h('section', { class: 'card', id: 'top-authors-card', 'aria-busy': 'true' }, h('h2', {}, 'Top authors'), h('p', { class: 'hint' }, 'Ranking authors…'));
    const buckets = (series.buckets || []).map((bucket) => ({ ...bucket, t: Date.parse(bucket.startMs) }));
    const spikes = (alerts.alerts || []).filter((alert) => belongs(alert, scope, queries));
    const marks = spikes.map((alert) => {
      const t = Date.parse(alert.bucketStartMs);
      const nearest = buckets.reduce((best, bucket) => (best && Math.abs(best.t - t) <= Math.abs(bucket.t - t) ? best : bucket), null);
      return { t, value: nearest ? Number(nearest.posts) : 0, title: explainAlert(alert) };
    });
    const sentimentTotal = Number(totals.positive || 0) + Number(totals.neutral || 0) + Number(totals.negative || 0);
    const share = (value) => (sentimentTotal ? ` (${percent(Number(value || 0) / sentimentTotal)})` : '');
    const trendRows = (answer) => (answer.byLift || []).map((item) => [item.key, count(item.count),
      item.isNew ? 'new' : `×${number(item.lift)}`]);
    const queryName = (id) => queries.find((query) => query.id === id)?.name || id;
    fill(body,
      h('section', { class: 'metrics', 'aria-label': 'Totals' },
        metric('posts', 'Posts', count(totals.posts)),
        metric('uniqueAuthors', 'Authors', count(totals.uniqueAuthors), totals.uniqueAuthorsEstimated ? 'estimated' : ''),
        metric('reach', 'Reach', count(totals.reach)),
        metric('netSentiment', 'Net sentiment', number(totals.netSentiment), 'positive minus negative, per 100'),
        metric('positive', 'Positive', count(totals.positive), share(totals.positive)),
        metric('neutral', 'Neutral', count(totals.neutral), share(totals.neutral)),
        metric('negative', 'Negative', count(totals.negative), share(totals.negative))),
      h('section', { class: 'card' }, h('h2', {}, 'Volume'),
        h('p', { class: 'hint' }, spikes.length ? `${spikes.length} spike${spikes.length > 1 ? 's' : ''} marked ▲: hover or focus a marker for why.` : 'No spikes in this range.'),
        lineChart(`Posts per ${interval}`, buckets.map((bucket) => ({ t: bucket.t, value: Number(bucket.posts), title: `${time(bucket.startMs)}: ${count(bucket.posts)} posts` })),
          { marks, format: (value) => count(value) }),
        h('details', {}, h('summary', {}, 'Volume as a table'),
          table(`Posts per ${interval}`, ['Start', 'Posts', 'Net sentiment'],
            buckets.map((bucket) => [time(bucket.startMs), count(bucket.posts), number(bucket.netSentiment)]), { id: 'volume-table' }))),
      h('section', { class: 'card' }, h('h2', {}, 'Sentiment'),
        h('ul', { class: 'legend' }, ['positive', 'neutral', 'negative'].map((name) => h('li', { class: `sentiment-${name}` }, name))),
        stackedBars(`Posts by sentiment per ${interval}`, buckets.map((bucket) => bucket.t), ['positive', 'neutral', 'negative'].map((name) => ({
          name, className: `bar-${name}`, values: buckets.map((bucket) => Number(bucket[name] || 0)) }))),
        lineChart(`Net sentiment per ${interval}`, buckets.map((bucket) => ({ t: bucket.t, value: Number(bucket.netSentiment || 0), title: `${time(bucket.startMs)}: net ${number(bucket.netSentiment)}` })),
          { fixedRange: [-100, 100], format: (value) => number(value) })),
      voices ? h('section', { class: 'card' }, h('h2', {}, `Share of voice in ${group}`),
        table('Mentions and reach per query', ['Query', 'Mentions', 'Share', 'Reach share'], (voices.shares || []).map((voice) => [
          queryName(voice.queryId), count(voice.mentions),
          h('span', { class: 'share' }, h('meter', { min: 0, max: 1, value: Number(voice.mentionShare || 0), 'aria-hidden': 'true' }), ` ${percent(voice.mentionShare)}`),
          percent(voice.reachShare)]), { id: 'share-of-voice' })) : null,
      h('div', { class: 'columns' },
        h('section', { class: 'card' }, h('h2', {}, 'Trending terms'), table('Terms by lift over the baseline', ['Term', 'Posts', 'Lift'], trendRows(terms), { id: 'trending-terms' })),
        h('section', { class: 'card' }, h('h2', {}, 'Trending hashtags'), table('Hashtags by lift over the baseline', ['Hashtag', 'Posts', 'Lift'], trendRows(hashtags), { id: 'trending-hashtags' })),
        authorsCard));
    body.setAttribute('aria-busy', 'false');
    body.dataset.drawnAt = String(Date.now());
    try {
      const authors = await get('authors', { ...params, limit: 10, orderBy: 'reach' });
      fill(authorsCard, h('h2', {}, 'Top authors'), table('Authors by reach', ['Author', 'Posts', 'Reach'],
        (authors.authors || []).map((author) => [author.handle || author.authorId, count(author.posts), count(author.reach)]), { id: 'top-authors' }));
    } catch (error) {
      fill(authorsCard, h('h2', {}, 'Top authors'), errorBox(error));
    }
    authorsCard.setAttribute('aria-busy', 'false');
    body.dataset.completeAt = String(Date.now());
  }

  try { await draw(); } catch (error) { fill(body, errorBox(error)); }
  let pending = null;
  const redraw = () => {
    clearTimeout(pending);
    pending = setTimeout(() => draw().catch((error) => fill(body, errorBox(error))), 500);
  };
  const stop = followAlerts(scope.queryId ? { queryId: scope.queryId } : {}, (alert) => {
    if (!belongs(alert, scope, queries)) return;
    const toast = h('div', { class: 'toast', role: 'status' }, `New alert: ${explainAlert(alert).split('\n')[0]}`);
    document.getElementById('toasts').append(toast);
    setTimeout(() => toast.remove(), 15_000);
    redraw();
  }, (state) => { live.textContent = state; });
  const timer = setInterval(redraw, 60_000);
  return () => { stop(); clearInterval(timer); clearTimeout(pending); };
}
