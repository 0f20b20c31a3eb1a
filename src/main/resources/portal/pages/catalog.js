// Catalog: models with search and filters, providers with their measured status, and one model's offerings.
import { h, fill, field, input, select, table, tabs, codeBlock, fmtNum } from '../dom.js';
import { get, modelPath } from '../api.js';

const CAPABILITIES = ['tools', 'vision', 'json_mode', 'streaming'];

export function statusBadge(status) {
  return h('span', { class: `badge ${status || 'unknown'}` }, status || 'unknown');
}

function price(p) {
  if (!p) return '—';
  return `$${p.input_per_mtok} in / $${p.output_per_mtok} out per 1M tokens`;
}

export async function render(main, params) {
  if (params.length && params[0]) return renderModel(main, params[0]);
  const providers = (await get('/v1/providers')).data || [];
  const q = input({ type: 'search', name: 'q', placeholder: 'id or name' });
  const provider = select([{ value: '', label: 'any' }, ...providers.map((p) => ({ value: p.id, label: p.name || p.id }))], { name: 'provider' });
  const capability = select([{ value: '', label: 'any' }, ...CAPABILITIES], { name: 'capability' });
  const maxPrice = input({ type: 'number', name: 'max_input_price', min: '0', step: '0.01', inputmode: 'decimal' });
  const minContext = input({ type: 'number', name: 'min_context', min: '0', step: '1024', inputmode: 'numeric' });
  const results = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter models' },
    field('Search models', q), field('Provider', provider), field('Capability', capability),
    field('Max input price ($/1M tokens)', maxPrice), field('Min context (tokens)', minContext));

  const load = async () => {
    const qs = new URLSearchParams();
    if (q.value.trim()) qs.set('q', q.value.trim());
    if (provider.value) qs.set('provider', provider.value);
    if (capability.value) qs.set('capability', capability.value);
    if (maxPrice.value) qs.set('max_input_price', maxPrice.value);
    if (minContext.value) qs.set('min_context', minContext.value);
    const models = (await get(`/v1/models?${qs}`)).data || [];
    fill(results, table([
      { label: 'Model', value: (m) => h('a', { href: `#/catalog/${encodeURIComponent(m.id)}` }, m.name || m.id) },
      { label: 'ID', value: (m) => h('code', {}, m.id) },
      { label: 'Context', value: (m) => fmtNum(m.context_length) },
      { label: 'Capabilities', value: (m) => (m.capabilities || []).join(', ') || '—' },
      { label: 'Providers', value: (m) => (m.providers || []).join(', ') },
    ], models, { empty: 'No model matches these filters.', caption: `${models.length} model${models.length === 1 ? '' : 's'}` }));
  };
  let timer = null;
  form.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => load().catch(showErr), 200); });
  form.addEventListener('submit', (ev) => { ev.preventDefault(); load().catch(showErr); });
  const showErr = (e) => fill(results, h('div', { class: 'notice error', role: 'alert' }, e.message));

  fill(main, h('h1', {}, 'Catalog'), form, results,
    h('h2', {}, 'Providers'),
    table([
      { label: 'Provider', value: (p) => p.name || p.id },
      { label: 'ID', value: (p) => h('code', {}, p.id) },
      { label: 'Kind', value: (p) => p.kind },
      { label: 'Status', value: (p) => statusBadge(p.status) },
      { label: 'Models', value: (p) => fmtNum(p.models) },
    ], providers, { empty: 'No provider is configured.', caption: 'Providers, with the status the hub has measured' }));
  await load();
}

async function renderModel(main, id) {
  const model = await get(`/v1/models/${modelPath(id)}`);
  const offerings = (await get(`/v1/models/${modelPath(id)}/providers`)).data || [];
  const full = await Promise.all(offerings.map((o) => get(`/v1/models/${modelPath(id)}/providers/${encodeURIComponent(o.provider)}`)));
  fill(main,
    h('p', {}, h('a', { href: '#/catalog' }, '← Catalog')),
    h('div', { class: 'page-head' }, h('h1', {}, model.name || model.id),
      h('a', { class: 'button', href: `#/playground/${encodeURIComponent(model.id)}` }, 'Try in playground')),
    h('p', {}, h('code', {}, model.id), ` · context ${fmtNum(model.context_length)} tokens · `,
      (model.capabilities || []).join(', ') || 'no listed capabilities'),
    h('h2', {}, `Offerings (${full.length})`),
    full.map((o) => offeringCard(o)));
}

function offeringCard(o) {
  const s = o.stats || {};
  const ranges = Object.entries(o.parameter_ranges || {}).map(([k, r]) => `${k} ${r.min ?? ''}..${r.max ?? ''}`).join(', ');
  const u = o.usage || {};
  const snippets = [['curl', u.curl], ['Python', u.python], ['JavaScript', u.javascript], ['LangChain', u.langchain]]
    .filter(([, code]) => code)
    .map(([label, code]) => ({ label, render: () => codeBlock(code, label) }));
  return h('section', { class: 'card', 'aria-label': `Offering by ${o.provider_name || o.provider}` },
    h('div', { class: 'page-head' }, h('h3', {}, o.provider_name || o.provider), statusBadge(o.status)),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Upstream model'), h('dd', {}, h('code', {}, o.upstream_model || '—')),
      h('dt', {}, 'Price'), h('dd', {}, price(o.pricing)),
      h('dt', {}, 'Context'), h('dd', {}, `${fmtNum(o.context_length)} tokens`),
      h('dt', {}, 'Max output'), h('dd', {}, `${fmtNum(o.max_output_tokens)} tokens`),
      h('dt', {}, 'Parameter ranges'), h('dd', {}, ranges || 'none declared'),
      h('dt', {}, 'Supported parameters'), h('dd', {}, o.supported_parameters ? o.supported_parameters.join(', ') : 'all passed through'),
      h('dt', {}, 'Latency (p50)'), h('dd', {}, s.calls ? `${Math.round(s.p50_latency_ms)} ms` : 'not measured yet'),
      h('dt', {}, 'Success rate'), h('dd', {}, s.calls ? `${(s.success_rate * 100).toFixed(1)}% of ${fmtNum(s.calls)} calls` : 'not measured yet'),
      h('dt', {}, 'Throughput'), h('dd', {}, s.calls ? `${Number(s.tokens_per_second).toFixed(1)} tokens/s` : 'not measured yet')),
    snippets.length ? h('div', {}, h('h4', {}, 'Ready-to-run code'), tabs(snippets)) : null);
}
