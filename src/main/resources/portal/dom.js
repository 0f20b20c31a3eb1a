// DOM building without innerHTML: every string from a user, a provider or the API is set as text.

/** h('button', {class: 'x', onclick: f, 'aria-label': 'Copy'}, 'text', childNode, ...) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  // The API is the one place that checks input (no second copy of its rules here): forms always submit,
  // and the API's error is shown at the field it names.
  if (tag === 'form') el.noValidate = true;
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else if (k === 'disabled') el.disabled = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let ids = 0;
/** A unique id for label/field pairs. */
export function uid(prefix) {
  ids += 1;
  return `${prefix || 'f'}-${ids}`;
}

/**
 * A labelled form field. `input` is an element (input, select, textarea); `name` is the API field it edits,
 * so that an API error naming that `param` is shown right under it (see showFieldError).
 */
export function field(label, input, { hint, name } = {}) {
  if (!input.id) input.id = uid('f');
  const hintEl = hint ? h('div', { class: 'hint', id: input.id + '-hint' }, hint) : null;
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  const err = h('div', { class: 'field-error', role: 'alert', 'data-error-for': name || '' });
  if (name) input.dataset.param = name;
  return h('div', { class: 'field' }, h('label', { for: input.id }, label), input, hintEl, err);
}

/** Shows an API error at the field whose `param` it names, else in `fallback`. Returns true if placed at a field. */
export function showFieldError(form, error, fallback) {
  for (const e of form.querySelectorAll('.field-error')) e.textContent = '';
  for (const e of form.querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
  const param = error && error.param;
  if (param) {
    // The most specific field whose name is the param or a prefix of it (steps[1].prompt -> steps[1].prompt, steps).
    const slots = [...form.querySelectorAll('.field-error[data-error-for]')].filter((s) => s.dataset.errorFor);
    const match = slots
      .filter((s) => param === s.dataset.errorFor || param.startsWith(s.dataset.errorFor + '.') || param.startsWith(s.dataset.errorFor + '['))
      .sort((a, b) => b.dataset.errorFor.length - a.dataset.errorFor.length)[0];
    if (match) {
      match.textContent = error.message;
      const input = match.parentElement.querySelector('input, select, textarea');
      if (input) {
        input.setAttribute('aria-invalid', 'true');
        input.focus();
      }
      return true;
    }
  }
  if (fallback) fill(fallback, errorBox(error));
  return false;
}

export function errorBox(error) {
  const msg = error && error.message ? error.message : String(error);
  return h('div', { class: 'notice error', role: 'alert' }, msg);
}

/** A button that copies `text()` (or a string) to the clipboard and says so. */
export function copyButton(text, label = 'Copy') {
  const b = h('button', { type: 'button', class: 'secondary small' }, label);
  b.addEventListener('click', async () => {
    const value = typeof text === 'function' ? text() : text;
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      // No clipboard permission (e.g. plain http on another host): select-and-copy fallback.
      const t = h('textarea', { class: 'offscreen', 'aria-hidden': 'true' });
      t.value = value;
      document.body.appendChild(t);
      t.select();
      try { document.execCommand('copy'); } catch { /* nothing more to try */ }
      t.remove();
    }
    b.textContent = 'Copied';
    setTimeout(() => { b.textContent = label; }, 1500);
  });
  return b;
}

/** A code block with a copy button. */
export function codeBlock(code, label) {
  return h('div', { class: 'code' }, h('div', { class: 'code-head' }, h('span', {}, label || ''), copyButton(code, label ? `Copy ${label}` : 'Copy')),
    h('pre', {}, h('code', {}, code)));
}

/** A table from column specs [{label, value: row => node|string}] and rows. */
export function table(columns, rows, { empty = 'Nothing yet.', caption } = {}) {
  if (!rows.length) return h('p', { class: 'muted' }, empty);
  // Explicit roles: on a phone the rows are restyled as cards, and a CSS display change would otherwise
  // take the table semantics away from screen readers.
  return h('div', { class: 'table-wrap' }, h('table', { role: 'table' },
    caption ? h('caption', {}, caption) : null,
    h('thead', { role: 'rowgroup' }, h('tr', { role: 'row' }, columns.map((c) => h('th', { scope: 'col', role: 'columnheader' }, c.label)))),
    h('tbody', { role: 'rowgroup' }, rows.map((r) => h('tr', { role: 'row' }, columns.map((c) => h('td', { role: 'cell' }, h('span', { class: 'cell-label', 'aria-hidden': 'true' }, c.label), c.value(r))))))));
}

/** Tabs: [{label, render: () => node}] */
export function tabs(list) {
  const body = h('div', { class: 'tab-body' });
  const bar = h('div', { class: 'tabs', role: 'tablist' });
  const buttons = list.map((t, i) => {
    const b = h('button', { type: 'button', role: 'tab', 'aria-selected': i === 0 ? 'true' : 'false' }, t.label);
    b.addEventListener('click', () => {
      buttons.forEach((x) => x.setAttribute('aria-selected', 'false'));
      b.setAttribute('aria-selected', 'true');
      fill(body, t.render());
    });
    return b;
  });
  bar.append(...buttons);
  if (list.length) fill(body, list[0].render());
  return h('div', {}, bar, body);
}

/** Asks for confirmation in a modal dialog; resolves true when confirmed. */
export function confirmDialog(message, confirmLabel) {
  return new Promise((resolve) => {
    const dlg = h('dialog', { class: 'dialog', 'aria-label': 'Confirm' });
    const yes = h('button', { type: 'button', class: 'danger' }, confirmLabel);
    const no = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
    dlg.append(h('p', {}, message), h('div', { class: 'row end' }, no, yes));
    const done = (v) => { dlg.close(); dlg.remove(); resolve(v); };
    yes.addEventListener('click', () => done(true));
    no.addEventListener('click', () => done(false));
    dlg.addEventListener('cancel', (e) => { e.preventDefault(); done(false); });
    document.body.appendChild(dlg);
    dlg.showModal();
    no.focus();
  });
}

export function fmtTime(v) {
  if (v === null || v === undefined || v === '') return '—';
  const d = typeof v === 'number' ? new Date(v < 1e12 ? v * 1000 : v) : new Date(v);
  if (Number.isNaN(d.getTime())) return String(v);
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function fmtUsd(v) {
  if (v === null || v === undefined) return '—';
  const n = Number(v);
  if (n === 0) return '$0';
  return n < 0.01 ? `$${n.toPrecision(2)}` : `$${n.toFixed(2)}`;
}

export function fmtNum(v) {
  if (v === null || v === undefined) return '—';
  return Number(v).toLocaleString();
}

export function input(attrs) {
  return h('input', Object.assign({ type: 'text' }, attrs));
}

export function select(options, attrs) {
  return h('select', attrs || {}, options.map((o) => (typeof o === 'string' ? h('option', { value: o }, o) : h('option', { value: o.value }, o.label))));
}
