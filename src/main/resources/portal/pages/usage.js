// Usage: calls, tokens and cost over a chosen range, per hour or day, by model, provider, key, pipeline
// (and user, for admins): charts, a table under them, and the same rows as CSV.
import { h, fill, field, input, select, table, errorBox, fmtUsd, fmtNum } from '../dom.js';
import { session, get } from '../api.js';
import { lineChart } from '../charts.js';

const METRICS = [
  { key: 'calls', label: 'Calls' },
  { key: 'total_tokens', label: 'Tokens' },
  { key: 'cost_usd', label: 'Cost (USD)' },
];

export async function render(main) {
  const range = select([
    { value: '1', label: 'Last 24 hours' }, { value: '7', label: 'Last 7 days' }, { value: '30', label: 'Last 30 days' },
    { value: 'custom', label: 'Custom dates' }]);
  const from = input({ type: 'date', name: 'from' });
  const to = input({ type: 'date', name: 'to' });
  const interval = select([{ value: 'hour', label: 'per hour' }, { value: 'day', label: 'per day' }], { name: 'interval' });
  const groups = [['model', 'Model'], ['provider', 'Provider'], ['key', 'API key'], ['pipeline', 'Pipeline']];
  if (session.me.admin) groups.push(['user', 'User']);
  const groupBy = select(groups.map(([value, label]) => ({ value, label })), { name: 'group_by' });
  const custom = h('div', { class: 'grid', hidden: true }, field('From', from, { name: 'from' }), field('To', to, { name: 'to' }));
  const out = h('div', {});
  const body = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'filters', 'aria-label': 'Usage range' },
    field('Range', range), field('Interval', interval, { name: 'interval' }), field('Group by', groupBy, { name: 'group_by' }), custom);

  const query = () => {
    const qs = new URLSearchParams({ group_by: groupBy.value, interval: interval.value });
    if (range.value === 'custom') {
      if (from.value) qs.set('from', from.value);
      if (to.value) qs.set('to', to.value);
    } else {
      const now = new Date();
      qs.set('from', new Date(now.getTime() - Number(range.value) * 864e5).toISOString());
    }
    return qs;
  };
  const draw = async () => {
    fill(out);
    let u;
    try {
      u = await get(`/v1/usage?${query()}`);
    } catch (e) {
      fill(body);
      fill(out, errorBox(e));
      return;
    }
    const step = interval.value === 'hour' ? 3600 : 86400;
    const start = Math.floor(Date.parse(u.from) / 1000 / step) * step;
    const end = Date.parse(u.to) / 1000;
    const xs = [];
    for (let t = start; t < end; t += step) xs.push(t);
    const names = [...new Set((u.data || []).map((r) => r.group))];
    const index = new Map(xs.map((x, i) => [x, i]));
    const charts = METRICS.map((m) => {
      const series = names.map((g) => {
        const values = xs.map(() => 0);
        for (const p of u.series || []) {
          if (p.group !== g) continue;
          const i = index.get(Date.parse(p.start) / 1000);
          if (i !== undefined) values[i] += p[m.key];
        }
        return { label: g === null ? '(none)' : g, values };
      });
      return lineChart(m.label, (u.series || []).length ? xs : [], series);
    });
    const rows = u.data || [];
    fill(body,
      h('dl', { class: 'facts' },
        h('dt', {}, 'Calls'), h('dd', { 'data-total': 'calls' }, `${fmtNum(u.total.calls)} (${fmtNum(u.total.errors)} errors)`),
        h('dt', {}, 'Tokens'), h('dd', { 'data-total': 'tokens' }, fmtNum(u.total.total_tokens)),
        h('dt', {}, 'Cost'), h('dd', { 'data-total': 'cost' }, fmtUsd(u.total.cost_usd))),
      h('div', { class: 'charts' }, charts),
      h('div', { class: 'page-head' }, h('h2', {}, `By ${groupBy.selectedOptions[0].textContent.toLowerCase()}`), csvLink(u, groupBy.value)),
      table([
        { label: groupBy.selectedOptions[0].textContent, value: (r) => (r.group === null ? '(none)' : r.group) },
        { label: 'Calls', value: (r) => fmtNum(r.calls) },
        { label: 'Errors', value: (r) => fmtNum(r.errors) },
        { label: 'Prompt tokens', value: (r) => fmtNum(r.prompt_tokens) },
        { label: 'Completion tokens', value: (r) => fmtNum(r.completion_tokens) },
        { label: 'Total tokens', value: (r) => fmtNum(r.total_tokens) },
        { label: 'Cost', value: (r) => fmtUsd(r.cost_usd) },
      ], rows, { empty: 'No calls in this range.', caption: 'Usage per group' }));
  };
  form.addEventListener('change', () => {
    custom.hidden = range.value !== 'custom';
    if (range.value === '30' && interval.value === 'hour') interval.value = 'day';
    draw();
  });
  form.addEventListener('submit', (ev) => { ev.preventDefault(); draw(); });
  fill(main, h('h1', {}, 'Usage'),
    h('p', { class: 'muted' }, session.me.admin ? 'Every key\'s usage.' : 'Your own usage.'), form, out, body);
  await draw();
}

/** The table's rows as a CSV file, built here from the answer (no second request). */
function csvLink(u, groupBy) {
  const cols = ['group', 'calls', 'errors', 'prompt_tokens', 'completion_tokens', 'total_tokens', 'cost_usd'];
  const cell = (v) => {
    const s = v === null || v === undefined ? '' : String(v);
    // Quote, and defuse a leading formula character so a spreadsheet does not evaluate a group name.
    const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
    return /[",\n\r]/.test(safe) || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const lines = [[groupBy, ...cols.slice(1)].join(',')].concat((u.data || []).map((r) => cols.map((c) => cell(r[c])).join(',')));
  const blob = new Blob([lines.join('\r\n') + '\r\n'], { type: 'text/csv' });
  const day = (s) => String(s).slice(0, 10);
  return h('a', { class: 'button secondary', href: URL.createObjectURL(blob), download: `modelhub-usage-${groupBy}-${day(u.from)}-${day(u.to)}.csv` },
    'Download CSV');
}
