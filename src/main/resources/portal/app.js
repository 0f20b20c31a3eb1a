// The portal's shell: who is signed in, the navigation, and one page per hash route (#/keys, #/catalog...).
import { h, fill, errorBox } from './dom.js';
import { session, get, post, whenUnauthorized } from './api.js';
import * as signin from './pages/signin.js';
import * as keys from './pages/keys.js';
import * as catalog from './pages/catalog.js';
import * as playground from './pages/playground.js';
import * as pipelines from './pages/pipelines.js';
import * as usage from './pages/usage.js';
import * as admin from './pages/admin.js';

const PAGES = [
  { path: 'keys', label: 'API keys', page: keys },
  { path: 'catalog', label: 'Catalog', page: catalog },
  { path: 'playground', label: 'Playground', page: playground },
  { path: 'pipelines', label: 'Pipelines', page: pipelines },
  { path: 'usage', label: 'Usage', page: usage },
  { path: 'admin', label: 'Admin', page: admin, admin: true },
];

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');

/**
 * The caller as the pages need it, from GET /v1/me: a signed-in user (with the session's CSRF token, so a
 * reloaded tab keeps working), or an API key (with its owner, if it has one).
 */
async function loadMe() {
  const me = await get('/v1/me', { quiet401: true });
  const key = me.object === 'api_key' ? me : null;
  const user = key ? me.user || null : me.object === 'user' ? me : null;
  if (!key && me.csrf_token) session.set(me.csrf_token, null);
  const admin = me.scope === 'admin';
  const label = key ? `key ${key.name || key.id}` : user ? user.name || user.email : me.subject || 'signed in';
  return { user, key, admin, label };
}

export async function signedIn() {
  session.me = await loadMe();
  renderNav();
  if (!location.hash || location.hash === '#/' || location.hash.startsWith('#/signin')) location.hash = '#/keys';
  else route();
}

export async function signOut() {
  if (!session.key) {
    try { await post('/auth/logout', {}, { quiet401: true }); } catch { /* the session is gone either way */ }
  }
  session.clear();
  renderNav();
  location.hash = '#/signin';
}

function renderNav() {
  const me = session.me;
  if (!me) {
    fill(nav);
    fill(who);
    return;
  }
  fill(nav, PAGES.filter((p) => !p.admin || me.admin).map((p) =>
    h('a', { href: `#/${p.path}`, 'data-page': p.path }, p.label)), h('a', { href: '/docs' }, 'API docs'));
  fill(who, h('span', { class: 'muted' }, me.label), ' ',
    h('button', { type: 'button', class: 'secondary small', onclick: signOut }, 'Sign out'));
}

async function route() {
  const [name, ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  const params = rest.map(decodeURIComponent);
  if (!session.me) {
    document.title = 'Sign in · ModelHub';
    await signin.render(main, { onSignedIn: signedIn });
    return;
  }
  const entry = PAGES.find((p) => p.path === name) || PAGES[0];
  for (const a of nav.querySelectorAll('a[data-page]')) {
    if (a.dataset.page === entry.path) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.title = `${entry.label} · ModelHub`;
  if (entry.admin && !session.me.admin) {
    fill(main, h('h1', {}, entry.label), errorBox({ message: 'Only an admin may see this page.' }));
    return;
  }
  fill(main, h('p', { class: 'muted' }, 'Loading…'));
  try {
    await entry.page.render(main, params);
  } catch (e) {
    fill(main, h('h1', {}, entry.label), errorBox(e));
  }
  main.focus({ preventScroll: true });
}

whenUnauthorized(() => {
  if (!session.me) return;
  session.clear();
  renderNav();
  location.hash = '#/signin';
  route();
});

window.addEventListener('hashchange', route);

async function start() {
  // The session cookie is HttpOnly, so whether one is there is only learnt by asking.
  try {
    session.me = await loadMe();
  } catch {
    session.clear();
  }
  renderNav();
  if (session.me && (!location.hash || location.hash.startsWith('#/signin'))) location.hash = '#/keys';
  else route();
}
start();
