// LangChain's ChatOpenAI (the chat completions path) against the hub: invoke, stream, tools and
// structured output by each of its three methods.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatOpenAI } from '@langchain/openai';
import { HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { z } from 'zod';
import { MODEL, apiBase, apiKey } from '../lib/hub.js';

function chat(options = {}) {
  return new ChatOpenAI({ model: MODEL, apiKey, configuration: { baseURL: apiBase }, maxRetries: 0, ...options });
}

const getWeather = tool(async ({ city }) => `Sunny in ${city}`, {
  name: 'get_weather',
  description: 'The weather in a city',
  schema: z.object({ city: z.string().describe('The city') }),
});

test('invoke answers an AIMessage with the echo and token usage', async () => {
  const reply = await chat().invoke([new SystemMessage('You are terse.'), new HumanMessage('Hello from LangChain')]);
  assert.equal(reply.content, 'Echo: Hello from LangChain');
  assert.ok(reply.usage_metadata.input_tokens > 0);
  assert.ok(reply.usage_metadata.output_tokens > 0);
  assert.equal(reply.usage_metadata.total_tokens, reply.usage_metadata.input_tokens + reply.usage_metadata.output_tokens);
  assert.equal(reply.response_metadata.finish_reason, 'stop');
});

test('stream yields chunks that assemble to the echo, with usage at the end', async () => {
  let text = '';
  let chunks = 0;
  let aggregate;
  for await (const chunk of await chat({ streamUsage: true }).stream('Stream through LangChain')) {
    chunks++;
    text += chunk.content;
    aggregate = aggregate === undefined ? chunk : aggregate.concat(chunk);
  }
  assert.equal(text, 'Echo: Stream through LangChain');
  assert.ok(chunks > 1, `got ${chunks} chunks`);
  assert.ok(aggregate.usage_metadata?.output_tokens > 0, 'usage arrived in the stream');
});

test('bindTools with a required tool choice answers tool_calls with parsed arguments', async () => {
  const model = chat().bindTools([getWeather], { tool_choice: 'required' });
  const reply = await model.invoke('Paris');
  assert.equal(reply.tool_calls.length, 1);
  assert.equal(reply.tool_calls[0].name, 'get_weather');
  assert.equal(typeof reply.tool_calls[0].args.city, 'string');
  assert.ok(reply.tool_calls[0].id);
});

test('bindTools naming the tool, then the tool result, gives the final answer', async () => {
  const model = chat().bindTools([getWeather], { tool_choice: 'get_weather' });
  const question = new HumanMessage('What is the weather in Paris?');
  const first = await model.invoke([question]);
  const call = first.tool_calls[0];
  assert.equal(call.name, 'get_weather');
  const result = await getWeather.invoke(call);
  assert.ok(result instanceof ToolMessage);
  const final = await chat().bindTools([getWeather]).invoke([question, first, result]);
  assert.match(final.content, /^The tool returned: Sunny in /);
});

test('streamed tool calls assemble into tool_calls', async () => {
  const model = chat().bindTools([getWeather], { tool_choice: 'required' });
  let aggregate;
  for await (const chunk of await model.stream('Lyon')) {
    aggregate = aggregate === undefined ? chunk : aggregate.concat(chunk);
  }
  assert.equal(aggregate.tool_calls.length, 1);
  assert.equal(aggregate.tool_calls[0].name, 'get_weather');
  assert.equal(typeof aggregate.tool_calls[0].args.city, 'string');
});

const Forecast = z.object({
  city: z.string().describe('The city'),
  days: z.number().int().describe('How many days'),
  sunny: z.boolean(),
});

test('withStructuredOutput (default method: json_schema) parses into the zod schema', async () => {
  const forecast = await chat().withStructuredOutput(Forecast, { name: 'forecast' }).invoke('Three days in Rome');
  assert.deepEqual(Object.keys(forecast).sort(), ['city', 'days', 'sunny']);
  assert.equal(typeof forecast.city, 'string');
  assert.equal(typeof forecast.days, 'number');
  assert.equal(forecast.sunny, true);
});

test('withStructuredOutput with strict json_schema and includeRaw gives raw and parsed', async () => {
  const result = await chat()
    .withStructuredOutput(Forecast, { name: 'forecast', method: 'jsonSchema', strict: true, includeRaw: true })
    .invoke('Two days in Oslo');
  assert.equal(typeof result.parsed.city, 'string');
  assert.equal(JSON.parse(result.raw.content).sunny, true);
});

test('withStructuredOutput by function calling parses the tool arguments', async () => {
  const forecast = await chat().withStructuredOutput(Forecast, { name: 'forecast', method: 'functionCalling' })
    .invoke('A week in Nice');
  assert.equal(typeof forecast.city, 'string');
  assert.equal(typeof forecast.days, 'number');
});

test('withStructuredOutput in JSON mode parses the JSON object answered', async () => {
  const Echoed = z.object({ echo: z.string(), words: z.number() });
  const result = await chat().withStructuredOutput(Echoed, { method: 'jsonMode' }).invoke('Answer in JSON please');
  assert.equal(result.echo, 'Answer in JSON please');
  assert.equal(result.words, 4);
});

test('an unknown model surfaces the hub error through LangChain', async () => {
  await assert.rejects(chat({ model: 'nobody/nothing' }).invoke('Hi'), (err) => {
    assert.equal(err.status, 404);
    assert.match(err.message, /does not exist/);
    return true;
  });
});
