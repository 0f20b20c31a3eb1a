// The official Anthropic TypeScript SDK against the hub's Messages API (served by the sandbox through
// the hub's translation onto chat): plain, streamed, tools and a tool round trip, count_tokens, and
// errors as the SDK's own error classes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { MODEL, apiKey, baseURL } from '../lib/hub.js';

const anthropic = new Anthropic({ baseURL, apiKey, maxRetries: 0 });
const weather = {
  name: 'get_weather',
  description: 'The weather in a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

test('messages.create answers a message with usage', async () => {
  const message = await anthropic.messages.create({
    model: MODEL,
    max_tokens: 100,
    system: 'You are terse.',
    messages: [{ role: 'user', content: 'Hello, Claude!' }],
  });
  assert.equal(message.type, 'message');
  assert.equal(message.role, 'assistant');
  assert.ok(message.id.startsWith('msg_'));
  assert.equal(message.content[0].type, 'text');
  assert.equal(message.content[0].text, 'Echo: Hello, Claude!');
  assert.equal(message.stop_reason, 'end_turn');
  assert.ok(message.usage.input_tokens > 0);
  assert.ok(message.usage.output_tokens > 0);
});

test('messages.create reports stop_sequence and max_tokens stops', async () => {
  const stopped = await anthropic.messages.create({
    model: MODEL,
    max_tokens: 100,
    stop_sequences: ['HALT'],
    messages: [{ role: 'user', content: 'one two HALT three' }],
  });
  assert.equal(stopped.stop_reason, 'stop_sequence');
  assert.equal(stopped.stop_sequence, 'HALT');
  const cut = await anthropic.messages.create({
    model: MODEL,
    max_tokens: 2,
    messages: [{ role: 'user', content: 'a rather long request' }],
  });
  assert.equal(cut.stop_reason, 'max_tokens');
});

test('a streamed message arrives event by event and assembles to the whole answer', async () => {
  const stream = anthropic.messages.stream({
    model: MODEL,
    max_tokens: 100,
    messages: [{ role: 'user', content: 'Stream to me, please' }],
  });
  const types = [];
  let text = '';
  for await (const event of stream) {
    types.push(event.type);
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
  }
  const final = await stream.finalMessage();
  assert.equal(text, 'Echo: Stream to me, please');
  assert.equal(final.content[0].text, text);
  assert.equal(final.stop_reason, 'end_turn');
  assert.ok(final.usage.output_tokens > 0);
  assert.equal(types[0], 'message_start');
  assert.equal(types.at(-1), 'message_stop');
  assert.ok(types.filter((t) => t === 'content_block_delta').length > 1, `deltas: ${types.join(',')}`);
});

test('messages.create with tools uses the tool, and answers from its result', async () => {
  const first = await anthropic.messages.create({
    model: MODEL,
    max_tokens: 100,
    tools: [weather],
    tool_choice: { type: 'any' },
    messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
  });
  assert.equal(first.stop_reason, 'tool_use');
  const use = first.content.find((b) => b.type === 'tool_use');
  assert.ok(use, JSON.stringify(first.content));
  assert.equal(use.name, 'get_weather');
  assert.equal(typeof use.input.city, 'string');
  const second = await anthropic.messages.create({
    model: MODEL,
    max_tokens: 100,
    tools: [weather],
    messages: [
      { role: 'user', content: 'What is the weather in Paris?' },
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'Sunny, 21 C' }] },
    ],
  });
  assert.equal(second.stop_reason, 'end_turn');
  assert.equal(second.content[0].text, 'The tool returned: Sunny, 21 C');
});

test('a streamed tool call arrives as input_json_delta and assembles to the input', async () => {
  const stream = anthropic.messages.stream({
    model: MODEL,
    max_tokens: 100,
    tools: [weather],
    tool_choice: { type: 'tool', name: 'get_weather' },
    messages: [{ role: 'user', content: 'Weather in Oslo?' }],
  });
  let partial = 0;
  stream.on('inputJson', () => partial++);
  const final = await stream.finalMessage();
  const use = final.content.find((b) => b.type === 'tool_use');
  assert.ok(use, JSON.stringify(final.content));
  assert.equal(use.name, 'get_weather');
  assert.equal(typeof use.input.city, 'string');
  assert.ok(partial > 0);
  assert.equal(final.stop_reason, 'tool_use');
});

test('messages.countTokens answers an input token count', async () => {
  const short = await anthropic.messages.countTokens({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }] });
  const long = await anthropic.messages.countTokens({
    model: MODEL,
    system: 'You are a helpful assistant.',
    messages: [{ role: 'user', content: 'word '.repeat(100) }],
  });
  assert.ok(short.input_tokens > 0);
  assert.ok(long.input_tokens > short.input_tokens);
});

test('errors reach the SDK as its own error classes', async () => {
  await assert.rejects(
    anthropic.messages.create({ model: 'no/such-model', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
    (e) => e instanceof Anthropic.NotFoundError && e.status === 404 && e.error?.error?.type === 'not_found_error',
  );
  await assert.rejects(
    anthropic.messages.create({ model: MODEL, max_tokens: 0, messages: [{ role: 'user', content: 'x' }] }),
    (e) => e instanceof Anthropic.BadRequestError && e.error?.error?.type === 'invalid_request_error' && typeof e.requestID === 'string',
  );
  const stranger = new Anthropic({ baseURL, apiKey: 'mh-nobody.0123456789abcdef0123456789abcdef', maxRetries: 0 });
  await assert.rejects(
    stranger.messages.create({ model: MODEL, max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
    (e) => e instanceof Anthropic.AuthenticationError && e.status === 401 && e.error?.error?.type === 'authentication_error',
  );
  const still = await anthropic.messages.create({ model: MODEL, max_tokens: 20, messages: [{ role: 'user', content: 'still there?' }] });
  assert.equal(still.content[0].text, 'Echo: still there?');
});

test('a bearer token (authToken) is accepted too', async () => {
  const bearer = new Anthropic({ baseURL, authToken: apiKey, apiKey: null, maxRetries: 0 });
  const message = await bearer.messages.create({ model: MODEL, max_tokens: 20, messages: [{ role: 'user', content: 'bearer' }] });
  assert.equal(message.content[0].text, 'Echo: bearer');
});
