// Pipelines: the list; create and edit (errors at the field the API names); test with a step trace;
// deploy, copy the endpoint, retire; metrics over time with test calls kept apart from production.
import { h, fill, field, input, select, table, copyButton, confirmDialog, showFieldError, errorBox, fmtTime, fmtUsd, fmtNum } from '../dom.js';
import { get, post, patch, del } from '../api.js';
import { lineChart } from '../charts.js';

export async function render(main, params) {
  if (params[0] === 'new') return renderEditor(main, null);
  if (params[0]) return renderPipeline(main, params[0]);
  const list = (await get('/v1/pipelines')).data || [];
  fill(main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Pipelines'), h('a', { class: 'button', href: '#/pipelines/new' }, 'Create pipeline')),
    h('p', { class: 'muted' }, 'A pipeline is a saved recipe of one or more model calls, each prompt a template over the inputs and earlier steps. Test it, then deploy a version to get an endpoint.'),
    table([
      { label: 'Name', value: (p) => h('a', { href: `#/pipelines/${encodeURIComponent(p.id)}` }, p.name || p.id) },
      { label: 'Model', value: (p) => h('code', {}, p.model || '—') },
      { label: 'Steps', value: (p) => String((p.steps || []).length) },
      { label: 'Version', value: (p) => String(p.latest_version || p.version) },
      { label: 'Status', value: (p) => h('span', { class: `badge ${p.status === 'deployed' ? 'healthy' : 'unknown'}` }, p.status) },
      { label: 'Updated', value: (p) => fmtTime(p.updated_at) },
    ], list, { empty: 'No pipelines yet.', caption: 'Pipelines' }));
}

function inputNames(p) {
  if (!p || !p.inputs) return [];
  return Array.isArray(p.inputs) ? p.inputs : Object.keys(p.inputs);
}

async function renderEditor(main, pipeline) {
  const models = ((await get('/v1/models')).data || []).map((m) => m.id);
  const name = input({ name: 'name', required: true, value: pipeline ? pipeline.name : '' });
  const description = input({ name: 'description', value: pipeline ? pipeline.description || '' : '' });
  const model = select(models, { name: 'model' });
  if (pipeline && pipeline.model) model.value = pipeline.model;
  const instructions = h('textarea', { name: 'instructions', rows: '2' });
  instructions.value = pipeline ? pipeline.instructions || '' : '';
  const inputs = input({ name: 'inputs', value: inputNames(pipeline).join(', '), placeholder: 'question' });
  const temperature = input({ type: 'number', name: 'temperature', min: '0', max: '2', step: '0.1',
    value: pipeline && pipeline.temperature !== null && pipeline.temperature !== undefined ? String(pipeline.temperature) : '' });
  const requireTest = h('input', { type: 'checkbox', id: 'requires-test', checked: pipeline ? pipeline.requires_passing_test : false });
  const stepsEl = h('div', { class: 'steps' });
  const addStep = (step) => {
    const i = stepsEl.children.length;
    const id = input({ value: step ? step.id : `step${i + 1}` });
    const stepModel = select(['', ...models].map((m) => ({ value: m, label: m || 'the pipeline\'s model' })));
    if (step && step.model) stepModel.value = step.model;
    const prompt = h('textarea', { rows: '3' });
    prompt.value = step ? step.prompt || '' : (i === 0 ? 'Answer: {{input.question}}' : `Improve: {{steps.${stepsEl.lastElementChild ? stepsEl.lastElementChild.querySelector('input').value : 'step1'}.output}}`);
    const remove = h('button', { type: 'button', class: 'secondary small' }, 'Remove step');
    const box = h('fieldset', { class: 'step' }, h('legend', {}, `Step ${i + 1}`),
      h('div', { class: 'grid' }, field(`Step ${i + 1} id`, id, { name: `steps[${i}].id` }), field(`Step ${i + 1} model`, stepModel, { name: `steps[${i}].model` })),
      field(`Step ${i + 1} prompt`, prompt, { name: `steps[${i}].prompt`, hint: 'Template: {{input.NAME}} for an input, {{steps.ID.output}} for an earlier step\'s output.' }),
      remove);
    remove.addEventListener('click', () => { box.remove(); renumber(); });
    stepsEl.appendChild(box);
  };
  // After a step is removed, labels and error slots follow the positions the API will name (steps[i]).
  const renumber = () => [...stepsEl.children].forEach((box, i) => {
    box.querySelector('legend').textContent = `Step ${i + 1}`;
    const [idLabel, modelLabel, promptLabel] = box.querySelectorAll('label');
    idLabel.textContent = `Step ${i + 1} id`;
    modelLabel.textContent = `Step ${i + 1} model`;
    promptLabel.textContent = `Step ${i + 1} prompt`;
    const [idErr, modelErr, promptErr] = box.querySelectorAll('.field-error');
    idErr.dataset.errorFor = `steps[${i}].id`;
    modelErr.dataset.errorFor = `steps[${i}].model`;
    promptErr.dataset.errorFor = `steps[${i}].prompt`;
  });
  for (const s of (pipeline && pipeline.steps) || [null]) addStep(s);
  const out = h('div', {});
  const form = h('form', { class: 'card', 'aria-label': pipeline ? 'Edit pipeline' : 'New pipeline' },
    h('div', { class: 'grid' }, field('Name', name, { name: 'name' }), field('Model', model, { name: 'model' }),
      field('Description', description, { name: 'description' }),
      field('Inputs', inputs, { name: 'inputs', hint: 'Comma-separated input names, e.g. question, context.' }),
      field('Temperature', temperature, { name: 'temperature', hint: 'Optional.' })),
    field('Instructions', instructions, { name: 'instructions', hint: 'Optional system message for every step.' }),
    h('div', { class: 'choice' }, requireTest, h('label', { for: 'requires-test' }, 'Require a passing test before a deployment')),
    h('h2', {}, 'Steps'), stepsEl, h('div', { class: 'field-error', role: 'alert', 'data-error-for': 'steps' }),
    h('button', { type: 'button', class: 'secondary small', onclick: () => addStep(null) }, 'Add step'),
    out,
    h('div', { class: 'row' }, h('button', { type: 'submit' }, pipeline ? 'Save new version' : 'Create pipeline'),
      h('a', { class: 'button secondary', href: pipeline ? `#/pipelines/${encodeURIComponent(pipeline.id)}` : '#/pipelines' }, 'Cancel')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = {
      name: name.value.trim(), description: description.value.trim() || null, model: model.value,
      instructions: instructions.value.trim() || null, requires_passing_test: requireTest.checked,
      steps: [...stepsEl.children].map((box) => {
        const [id, prompt] = [box.querySelector('input'), box.querySelector('textarea')];
        const m = box.querySelector('select').value;
        return Object.assign({ id: id.value.trim(), prompt: prompt.value }, m ? { model: m } : {});
      }),
    };
    const names = inputs.value.split(',').map((s) => s.trim()).filter(Boolean);
    if (names.length) body.inputs = names;
    body.temperature = temperature.value === '' ? null : Number(temperature.value);
    if (!pipeline) {
      if (body.description === null) delete body.description;
      if (body.instructions === null) delete body.instructions;
      if (body.temperature === null) delete body.temperature;
    }
    try {
      const saved = pipeline ? await patch(`/v1/pipelines/${encodeURIComponent(pipeline.id)}`, body) : await post('/v1/pipelines', body);
      location.hash = `#/pipelines/${encodeURIComponent(saved.id)}`;
    } catch (e) {
      showFieldError(form, e, out);
    }
  });
  fill(main, h('p', {}, h('a', { href: '#/pipelines' }, '← Pipelines')),
    h('h1', {}, pipeline ? `Edit ${pipeline.name}` : 'New pipeline'), form);
  name.focus();
}

async function renderPipeline(main, id, editing) {
  const p = await get(`/v1/pipelines/${encodeURIComponent(id)}`);
  if (editing) return renderEditor(main, p);
  const edit = h('button', { type: 'button', class: 'secondary' }, 'Edit');
  edit.addEventListener('click', () => renderEditor(main, p));
  const remove = h('button', { type: 'button', class: 'danger' }, 'Delete pipeline');
  remove.addEventListener('click', async () => {
    if (!(await confirmDialog(`Delete the pipeline "${p.name}"? Its deployments stop answering.`, 'Delete'))) return;
    await del(`/v1/pipelines/${encodeURIComponent(p.id)}`);
    location.hash = '#/pipelines';
  });
  const deployments = h('div', {});
  const metrics = h('div', {});
  const reloadDeployments = async () => fill(deployments, deploymentsTable(p, await get(`/v1/pipelines/${encodeURIComponent(p.id)}/deployments`), reloadDeployments));
  fill(main,
    h('p', {}, h('a', { href: '#/pipelines' }, '← Pipelines')),
    h('div', { class: 'page-head' }, h('h1', {}, p.name), h('div', { class: 'row' }, edit, remove)),
    h('p', {}, h('code', {}, p.id), ` · version ${p.latest_version || p.version} · ${p.status}`, p.test_passed ? ' · last test passed' : ''),
    p.description ? h('p', {}, p.description) : null,
    h('section', { class: 'card', 'aria-label': 'Steps' }, h('h2', {}, 'Steps'),
      h('ol', {}, (p.steps || []).map((s) => h('li', {}, h('strong', {}, s.id), ` (${s.model || p.model}): `, h('code', {}, s.prompt || ''))))),
    testSection(p, () => refreshMetrics()),
    deploySection(p, reloadDeployments),
    h('section', { class: 'card', 'aria-label': 'Deployments' }, h('h2', {}, 'Deployments'), deployments),
    h('section', { class: 'card', 'aria-label': 'Metrics' }, h('h2', {}, 'Metrics'), metrics));
  const refreshMetrics = () => renderMetrics(metrics, p).catch((e) => fill(metrics, errorBox(e)));
  await Promise.all([reloadDeployments(), refreshMetrics()]);
}

function testSection(p, after) {
  const fields = inputNames(p).map((n) => {
    const spec = (p.inputs && !Array.isArray(p.inputs) && p.inputs[n]) || {};
    const el = h('textarea', { rows: '2', name: n });
    if (spec.default !== undefined) el.value = String(spec.default);
    return { n, el, node: field(n, el, { name: `inputs.${n}`, hint: spec.description || (spec.required ? 'Required.' : 'Optional.') }) };
  });
  const out = h('div', {});
  const result = h('div', { 'aria-live': 'polite' });
  const form = h('form', { 'aria-label': 'Test the pipeline' }, fields.map((f) => f.node), out,
    h('button', { type: 'submit' }, 'Run test'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    fill(out);
    fill(result, h('p', { class: 'muted' }, 'Running…'));
    const inputs = {};
    for (const f of fields) if (f.el.value !== '') inputs[f.n] = f.el.value;
    try {
      const run = await post(`/v1/pipelines/${encodeURIComponent(p.id)}/test`, { inputs });
      fill(result,
        h('h3', {}, 'Output'), h('pre', { class: 'output' }, run.output ?? ''),
        h('p', { class: 'muted' }, `${fmtNum(run.usage && run.usage.total_tokens)} tokens · ${fmtUsd(run.usage && run.usage.cost_usd)} · ${fmtNum(run.latency_ms)} ms`),
        table([
          { label: 'Step', value: (s) => s.id },
          { label: 'Model', value: (s) => h('code', {}, s.model) },
          { label: 'Provider', value: (s) => s.provider || '—' },
          { label: 'Attempts', value: (s) => String(s.attempts ?? '—') },
          { label: 'Output', value: (s) => h('div', { class: 'pre' }, s.output ?? '') },
          { label: 'Tokens', value: (s) => `${fmtNum(s.prompt_tokens)} + ${fmtNum(s.completion_tokens)}` },
          { label: 'Cost', value: (s) => fmtUsd(s.cost_usd) },
          { label: 'Latency', value: (s) => `${fmtNum(s.latency_ms)} ms` },
        ], run.steps || [], { caption: 'Trace of every step' }));
      after();
    } catch (e) {
      fill(result);
      showFieldError(form, e, out);
    }
  });
  return h('section', { class: 'card', 'aria-label': 'Test' }, h('h2', {}, 'Test'),
    h('p', { class: 'muted' }, 'Runs the latest version; counted apart from production calls.'), form, result);
}

function deploySection(p, reload) {
  const version = input({ type: 'number', min: '1', step: '1', value: String(p.latest_version || p.version), name: 'version' });
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form', { 'aria-label': 'Deploy' }, field('Version to deploy', version, { name: 'version' }), h('button', { type: 'submit' }, 'Deploy'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    fill(out);
    try {
      const d = await post(`/v1/pipelines/${encodeURIComponent(p.id)}/deploy`, { version: Number(version.value) });
      fill(out, h('div', { class: 'notice success' }, `Version ${d.version} deployed. Endpoint: `, h('code', { 'data-endpoint': '' }, d.endpoint), ' ',
        copyButton(d.endpoint, 'Copy endpoint'),
        h('p', { class: 'muted' }, 'Call it with POST <endpoint>/invoke {"inputs": {...}}, or use <endpoint> as the base URL of an OpenAI SDK.')));
      reload();
    } catch (e) {
      showFieldError(form, e, out);
    }
  });
  return h('section', { class: 'card', 'aria-label': 'Deploy' }, h('h2', {}, 'Deploy'), form, out);
}

function deploymentsTable(p, list, reload) {
  return table([
    { label: 'Deployment', value: (d) => h('code', {}, d.deployment_id || d.id) },
    { label: 'Version', value: (d) => String(d.version) },
    { label: 'Status', value: (d) => d.status },
    { label: 'Endpoint', value: (d) => h('span', {}, h('code', {}, d.endpoint), ' ', copyButton(d.endpoint, 'Copy endpoint')) },
    { label: 'Created', value: (d) => fmtTime(d.created_at) },
    {
      label: 'Retire', value: (d) => (d.status !== 'active' ? '—' : h('button', { type: 'button', class: 'danger small', 'aria-label': `Retire ${d.deployment_id}`,
        onclick: async () => {
          if (!(await confirmDialog(`Retire deployment ${d.deployment_id}? Its endpoint stops answering.`, 'Retire'))) return;
          await del(`/v1/deployments/${encodeURIComponent(d.deployment_id)}`);
          reload();
        } }, 'Retire')),
    },
  ], (list && list.data) || [], { empty: 'Not deployed yet.', caption: 'Deployments' });
}

async function renderMetrics(el, p) {
  const range = select([{ value: '24h', label: 'Last 24 hours (per hour)' }, { value: '7d', label: 'Last 7 days (per day)' }, { value: '30d', label: 'Last 30 days (per day)' }]);
  const body = h('div', {});
  const draw = async () => {
    const now = Date.now();
    const [span, interval] = { '24h': [864e5, 'hour'], '7d': [7 * 864e5, 'day'], '30d': [30 * 864e5, 'day'] }[range.value];
    const from = new Date(now - span).toISOString();
    const m = await get(`/v1/pipelines/${encodeURIComponent(p.id)}/metrics?interval=${interval}&from=${encodeURIComponent(from)}`);
    const series = m.series || [];
    const xs = series.map((s) => s.timestamp);
    const t = m.totals || {};
    const tests = m.tests || {};
    fill(body,
      h('dl', { class: 'facts' },
        h('dt', {}, 'Production calls'), h('dd', {}, `${fmtNum(t.calls)} (${fmtNum(t.errors)} errors)`),
        h('dt', {}, 'Test calls'), h('dd', {}, fmtNum(tests.calls ?? t.test_calls)),
        h('dt', {}, 'Tokens'), h('dd', {}, fmtNum(t.total_tokens)),
        h('dt', {}, 'Cost'), h('dd', {}, fmtUsd(t.cost_usd)),
        h('dt', {}, 'Latency p50 / p95'), h('dd', {}, t.latency_ms ? `${fmtNum(t.latency_ms.p50)} / ${fmtNum(t.latency_ms.p95)} ms` : '—')),
      h('div', { class: 'charts' },
        lineChart('Calls', xs, [{ label: 'production', values: series.map((s) => s.calls) }, { label: 'errors', values: series.map((s) => s.errors) },
          { label: 'tests', values: series.map((s) => s.test_calls) }]),
        lineChart('Tokens', xs, [{ label: 'tokens', values: series.map((s) => s.total_tokens) }]),
        lineChart('Cost (USD)', xs, [{ label: 'cost', values: series.map((s) => s.cost_usd) }]),
        lineChart('Latency (ms)', xs, [{ label: 'p50', values: series.map((s) => (s.latency_ms || {}).p50) },
          { label: 'p95', values: series.map((s) => (s.latency_ms || {}).p95) }])));
  };
  range.addEventListener('change', () => draw().catch((e) => fill(body, errorBox(e))));
  fill(el, field('Range', range), body);
  await draw();
}
