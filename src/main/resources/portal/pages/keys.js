// API keys: the caller's keys (an admin's: everyone's), create one (the secret shown once), revoke one.
import { h, fill, field, input, table, copyButton, confirmDialog, showFieldError, errorBox, fmtTime, fmtUsd, fmtNum } from '../dom.js';
import { session, get, post, del } from '../api.js';

export const PERMISSIONS = [
  { scope: 'read', label: 'Read', explain: 'fetch model details and call models' },
  { scope: 'write', label: 'Write', explain: 'Read, plus create and deploy pipelines' },
  { scope: 'admin', label: 'Admin', explain: 'full access: every key, user and all usage', admin: true },
];

/** Owner ids to names, for admins (members only ever see their own keys). */
export async function ownerNames() {
  const names = new Map();
  if (!session.me.admin) return names;
  try {
    const users = await get('/v1/users');
    for (const u of users.data || []) names.set(u.id, u.email);
  } catch { /* a hub without users */ }
  return names;
}

export function ownerLabel(k, names) {
  if (!k.owner) return 'none (hub key)';
  if (session.me.user && k.owner === session.me.user.id) return 'you';
  return names.get(k.owner) || k.owner;
}

export function limitsLabel(k) {
  const parts = [];
  if (k.rpm) parts.push(`${fmtNum(k.rpm)} req/min`);
  if (k.tpm) parts.push(`${fmtNum(k.tpm)} tokens/min`);
  if (k.budget_usd !== null && k.budget_usd !== undefined) parts.push(`budget ${fmtUsd(k.budget_usd)}`);
  if (k.allowed_models && k.allowed_models.length) parts.push(`models: ${k.allowed_models.join(', ')}`);
  return parts.length ? parts.join('; ') : 'none';
}

/** The keys table with a revoke button per live key; `reload` redraws after a revocation. */
export function keysTable(list, names, reload) {
  return table([
    { label: 'Name', value: (k) => h('strong', {}, k.name || '(no name)') },
    { label: 'ID', value: (k) => h('code', {}, k.id) },
    { label: 'Permissions', value: (k) => (k.scopes || []).join(', ') },
    { label: 'Owner', value: (k) => ownerLabel(k, names) },
    { label: 'Created', value: (k) => fmtTime(k.created_at) },
    { label: 'Last used', value: (k) => fmtTime(k.last_used_at) },
    { label: 'Expires', value: (k) => (k.expires_at ? fmtTime(k.expires_at) : 'never') },
    { label: 'Spend', value: (k) => fmtUsd(k.spent_usd) },
    { label: 'Limits', value: (k) => limitsLabel(k) },
    {
      label: 'Status', value: (k) => (k.revoked ? h('span', { class: 'badge down' }, 'revoked')
        : h('button', { type: 'button', class: 'danger small', 'aria-label': `Revoke ${k.name || k.id}`,
          onclick: async () => {
            if (!(await confirmDialog(`Revoke the key "${k.name || k.id}"? Programs using it stop working at once.`, 'Revoke'))) return;
            try { await del(`/v1/keys/${encodeURIComponent(k.id)}`); } catch (e) { alertError(e); }
            reload();
          } }, 'Revoke')),
    },
  ], list, { empty: 'No API keys yet. Create one to call the API.', caption: 'API keys' });
}

function alertError(e) {
  const box = document.getElementById('flash');
  if (box) fill(box, errorBox(e));
}

export async function render(main) {
  const listEl = h('div', {});
  const secretEl = h('div', { 'aria-live': 'polite' });
  const formEl = h('div', {});
  const newButton = h('button', { type: 'button' }, 'Create API key');
  fill(main, h('div', { class: 'page-head' }, h('h1', {}, 'API keys'), newButton),
    h('p', { class: 'muted' }, 'Programs call the hub with an API key: the OpenAI SDKs take it as their api_key, curl as "Authorization: Bearer".'),
    h('div', { id: 'flash' }), secretEl, formEl, listEl);

  const reload = async () => {
    const [keys, names] = await Promise.all([get('/v1/keys'), ownerNames()]);
    const list = (keys.data || []).slice().sort((a, b) => (a.revoked - b.revoked) || String(b.created_at).localeCompare(String(a.created_at)));
    fill(listEl, keysTable(list, names, reload));
  };
  newButton.addEventListener('click', async () => {
    fill(secretEl);
    fill(formEl, await createForm(
      (created) => { fill(formEl); showSecret(secretEl, created); reload(); },
      () => { fill(formEl); newButton.focus(); }));
    formEl.querySelector('input').focus();
  });
  await reload();
}

async function createForm(onCreated, onCancel) {
  const name = input({ name: 'name', required: true, placeholder: 'dev-client' });
  const perms = h('fieldset', { class: 'choices' }, h('legend', {}, 'Permissions'),
    PERMISSIONS.filter((p) => !p.admin || session.me.admin).map((p, i) => {
      const id = `perm-${p.scope}`;
      return h('div', { class: 'choice' },
        h('input', { type: 'radio', name: 'scope', id, value: p.scope, checked: i === 0 }),
        h('label', { for: id }, h('strong', {}, p.label), ` — ${p.explain}`));
    }),
    h('div', { class: 'field-error', role: 'alert', 'data-error-for': 'scopes' }));
  const expires = input({ type: 'date', name: 'expires_at' });
  let models = [];
  try { models = (await get('/v1/models')).data.map((m) => m.id); } catch { models = []; }
  const allowed = input({ name: 'allowed_models', list: 'model-ids', placeholder: 'all models' });
  const rpm = input({ type: 'number', name: 'rpm', min: '1', step: '1', inputmode: 'numeric' });
  const tpm = input({ type: 'number', name: 'tpm', min: '1', step: '1', inputmode: 'numeric' });
  const budget = input({ type: 'number', name: 'budget_usd', min: '0', step: '0.01', inputmode: 'decimal' });
  const out = h('div', {});
  const form = h('form', { class: 'card', 'aria-label': 'New API key' },
    h('h2', {}, 'New API key'),
    field('Name', name, { name: 'name', hint: 'What the key is for, e.g. dev-client.' }),
    perms,
    h('div', { class: 'grid' },
      field('Expires on', expires, { name: 'expires_at', hint: 'Optional. The key stops working at the end of that day.' }),
      field('Allowed models', allowed, { name: 'allowed_models', hint: 'Optional, comma-separated model ids. Empty: every model.' }),
      field('Requests per minute', rpm, { name: 'rpm', hint: 'Optional limit.' }),
      field('Tokens per minute', tpm, { name: 'tpm', hint: 'Optional limit.' }),
      field('Budget (USD)', budget, { name: 'budget_usd', hint: 'Optional spend cap; over it calls answer 429.' })),
    h('datalist', { id: 'model-ids' }, models.map((m) => h('option', { value: m }))),
    out,
    h('div', { class: 'row' }, h('button', { type: 'submit' }, 'Create key'),
      h('button', { type: 'button', class: 'secondary', onclick: onCancel }, 'Cancel')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { name: name.value.trim(), scopes: [form.querySelector('input[name=scope]:checked').value] };
    if (expires.value) body.expires_at = new Date(`${expires.value}T23:59:59`).toISOString();
    const list = allowed.value.split(',').map((s) => s.trim()).filter(Boolean);
    if (list.length) body.allowed_models = list;
    if (rpm.value) body.rpm = Number(rpm.value);
    if (tpm.value) body.tpm = Number(tpm.value);
    if (budget.value) body.budget_usd = Number(budget.value);
    try {
      onCreated(await post('/v1/keys', body));
    } catch (e) {
      showFieldError(form, e, out);
    }
  });
  return form;
}

/** The secret, once: the API answers it only to the request that created the key. */
function showSecret(el, created) {
  const secret = h('input', { type: 'text', readonly: true, class: 'secret', 'aria-label': 'Your new API key', value: created.key });
  const done = h('button', { type: 'button', class: 'secondary' }, 'Done');
  done.addEventListener('click', () => fill(el));
  fill(el, h('section', { class: 'card success', 'aria-label': 'New API key created' },
    h('h2', {}, `Key "${created.name}" created`),
    h('p', { class: 'warning' }, 'Copy this key now. It will not be shown again: the hub keeps only a hash of it.'),
    h('div', { class: 'row' }, secret, copyButton(created.key, 'Copy key')),
    h('p', { class: 'muted' }, 'Use it as the api_key of an OpenAI SDK with base URL ', h('code', {}, `${location.origin}/v1`), '.'),
    h('div', { class: 'row' }, done, h('a', { class: 'button secondary', href: '#/playground' }, 'Open the playground'),
      h('a', { class: 'button secondary', href: '#/catalog' }, 'Browse models'))));
  secret.focus();
  secret.select();
}
