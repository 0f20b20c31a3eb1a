// Sign-in, and the first-run page that creates the first admin user with the hub's admin API key.
import { h, fill, field, input, showFieldError, errorBox } from '../dom.js';
import { session, get, post, api, ApiError } from '../api.js';

export async function render(main, { onSignedIn }) {
  let status = null;
  try {
    status = await get('/auth/status', { quiet401: true });
  } catch {
    status = null; // a hub without user accounts: API keys only
  }
  if (status && status.users_exist === false) {
    fill(main, firstRun(onSignedIn));
  } else {
    fill(main, h('div', { class: 'narrow' },
      h('h1', {}, 'Sign in to ModelHub'),
      status ? passwordForm(onSignedIn, status) : h('p', { class: 'muted' }, 'This hub has no user accounts: sign in with an API key.'),
      keyForm(onSignedIn, !status)));
  }
  const first = main.querySelector('input');
  if (first) first.focus();
}

async function login(email, password) {
  const answer = await post('/auth/login', { email, password }, { quiet401: true });
  session.set(answer.csrf_token, null);
}

function passwordForm(onSignedIn, status) {
  const email = input({ type: 'email', name: 'email', autocomplete: 'username', required: true });
  const password = input({ type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card' },
    field('Email', email, { name: 'email' }),
    field('Password', password, { name: 'password' }),
    out,
    h('button', { type: 'submit' }, 'Sign in'),
    status.oidc ? h('p', {}, h('a', { href: '/auth/oidc/login', class: 'button secondary' }, 'Sign in with single sign-on')) : null);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    fill(out);
    try {
      await login(email.value.trim(), password.value);
      await onSignedIn();
    } catch (e) {
      showFieldError(form, e.status === 429 ? e : { message: e.status === 401 ? 'Wrong email or password.' : e.message }, out);
    }
  });
  return form;
}

function keyForm(onSignedIn, open) {
  const key = input({ type: 'password', name: 'key', autocomplete: 'off', placeholder: 'mh-…', required: true });
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form', {},
    field('API key', key, { hint: 'Kept only in this browser tab. The admin key is printed when the hub first starts and saved in data/admin.key.' }),
    out, h('button', { type: 'submit', class: 'secondary' }, 'Use API key'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    fill(out);
    session.set(null, key.value.trim());
    try {
      await onSignedIn();
    } catch (e) {
      session.clear();
      fill(out, errorBox(e.status === 401 ? { message: 'The hub does not accept this key (unknown, revoked or expired).' } : e));
    }
  });
  if (open) return h('div', { class: 'card' }, form);
  return h('details', { class: 'card' }, h('summary', {}, 'Sign in with an API key instead'), form);
}

function firstRun(onSignedIn) {
  const adminKey = input({ type: 'password', name: 'admin_key', autocomplete: 'off', placeholder: 'mh-…', required: true });
  const name = input({ name: 'name', autocomplete: 'name', required: true });
  const email = input({ type: 'email', name: 'email', autocomplete: 'username', required: true });
  const password = input({ type: 'password', name: 'password', autocomplete: 'new-password', minlength: '12', required: true });
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card' },
    field('Admin API key', adminKey, { name: 'admin_key', hint: 'Printed once when the hub first started, and saved in <data dir>/admin.key.' }),
    field('Name', name, { name: 'name' }),
    field('Email', email, { name: 'email' }),
    field('Password', password, { name: 'password', hint: 'At least 12 characters.' }),
    out,
    h('button', { type: 'submit' }, 'Create admin account'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    fill(out);
    try {
      const res = await fetch('/v1/users', {
        method: 'POST',
        headers: { Authorization: `Bearer ${adminKey.value.trim()}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: email.value.trim(), name: name.value.trim(), password: password.value, role: 'admin' }),
      });
      if (!res.ok) {
        const body = await res.json().catch(() => null);
        const err = new ApiError(res.status, body);
        if (res.status === 401) { err.param = 'admin_key'; err.message = 'The hub does not accept this admin key.'; }
        if (res.status === 403) { err.param = 'admin_key'; err.message = 'This key is not an admin key.'; }
        throw err;
      }
      await login(email.value.trim(), password.value);
      await onSignedIn();
    } catch (e) {
      showFieldError(form, e, out);
    }
  });
  return h('div', { class: 'narrow' },
    h('h1', {}, 'Welcome to ModelHub'),
    h('p', {}, 'No one has an account yet. Create the first admin account with the hub\'s admin API key.'),
    form);
}

export { api };
