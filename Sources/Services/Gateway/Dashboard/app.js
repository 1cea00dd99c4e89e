// The dashboard's shell: sign-in with an API token, the page menu and the hash router.
import { ApiError, get, token, whenUnauthorized } from './api.js';
import { errorBox, field, fill, h } from './dom.js';
import { overviewPage } from './overview.js';
import { alertsPage, carePage, postsPage, queriesPage, sourcesPage } from './pages.js';

const pages = { overview: overviewPage, posts: postsPage, queries: queriesPage, care: carePage, alerts: alertsPage, sources: sourcesPage };
const main = document.getElementById('main');
const nav = document.getElementById('nav');
let leavePage = () => {};

/** The sign-in form; `reason` says why it is shown again (an expired or revoked token). */
function signIn(reason) {
  leavePage();
  leavePage = () => {};
  token.clear();
  nav.hidden = true;
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'off', required: true, spellcheck: 'false' });
  const status = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card sign-in', id: 'sign-in' },
    h('h1', {}, 'Sign in'),
    reason ? h('p', { class: 'error', role: 'alert' }, reason) : null,
    field('API token', input, 'A token made by `earshot tokens create --name you --role reader|editor|admin`.'),
    h('button', { type: 'submit' }, 'Sign in'), status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    token.set(input.value.trim());
    try {
      await get('queries');
      start();
    } catch (error) {
      token.clear();
      fill(status, errorBox(error));
    }
  });
  fill(main, form);
  input.focus();
}

// A 401 while signed in (an expired or revoked token) asks for a token again; while signing in the form says why.
whenUnauthorized((message) => { if (!nav.hidden) signIn(`Please sign in again: ${message}`); });

/** Shows the page named in the location's hash (#/name?parameters). */
async function route() {
  if (!token.get()) return signIn();
  const [name, query] = location.hash.replace(/^#\/?/, '').split('?');
  const page = pages[name] ? name : 'overview';
  for (const link of nav.querySelectorAll('a')) {
    if (link.getAttribute('href') === `#/${page}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  leavePage();
  leavePage = () => {};
  const container = h('div', { class: 'page', id: `page-${page}` });
  fill(main, container);
  try {
    leavePage = (await pages[page](container, new URLSearchParams(query || ''))) || (() => {});
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) container.append(errorBox(error));
  }
}

function start() {
  nav.hidden = false;
  if (!location.hash) location.hash = '#/overview';
  else route();
}

document.getElementById('sign-out').addEventListener('click', () => signIn());
window.addEventListener('hashchange', () => token.get() && route());
if (token.get()) start(); else signIn();
