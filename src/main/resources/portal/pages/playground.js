// Playground: one chat completion, streamed token by token from /v1/chat/completions (fetch + ReadableStream).
import { h, fill, field, input, select, tabs, codeBlock, showFieldError, errorBox, fmtUsd, fmtNum } from '../dom.js';
import { get, send, ApiError, modelPath } from '../api.js';

const ROLES = ['user', 'assistant', 'system', 'developer'];

export async function render(main, params) {
  const models = (await get('/v1/models')).data || [];
  const model = select(models.map((m) => ({ value: m.id, label: m.name && m.name !== m.id ? `${m.name} (${m.id})` : m.id })), { name: 'model' });
  if (params[0] && models.some((m) => m.id === params[0])) model.value = params[0];
  const provider = select([], { name: 'provider' });
  const syncProviders = () => {
    const m = models.find((x) => x.id === model.value);
    fill(provider, h('option', { value: '' }, 'any (the hub chooses)'), ((m && m.providers) || []).map((p) => h('option', { value: p }, p)));
  };
  model.addEventListener('change', syncProviders);
  syncProviders();
  const system = h('textarea', { name: 'system', rows: '2', placeholder: 'You are a helpful assistant.' });
  const temperature = input({ type: 'number', name: 'temperature', min: '0', max: '2', step: '0.1', inputmode: 'decimal' });
  const maxTokens = input({ type: 'number', name: 'max_tokens', min: '1', step: '1', inputmode: 'numeric' });
  const messagesEl = h('div', { class: 'messages' });
  const addMessage = (role, content) => {
    const n = messagesEl.children.length + 1;
    const roleSel = select(ROLES, { 'aria-label': `Role of message ${n}` });
    roleSel.value = role;
    const text = h('textarea', { rows: '3', 'aria-label': `Message ${n}` });
    text.value = content || '';
    const remove = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Remove message ${n}` }, 'Remove');
    const row = h('div', { class: 'message' }, roleSel, text, remove);
    remove.addEventListener('click', () => row.remove());
    messagesEl.appendChild(row);
    return text;
  };
  addMessage('user', '');

  const answer = h('div', { class: 'answer', 'aria-live': 'polite', 'aria-label': 'Answer' });
  const stats = h('dl', { class: 'facts stats', 'aria-label': 'Call details' });
  const out = h('div', {});
  const code = h('div', {});
  const sendBtn = h('button', { type: 'submit' }, 'Send');
  const stopBtn = h('button', { type: 'button', class: 'secondary', disabled: true }, 'Stop');
  const viewCode = h('button', { type: 'button', class: 'secondary' }, 'View code');
  const keepBtn = h('button', { type: 'button', class: 'secondary', disabled: true }, 'Add answer to conversation');

  const form = h('form', { class: 'card', 'aria-label': 'Chat request' },
    h('div', { class: 'grid' }, field('Model', model, { name: 'model' }), field('Provider', provider, { name: 'provider' }),
      field('Temperature', temperature, { name: 'temperature', hint: 'Optional, usually 0 to 2.' }),
      field('Max tokens', maxTokens, { name: 'max_tokens', hint: 'Optional cap on the answer.' })),
    field('System prompt', system, { name: 'system' }),
    h('fieldset', {}, h('legend', {}, 'Messages'), messagesEl,
      h('div', { class: 'field-error', role: 'alert', 'data-error-for': 'messages' }),
      h('button', { type: 'button', class: 'secondary small', onclick: () => addMessage('user', '').focus() }, 'Add message')),
    out,
    h('div', { class: 'row' }, sendBtn, stopBtn, viewCode));

  const request = () => {
    const messages = [];
    if (system.value.trim()) messages.push({ role: 'system', content: system.value });
    for (const row of messagesEl.children) {
      const [roleSel, text] = row.querySelectorAll('select, textarea');
      if (text.value.trim()) messages.push({ role: roleSel.value, content: text.value });
    }
    const body = { model: model.value, messages, stream: true, stream_options: { include_usage: true } };
    if (temperature.value !== '') body.temperature = Number(temperature.value);
    if (maxTokens.value !== '') body.max_tokens = Number(maxTokens.value);
    return body;
  };

  viewCode.addEventListener('click', () => {
    if (code.childNodes.length) { fill(code); return; }
    const body = request();
    fill(code, h('section', { class: 'card', 'aria-label': 'Code for this request' }, h('h2', {}, 'This request as code'),
      tabs(snippets(body, provider.value).map(([label, text]) => ({ label, render: () => codeBlock(text, label) })))));
  });

  let controller = null;
  let lastAnswer = '';
  keepBtn.addEventListener('click', () => {
    addMessage('assistant', lastAnswer);
    addMessage('user', '').focus();
    keepBtn.disabled = true;
  });
  stopBtn.addEventListener('click', () => controller && controller.abort());

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    fill(out);
    const body = request();
    if (!body.messages.some((m) => m.role !== 'system')) {
      showFieldError(form, { param: 'messages', message: 'Write a message first.' }, out);
      return;
    }
    showFieldError(form, null);
    fill(answer);
    fill(stats);
    sendBtn.disabled = true;
    stopBtn.disabled = false;
    keepBtn.disabled = true;
    controller = new AbortController();
    const started = performance.now();
    let firstToken = null;
    try {
      const res = await send('POST', '/v1/chat/completions', body, provider.value ? { 'x-modelhub-provider': provider.value } : {},
        controller.signal);
      if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null));
      const answered = res.headers.get('x-modelhub-provider');
      const attempts = res.headers.get('x-modelhub-attempts');
      let usage = null;
      let text = '';
      answer.classList.add('streaming');
      for await (const chunk of sse(res)) {
        if (chunk.error) throw new ApiError(500, chunk);
        const delta = chunk.choices && chunk.choices[0] && chunk.choices[0].delta;
        if (delta && delta.content) {
          if (firstToken === null) firstToken = performance.now() - started;
          text += delta.content;
          answer.append(document.createTextNode(delta.content));
        }
        if (chunk.usage) usage = chunk.usage;
      }
      lastAnswer = text;
      keepBtn.disabled = false;
      const total = performance.now() - started;
      const cost = usage && answered ? await costOf(body.model, answered, usage) : null;
      fill(stats,
        h('dt', {}, 'Provider'), h('dd', { 'data-stat': 'provider' }, answered || '—'),
        h('dt', {}, 'Attempts'), h('dd', { 'data-stat': 'attempts' }, attempts || '—'),
        h('dt', {}, 'Tokens'), h('dd', { 'data-stat': 'tokens' }, usage
          ? `${fmtNum(usage.prompt_tokens)} prompt + ${fmtNum(usage.completion_tokens)} completion = ${fmtNum(usage.total_tokens)}` : '—'),
        h('dt', {}, 'Cost'), h('dd', { 'data-stat': 'cost' }, cost === null ? '—' : fmtUsd(cost)),
        h('dt', {}, 'Latency'), h('dd', { 'data-stat': 'latency' },
          `${Math.round(total)} ms${firstToken !== null ? ` (first token after ${Math.round(firstToken)} ms)` : ''}`));
    } catch (e) {
      if (e.name === 'AbortError') fill(out, h('p', { class: 'muted' }, 'Stopped.'));
      else showFieldError(form, e, out);
    } finally {
      answer.classList.remove('streaming');
      sendBtn.disabled = false;
      stopBtn.disabled = true;
      controller = null;
    }
  });

  fill(main, h('h1', {}, 'Playground'),
    h('div', { class: 'split' }, form,
      h('section', { class: 'card', 'aria-label': 'Result' }, h('h2', {}, 'Answer'), answer, stats, h('div', { class: 'row' }, keepBtn))),
    code);
}

/** The data events of an OpenAI SSE stream, as they arrive. */
async function* sse(res) {
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const data = event.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
      if (!data) continue;
      if (data === '[DONE]') return;
      yield JSON.parse(data);
    }
  }
}

async function costOf(model, provider, usage) {
  try {
    const o = await get(`/v1/models/${modelPath(model)}/providers/${encodeURIComponent(provider)}`);
    const p = o.pricing || {};
    return (usage.prompt_tokens * (p.input_per_mtok || 0) + usage.completion_tokens * (p.output_per_mtok || 0)) / 1e6;
  } catch {
    return null;
  }
}

/** The same request as curl, Python and JavaScript (OpenAI SDKs), with the key read from MODELHUB_KEY. */
export function snippets(body, provider) {
  const base = `${location.origin}/v1`;
  const plain = Object.assign({}, body);
  const json = JSON.stringify(plain, null, 2);
  const pyArgs = Object.entries(plain).map(([k, v]) => `    ${k}=${py(v)},`).join('\n');
  const jsBody = JSON.stringify(plain, null, 2).replace(/\n/g, '\n  ');
  const curl = [`curl -N '${base}/chat/completions'`, '  -H "Authorization: Bearer $MODELHUB_KEY"', '  -H "Content-Type: application/json"']
    .concat(provider ? [`  -H 'x-modelhub-provider: ${provider}'`] : [])
    .concat([`  -d '${json.replace(/'/g, "'\\''")}'`]).join(' \\\n');
  const python = `import os
from openai import OpenAI

client = OpenAI(base_url="${base}", api_key=os.environ["MODELHUB_KEY"])
stream = client.chat.completions.create(
${pyArgs}${provider ? `\n    extra_headers={"x-modelhub-provider": "${provider}"},` : ''}
)
for chunk in stream:
    if chunk.choices and chunk.choices[0].delta.content:
        print(chunk.choices[0].delta.content, end="", flush=True)
print()
`;
  const javascript = `import OpenAI from "openai";

const client = new OpenAI({ baseURL: "${base}", apiKey: process.env.MODELHUB_KEY });
const stream = await client.chat.completions.create(
  ${jsBody}${provider ? `,\n  { headers: { "x-modelhub-provider": "${provider}" } }` : ''}
);
for await (const chunk of stream) {
  process.stdout.write(chunk.choices[0]?.delta?.content ?? "");
}
`;
  return [['curl', curl], ['Python', python], ['JavaScript', javascript]];
}

function py(v) {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null) return 'None';
  return JSON.stringify(v).replace(/\btrue\b/g, 'True').replace(/\bfalse\b/g, 'False').replace(/\bnull\b/g, 'None');
}

export { errorBox };
