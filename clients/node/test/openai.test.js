// The official OpenAI JavaScript SDK against the hub: catalog, chat (plain, streamed, tools,
// structured output), error classes, rate limits and request ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { zodFunction, zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { MODEL, apiBase, client, hubCall } from '../lib/hub.js';

const openai = client();
const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
      additionalProperties: false,
    },
  },
};

test('models.list contains the sandbox chat model', async () => {
  const ids = [];
  for await (const model of openai.models.list()) ids.push(model.id);
  assert.ok(ids.includes(MODEL), `models: ${ids.join(', ')}`);
});

test('models.retrieve answers the sandbox chat model', async () => {
  const model = await openai.models.retrieve(MODEL);
  assert.equal(model.id, MODEL);
  assert.equal(model.object, 'model');
  assert.equal(typeof model.created, 'number');
  assert.equal(typeof model.owned_by, 'string');
});

test('a chat completion echoes the last user message and reports usage', async () => {
  const reply = await openai.chat.completions.create({
    model: MODEL,
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Hello, hub!' },
    ],
  });
  assert.equal(reply.object, 'chat.completion');
  // The provider's own name for the model (the sandbox's is 'chat'), as OpenAI answers a snapshot name.
  assert.equal(typeof reply.model, 'string');
  assert.equal(reply.choices[0].message.role, 'assistant');
  assert.equal(reply.choices[0].message.content, 'Echo: Hello, hub!');
  assert.equal(reply.choices[0].finish_reason, 'stop');
  assert.ok(reply.usage.prompt_tokens > 0);
  assert.ok(reply.usage.completion_tokens > 0);
  assert.equal(reply.usage.total_tokens, reply.usage.prompt_tokens + reply.usage.completion_tokens);
});

test('a streamed chat completion assembles to the echo', async () => {
  const stream = await openai.chat.completions.create({
    model: MODEL,
    stream: true,
    messages: [{ role: 'user', content: 'Stream to me, please' }],
  });
  let text = '';
  let finish = null;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    assert.equal(chunk.object, 'chat.completion.chunk');
    const choice = chunk.choices[0];
    if (choice) {
      text += choice.delta?.content ?? '';
      finish = choice.finish_reason ?? finish;
    }
  }
  assert.equal(text, 'Echo: Stream to me, please');
  assert.equal(finish, 'stop');
  assert.ok(chunks > 1, `one chunk per token, got ${chunks}`);
});

test('a streamed chat completion with include_usage ends with a usage chunk', async () => {
  const stream = await openai.chat.completions.create({
    model: MODEL,
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'Count my tokens' }],
  });
  let usage = null;
  let usageChunkChoices = null;
  let text = '';
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? '';
    if (chunk.usage) {
      usage = chunk.usage;
      usageChunkChoices = chunk.choices;
    }
  }
  assert.equal(text, 'Echo: Count my tokens');
  assert.ok(usage, 'a chunk carried usage');
  assert.deepEqual(usageChunkChoices, []);
  assert.ok(usage.prompt_tokens > 0 && usage.completion_tokens > 0);
  assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
});

test('the stream helper (chat.completions.stream) gives the final message', async () => {
  const runner = openai.chat.completions.stream({
    model: MODEL,
    messages: [{ role: 'user', content: 'Through the helper' }],
  });
  const deltas = [];
  runner.on('content', (delta) => deltas.push(delta));
  const final = await runner.finalChatCompletion();
  assert.equal(final.choices[0].message.content, 'Echo: Through the helper');
  assert.equal(deltas.join(''), 'Echo: Through the helper');
});

test('a required tool choice answers a tool call with JSON arguments', async () => {
  const reply = await openai.chat.completions.create({
    model: MODEL,
    messages: [{ role: 'user', content: 'Paris' }],
    tools: [weatherTool],
    tool_choice: 'required',
  });
  const choice = reply.choices[0];
  assert.equal(choice.finish_reason, 'tool_calls');
  assert.equal(choice.message.tool_calls.length, 1);
  const call = choice.message.tool_calls[0];
  assert.equal(call.type, 'function');
  assert.match(call.id, /.+/);
  assert.equal(call.function.name, 'get_weather');
  const args = JSON.parse(call.function.arguments);
  assert.equal(typeof args.city, 'string');
});

test('a named tool choice streams a tool call whose arguments assemble to JSON', async () => {
  const runner = openai.chat.completions.stream({
    model: MODEL,
    messages: [{ role: 'user', content: 'Lyon' }],
    tools: [weatherTool],
    tool_choice: { type: 'function', function: { name: 'get_weather' } },
  });
  const final = await runner.finalChatCompletion();
  const call = final.choices[0].message.tool_calls[0];
  assert.equal(call.function.name, 'get_weather');
  assert.equal(typeof JSON.parse(call.function.arguments).city, 'string');
  assert.equal(final.choices[0].finish_reason, 'tool_calls');
});

test('a tool result sent back gets an answer that uses it', async () => {
  const first = await openai.chat.completions.create({
    model: MODEL,
    messages: [{ role: 'user', content: 'What is the weather in Paris? use get_weather' }],
    tools: [weatherTool],
  });
  const call = first.choices[0].message.tool_calls[0];
  assert.equal(call.function.name, 'get_weather');
  const second = await openai.chat.completions.create({
    model: MODEL,
    messages: [
      { role: 'user', content: 'What is the weather in Paris? use get_weather' },
      first.choices[0].message,
      { role: 'tool', tool_call_id: call.id, content: 'Sunny, 21 C' },
    ],
    tools: [weatherTool],
  });
  assert.equal(second.choices[0].message.content, 'The tool returned: Sunny, 21 C');
});

test('a json_schema response format parses into the schema (chat.completions.parse)', async () => {
  const Answer = z.object({ city: z.string(), days: z.number().int(), sunny: z.boolean() });
  const reply = await openai.chat.completions.parse({
    model: MODEL,
    messages: [{ role: 'user', content: 'Three sunny days in Rome' }],
    response_format: zodResponseFormat(Answer, 'answer'),
  });
  const parsed = reply.choices[0].message.parsed;
  assert.ok(parsed, `content: ${reply.choices[0].message.content}`);
  assert.equal(typeof parsed.city, 'string');
  assert.equal(typeof parsed.days, 'number');
  assert.equal(parsed.sunny, true);
});

test('a json_object response format answers a JSON object', async () => {
  const reply = await openai.chat.completions.create({
    model: MODEL,
    messages: [{ role: 'user', content: 'Answer in JSON' }],
    response_format: { type: 'json_object' },
  });
  const value = JSON.parse(reply.choices[0].message.content);
  assert.equal(typeof value, 'object');
});

test('an unknown model is a NotFoundError (404)', async () => {
  await assert.rejects(
    openai.chat.completions.create({ model: 'nobody/nothing', messages: [{ role: 'user', content: 'Hi' }] }),
    (err) => {
      assert.ok(err instanceof OpenAI.NotFoundError, `got ${err?.constructor?.name}: ${err?.message}`);
      assert.equal(err.status, 404);
      assert.equal(err.type, 'not_found_error');
      assert.equal(err.code, 'model_not_found');
      assert.equal(err.param, 'model');
      assert.ok(err.requestID, 'the error carries the request id');
      return true;
    },
  );
});

test('retrieving an unknown model is a NotFoundError (404)', async () => {
  await assert.rejects(openai.models.retrieve('nobody/nothing'), OpenAI.NotFoundError);
});

test('a bad key is an AuthenticationError (401)', async () => {
  const stranger = new OpenAI({ baseURL: apiBase, apiKey: 'mh-nobody.0000000000000000', maxRetries: 0 });
  await assert.rejects(
    stranger.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }] }),
    (err) => {
      assert.ok(err instanceof OpenAI.AuthenticationError, `got ${err?.constructor?.name}: ${err?.message}`);
      assert.equal(err.status, 401);
      assert.equal(err.type, 'authentication_error');
      return true;
    },
  );
  await assert.rejects(stranger.models.list(), OpenAI.AuthenticationError);
});

test('missing messages is a BadRequestError (400) naming the parameter', async () => {
  await assert.rejects(
    openai.chat.completions.create({ model: MODEL }),
    (err) => {
      assert.ok(err instanceof OpenAI.BadRequestError, `got ${err?.constructor?.name}: ${err?.message}`);
      assert.equal(err.status, 400);
      assert.equal(err.type, 'invalid_request_error');
      assert.equal(err.param, 'messages');
      return true;
    },
  );
});

test('a key over its rpm limit gets a RateLimitError (429) with Retry-After', async () => {
  const created = await hubCall('POST', '/v1/keys', { name: 'sdk-rpm-1', scopes: ['read'], rpm: 1 });
  assert.match(created.key, /^mh-/);
  const limited = new OpenAI({ baseURL: apiBase, apiKey: created.key, maxRetries: 0 });
  const first = await limited.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'one' }] })
    .withResponse();
  assert.equal(first.data.choices[0].message.content, 'Echo: one');
  assert.equal(first.response.headers.get('x-ratelimit-limit-requests'), '1');
  assert.equal(first.response.headers.get('x-ratelimit-remaining-requests'), '0');
  await assert.rejects(
    limited.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'two' }] }),
    (err) => {
      assert.ok(err instanceof OpenAI.RateLimitError, `got ${err?.constructor?.name}: ${err?.message}`);
      assert.equal(err.status, 429);
      assert.equal(err.type, 'rate_limit_error');
      assert.ok(Number(err.headers.get('retry-after')) > 0, 'Retry-After in seconds');
      return true;
    },
  );
});

test('the request id is visible through withResponse, and a client id is echoed', async () => {
  const { data, response, request_id: requestId } = await openai.chat.completions
    .create({ model: MODEL, messages: [{ role: 'user', content: 'Who am I?' }] })
    .withResponse();
  assert.equal(data.choices[0].message.content, 'Echo: Who am I?');
  assert.ok(requestId, 'x-request-id is set');
  assert.equal(response.headers.get('x-request-id'), requestId);
  assert.equal(response.headers.get('x-modelhub-provider'), 'sandbox');
  assert.match(response.headers.get('content-type'), /^application\/json/);

  const mine = await openai.chat.completions
    .create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }] }, { headers: { 'x-request-id': 'sdk-test-42' } })
    .withResponse();
  assert.equal(mine.request_id, 'sdk-test-42');
});

test('a streamed answer carries the request id and an event-stream content type', async () => {
  const { data: stream, response, request_id: requestId } = await openai.chat.completions
    .create({ model: MODEL, stream: true, messages: [{ role: 'user', content: 'Hi' }] })
    .withResponse();
  assert.ok(requestId);
  assert.match(response.headers.get('content-type'), /^text\/event-stream/);
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  assert.equal(text, 'Echo: Hi');
});

test('a streamed request for an unknown model fails before streaming with a NotFoundError', async () => {
  await assert.rejects(
    openai.chat.completions.create({ model: 'nobody/nothing', stream: true, messages: [{ role: 'user', content: 'Hi' }] }),
    OpenAI.NotFoundError,
  );
});

test('a key without the model in allowed_models is a PermissionDeniedError (403)', async () => {
  const created = await hubCall('POST', '/v1/keys', { name: 'sdk-no-models', scopes: ['read'], allowed_models: ['other/model'] });
  const narrow = new OpenAI({ baseURL: apiBase, apiKey: created.key, maxRetries: 0 });
  await assert.rejects(
    narrow.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }] }),
    (err) => {
      assert.ok(err instanceof OpenAI.PermissionDeniedError, `got ${err?.constructor?.name}: ${err?.message}`);
      assert.equal(err.status, 403);
      assert.equal(err.type, 'permission_error');
      return true;
    },
  );
});

test('a hub access token traded for the key works as the SDK api key', async () => {
  const token = await hubCall('POST', '/v1/auth/tokens', { scopes: ['read'], ttl_seconds: 300 });
  assert.equal(token.token_type, 'bearer');
  const withToken = new OpenAI({ baseURL: apiBase, apiKey: token.access_token, maxRetries: 0 });
  const reply = await withToken.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'By token' }] });
  assert.equal(reply.choices[0].message.content, 'Echo: By token');
});

test('two tools mentioned are called in parallel, streamed with distinct indexes', async () => {
  const timeTool = {
    type: 'function',
    function: { name: 'get_time', description: 'The time in a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
  };
  const runner = openai.chat.completions.stream({
    model: MODEL,
    messages: [{ role: 'user', content: 'Use get_weather and get_time for Paris' }],
    tools: [weatherTool, timeTool],
  });
  const final = await runner.finalChatCompletion();
  const names = final.choices[0].message.tool_calls.map((c) => c.function.name).sort();
  assert.deepEqual(names, ['get_time', 'get_weather']);
  for (const call of final.choices[0].message.tool_calls) JSON.parse(call.function.arguments);
});

test('runTools drives the tool loop to the final answer', async () => {
  const seen = [];
  const runner = openai.chat.completions.runTools({
    model: MODEL,
    messages: [{ role: 'user', content: 'What is the weather in Paris? use get_weather' }],
    tools: [
      zodFunction({
        name: 'get_weather',
        parameters: z.object({ city: z.string() }),
        function: ({ city }) => {
          seen.push(city);
          return `Rain in ${city}`;
        },
      }),
    ],
  });
  const content = await runner.finalContent();
  assert.equal(seen.length, 1);
  assert.match(content, /^The tool returned: Rain in /);
});

test('max_tokens cuts the answer with finish_reason length; n gives several choices', async () => {
  const cut = await openai.chat.completions.create({
    model: MODEL,
    max_tokens: 2,
    messages: [{ role: 'user', content: 'A rather long sentence to cut' }],
  });
  assert.equal(cut.choices[0].finish_reason, 'length');
  assert.equal(cut.usage.completion_tokens, 2);
  const two = await openai.chat.completions.create({ model: MODEL, n: 2, messages: [{ role: 'user', content: 'twice' }] });
  assert.deepEqual(two.choices.map((c) => c.index), [0, 1]);
});

test('multi-part content with an image is accepted', async () => {
  const reply = await openai.chat.completions.create({
    model: MODEL,
    messages: [{
      role: 'user',
      content: [
        { type: 'text', text: 'What is this?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
      ],
    }],
  });
  assert.equal(reply.choices[0].message.content, 'Echo: What is this? [image]');
});

test('a stream the client aborts does not disturb the next call', async () => {
  const stream = await openai.chat.completions.create({
    model: MODEL,
    stream: true,
    messages: [{ role: 'user', content: 'one two three four five six seven eight' }],
  });
  for await (const chunk of stream) {
    if (chunk.choices[0]?.delta?.content) {
      stream.controller.abort();
      break;
    }
  }
  const reply = await openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'still here' }] });
  assert.equal(reply.choices[0].message.content, 'Echo: still here');
});
