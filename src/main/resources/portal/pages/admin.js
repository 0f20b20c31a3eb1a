// Admin: users (create, role, disable, reset password, delete) and every key. The API decides who may;
// the page is shown to admins only.
import { h, fill, field, input, select, table, confirmDialog, showFieldError, errorBox, fmtTime } from '../dom.js';
import { session, get, post, patch, del } from '../api.js';
import { keysTable, ownerNames } from './keys.js';

export async function render(main) {
  const usersEl = h('div', {});
  const keysEl = h('div', {});
  const flash = h('div', { 'aria-live': 'polite' });
  const formEl = h('div', {});
  const newUser = h('button', { type: 'button' }, 'Create user');
  fill(main, h('h1', {}, 'Admin'), flash,
    h('section', { 'aria-label': 'Users' }, h('div', { class: 'page-head' }, h('h2', {}, 'Users'), newUser), formEl, usersEl),
    h('section', { 'aria-label': 'All API keys' }, h('h2', {}, 'All API keys'), keysEl));

  const act = async (f) => {
    fill(flash);
    try { await f(); } catch (e) { fill(flash, errorBox(e)); }
    await reload();
  };
  const reload = async () => {
    let users = [];
    try {
      users = (await get('/v1/users')).data || [];
    } catch (e) {
      fill(usersEl, errorBox(e));
    }
    if (users.length) {
      fill(usersEl, table([
        { label: 'Email', value: (u) => u.email },
        { label: 'Name', value: (u) => u.name },
        {
          label: 'Role', value: (u) => {
            const s = select(['member', 'admin'], { 'aria-label': `Role of ${u.email}` });
            s.value = u.role;
            s.addEventListener('change', () => act(() => patch(`/v1/users/${encodeURIComponent(u.id)}`, { role: s.value })));
            return s;
          },
        },
        { label: 'Status', value: (u) => h('span', { class: `badge ${u.disabled ? 'down' : 'healthy'}` }, u.disabled ? 'disabled' : 'active') },
        { label: 'Created', value: (u) => fmtTime(u.created_at) },
        { label: 'Last sign-in', value: (u) => fmtTime(u.last_login_at) },
        {
          label: 'Actions', value: (u) => h('div', { class: 'row' },
            h('button', { type: 'button', class: 'secondary small', 'aria-label': `${u.disabled ? 'Enable' : 'Disable'} ${u.email}`,
              onclick: () => act(async () => {
                if (!u.disabled && !(await confirmDialog(`Disable ${u.email}? Their sessions and keys stop working at once.`, 'Disable'))) return;
                await patch(`/v1/users/${encodeURIComponent(u.id)}`, { disabled: !u.disabled });
              }) }, u.disabled ? 'Enable' : 'Disable'),
            h('button', { type: 'button', class: 'secondary small', 'aria-label': `Reset password of ${u.email}`,
              onclick: () => resetPassword(u, flash) }, 'Reset password'),
            (session.me.user && session.me.user.id === u.id) ? null
              : h('button', { type: 'button', class: 'danger small', 'aria-label': `Delete ${u.email}`,
                onclick: () => act(async () => {
                  if (!(await confirmDialog(`Delete ${u.email}? Their keys are revoked.`, 'Delete'))) return;
                  await del(`/v1/users/${encodeURIComponent(u.id)}`);
                }) }, 'Delete')),
        },
      ], users, { caption: 'Users' }));
    }
    const [keys, names] = await Promise.all([get('/v1/keys'), ownerNames()]);
    fill(keysEl, keysTable(keys.data || [], names, reload));
  };
  newUser.addEventListener('click', () => {
    fill(formEl, userForm(async () => { fill(formEl); await reload(); }, () => fill(formEl)));
    formEl.querySelector('input').focus();
  });
  await reload();
}

function userForm(onDone, onCancel) {
  const email = input({ type: 'email', name: 'email', required: true, autocomplete: 'off' });
  const name = input({ name: 'name', required: true, autocomplete: 'off' });
  const password = input({ type: 'password', name: 'password', required: true, minlength: '12', autocomplete: 'new-password' });
  const role = select(['member', 'admin'], { name: 'role' });
  const out = h('div', {});
  const form = h('form', { class: 'card', 'aria-label': 'New user' }, h('h3', {}, 'New user'),
    h('div', { class: 'grid' }, field('Email', email, { name: 'email' }), field('Name', name, { name: 'name' }),
      field('Password', password, { name: 'password', hint: 'At least 12 characters. Tell the user; they can sign in at once.' }),
      field('Role', role, { name: 'role', hint: 'Members manage their own keys and pipelines; admins manage everything.' })),
    out, h('div', { class: 'row' }, h('button', { type: 'submit' }, 'Create user'),
      h('button', { type: 'button', class: 'secondary', onclick: onCancel }, 'Cancel')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await post('/v1/users', { email: email.value.trim(), name: name.value.trim(), password: password.value, role: role.value });
      await onDone();
    } catch (e) {
      showFieldError(form, e, out);
    }
  });
  return form;
}

function resetPassword(u, flash) {
  const password = input({ type: 'password', name: 'password', minlength: '12', autocomplete: 'new-password', required: true });
  const out = h('div', {});
  const dlg = h('dialog', { class: 'dialog', 'aria-label': `Reset password of ${u.email}` });
  const form = h('form', {}, h('h3', {}, `New password for ${u.email}`), field('New password', password, { name: 'password', hint: 'At least 12 characters.' }), out,
    h('div', { class: 'row end' }, h('button', { type: 'button', class: 'secondary', onclick: () => { dlg.close(); dlg.remove(); } }, 'Cancel'),
      h('button', { type: 'submit' }, 'Set password')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await patch(`/v1/users/${encodeURIComponent(u.id)}`, { password: password.value });
      dlg.close();
      dlg.remove();
      fill(flash, h('div', { class: 'notice success' }, `Password of ${u.email} changed.`));
    } catch (e) {
      showFieldError(form, e, out);
    }
  });
  dlg.append(form);
  document.body.appendChild(dlg);
  dlg.showModal();
  password.focus();
}
