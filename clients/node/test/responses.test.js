// The official OpenAI JavaScript SDK's Responses API against the hub (translated onto the sandbox's chat):
// plain, streamed, function tools with previous_response_id, structured output, stored responses, errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { zodTextFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { MODEL, client } from '../lib/hub.js';

const openai = client();
const weatherTool = {
  type: 'function',
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
    additionalProperties: false,
  },
  strict: true,
};

test('responses.create answers a string input with output_text and usage', async () => {
  const response = await openai.responses.create({ model: MODEL, input: 'Hello, Responses' });
  assert.equal(response.object, 'response');
  assert.equal(response.status, 'completed');
  assert.equal(response.output_text, 'Echo: Hello, Responses');
  assert.ok(response.usage.input_tokens > 0);
  assert.equal(response.usage.total_tokens, response.usage.input_tokens + response.usage.output_tokens);
});

test('responses.create with stream: true yields the event sequence with increasing sequence numbers', async () => {
  const stream = await openai.responses.create({ model: MODEL, input: 'stream it', stream: true });
  const types = [];
  let text = '';
  let last = -1;
  let completed;
  for await (const event of stream) {
    types.push(event.type);
    assert.equal(event.sequence_number, last + 1);
    last = event.sequence_number;
    if (event.type === 'response.output_text.delta') text += event.delta;
    if (event.type === 'response.completed') completed = event.response;
  }
  assert.deepEqual(types.slice(0, 4), ['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
  assert.equal(types.at(-1), 'response.completed');
  assert.equal(text, 'Echo: stream it');
  assert.equal(completed.output[0].content[0].text, 'Echo: stream it');
  assert.ok(completed.usage.output_tokens > 0);
});

test('responses.stream helper gathers the final response', async () => {
  const stream = openai.responses.stream({ model: MODEL, input: 'helper stream' });
  let text = '';
  stream.on('response.output_text.delta', (e) => { text += e.delta; });
  const final = await stream.finalResponse();
  assert.equal(text, 'Echo: helper stream');
  assert.equal(final.output_text, 'Echo: helper stream');
});

test('a function tool call is answered with function_call_output through previous_response_id', async () => {
  const first = await openai.responses.create({ model: MODEL, input: 'What is the weather in Paris?', tools: [weatherTool] });
  const call = first.output.find((item) => item.type === 'function_call');
  assert.ok(call, JSON.stringify(first.output));
  assert.equal(call.name, 'get_weather');
  assert.equal(typeof JSON.parse(call.arguments).city, 'string');
  const second = await openai.responses.create({
    model: MODEL,
    previous_response_id: first.id,
    tools: [weatherTool],
    input: [{ type: 'function_call_output', call_id: call.call_id, output: 'Sunny, 21 C' }],
  });
  assert.equal(second.output_text, 'The tool returned: Sunny, 21 C');
});

test('a streamed function call sends its arguments in deltas', async () => {
  const stream = await openai.responses.create({ model: MODEL, input: 'Paris', tools: [weatherTool], tool_choice: 'required', stream: true });
  let args = '';
  let done;
  for await (const event of stream) {
    if (event.type === 'response.function_call_arguments.delta') args += event.delta;
    if (event.type === 'response.function_call_arguments.done') done = event;
  }
  assert.ok(done);
  assert.equal(done.arguments, args);
  assert.equal(done.name, 'get_weather');
});

test('responses.parse with a zod text format gives a parsed object (json_schema)', async () => {
  const Forecast = z.object({ city: z.string(), days: z.number(), sunny: z.boolean() });
  const response = await openai.responses.parse({
    model: MODEL,
    input: 'Three days in Rome',
    text: { format: zodTextFormat(Forecast, 'forecast') },
  });
  assert.equal(typeof response.output_parsed.city, 'string');
  assert.equal(typeof response.output_parsed.days, 'number');
  assert.equal(typeof response.output_parsed.sunny, 'boolean');
});

test('a stored response is retrieved, lists its input items and is deleted', async () => {
  const created = await openai.responses.create({ model: MODEL, input: 'keep me', metadata: { run: 'js' } });
  const read = await openai.responses.retrieve(created.id);
  assert.equal(read.id, created.id);
  assert.equal(read.metadata.run, 'js');
  const items = [];
  for await (const item of openai.responses.inputItems.list(created.id)) items.push(item);
  assert.equal(items.length, 1);
  assert.equal(items[0].content[0].text, 'keep me');
  await openai.responses.delete(created.id);
  await assert.rejects(openai.responses.retrieve(created.id), (e) => e instanceof OpenAI.NotFoundError);
});

test('a malformed request is a BadRequestError naming the parameter', async () => {
  await assert.rejects(
    openai.responses.create({ model: MODEL, input: 'hi', tools: [{ type: 'web_search' }] }),
    (e) => e instanceof OpenAI.BadRequestError && e.param === 'tools[0].type',
  );
  await assert.rejects(
    openai.responses.create({ model: 'nobody/nothing', input: 'hi' }),
    (e) => e instanceof OpenAI.NotFoundError && e.code === 'model_not_found',
  );
});
