// The OpenAI JS SDK's embeddings (float and base64, which the SDK asks for by default and decodes)
// and legacy completions (plain and streamed) against the hub's sandbox models.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { MODEL, client } from '../lib/hub.js';

const openai = client();
const EMBED = 'sandbox/embed';
const norm = (v) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

test('embeddings.create with float vectors: the same text gives the same unit vector', async () => {
  const a = await openai.embeddings.create({ model: EMBED, input: 'The quick brown fox', encoding_format: 'float' });
  const b = await openai.embeddings.create({ model: EMBED, input: 'The quick brown fox', encoding_format: 'float' });
  assert.equal(a.object, 'list');
  assert.equal(a.data.length, 1);
  assert.equal(a.data[0].object, 'embedding');
  assert.equal(a.data[0].embedding.length, 256);
  assert.ok(Math.abs(norm(a.data[0].embedding) - 1) < 1e-5);
  assert.deepEqual(a.data[0].embedding, b.data[0].embedding);
  assert.ok(a.usage.prompt_tokens > 0);
});

test('embeddings.create with base64 (the SDK default) decodes to the float vectors', async () => {
  const floats = await openai.embeddings.create({ model: EMBED, input: ['alpha beta', 'gamma'], encoding_format: 'float', dimensions: 32 });
  const decoded = await openai.embeddings.create({ model: EMBED, input: ['alpha beta', 'gamma'], dimensions: 32 });
  const packed = await openai.embeddings.create({ model: EMBED, input: ['alpha beta', 'gamma'], dimensions: 32, encoding_format: 'base64' });
  assert.equal(decoded.data.length, 2);
  assert.equal(typeof packed.data[0].embedding, 'string');
  for (let i = 0; i < 2; i++) {
    assert.equal(decoded.data[i].index, i);
    assert.equal(decoded.data[i].embedding.length, 32);
    decoded.data[i].embedding.forEach((x, j) => assert.ok(Math.abs(x - floats.data[i].embedding[j]) < 1e-6));
  }
});

test('embeddings.create refuses a chat model with a 400', async () => {
  await assert.rejects(
    openai.embeddings.create({ model: MODEL, input: 'x' }),
    (e) => e instanceof OpenAI.BadRequestError && e.param === 'model' && e.code === 'model_not_supported',
  );
});

test('completions.create answers a text completion', async () => {
  const c = await openai.completions.create({ model: MODEL, prompt: 'Once upon a time', max_tokens: 50 });
  assert.equal(c.object, 'text_completion');
  assert.equal(c.choices[0].text, 'Echo: Once upon a time');
  assert.equal(c.choices[0].finish_reason, 'stop');
  assert.ok(c.usage.total_tokens > 0);
});

test('completions.create keeps OpenAI\'s default of 16 tokens and honours echo', async () => {
  const c = await openai.completions.create({ model: MODEL, prompt: 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen' });
  assert.equal(c.choices[0].finish_reason, 'length');
  const e = await openai.completions.create({ model: MODEL, prompt: 'Hi', echo: true, max_tokens: 20 });
  assert.equal(e.choices[0].text, 'HiEcho: Hi');
});

test('a streamed completion arrives chunk by chunk', async () => {
  const stream = await openai.completions.create({ model: MODEL, prompt: 'Stream it', max_tokens: 50, stream: true, stream_options: { include_usage: true } });
  let text = '';
  let chunks = 0;
  let usage = null;
  for await (const chunk of stream) {
    assert.equal(chunk.object, 'text_completion');
    chunks++;
    text += chunk.choices[0]?.text ?? '';
    if (chunk.usage) usage = chunk.usage;
  }
  assert.equal(text, 'Echo: Stream it');
  assert.ok(chunks > 2);
  assert.ok(usage && usage.completion_tokens > 0);
});

test('completions.create refuses suffix with a 400 naming it', async () => {
  await assert.rejects(
    openai.completions.create({ model: MODEL, prompt: 'a', suffix: 'b' }),
    (e) => e instanceof OpenAI.BadRequestError && e.param === 'suffix',
  );
});
