// The OpenAI Agents SDK on its chat completions model against the hub: an agent calls a function
// tool and answers with its result, plain and streamed, and a typed output is parsed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Agent,
  OpenAIChatCompletionsModel,
  run,
  setDefaultOpenAIClient,
  setOpenAIAPI,
  setTracingDisabled,
  tool,
} from '@openai/agents';
import { z } from 'zod';
import { MODEL, client } from '../lib/hub.js';

// The hub speaks Chat Completions; tracing would post spans to api.openai.com.
setDefaultOpenAIClient(client());
setOpenAIAPI('chat_completions');
setTracingDisabled(true);

const QUESTION = 'What is the weather in Paris? use get_weather';

function weatherAgent(calls, options = {}) {
  const getWeather = tool({
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => {
      calls.push(city);
      return `Sunny and 21 C in ${city}`;
    },
  });
  return new Agent({
    name: 'Weather agent',
    instructions: 'Answer weather questions with the get_weather tool.',
    model: MODEL,
    tools: [getWeather],
    ...options,
  });
}

function toolCallItems(result) {
  return result.newItems.filter((item) => item.type === 'tool_call_item');
}

test('an agent calls its function tool and answers with the result', async () => {
  const calls = [];
  const result = await run(weatherAgent(calls), QUESTION);
  assert.equal(calls.length, 1, 'the tool ran once');
  assert.equal(typeof calls[0], 'string');
  assert.equal(toolCallItems(result)[0].rawItem.name, 'get_weather');
  assert.match(result.finalOutput, /The tool returned: Sunny and 21 C in /);
  assert.ok(result.state.usage.requests >= 2, 'one call for the tool, one for the answer');
  assert.ok(result.state.usage.totalTokens > 0);
});

test('a streamed agent run calls the tool and streams the final answer', async () => {
  const calls = [];
  const result = await run(weatherAgent(calls), QUESTION, { stream: true });
  let text = '';
  for await (const delta of result.toTextStream()) text += delta;
  await result.completed;
  assert.equal(calls.length, 1);
  assert.match(text, /The tool returned: Sunny and 21 C in /);
  assert.equal(result.finalOutput, text);
});

test('an agent with an explicit chat completions model on the hub client works the same', async () => {
  const calls = [];
  const agent = weatherAgent(calls, { model: new OpenAIChatCompletionsModel(client(), MODEL) });
  const result = await run(agent, QUESTION);
  assert.equal(calls.length, 1);
  assert.match(result.finalOutput, /The tool returned: /);
});

test('an agent without tools answers the echo', async () => {
  const agent = new Agent({ name: 'Echo agent', instructions: 'Be brief.', model: MODEL });
  const result = await run(agent, 'Hello, agent');
  assert.equal(result.finalOutput, 'Echo: Hello, agent');
});

test('an agent with an output type gets a parsed object (json_schema)', async () => {
  const agent = new Agent({
    name: 'Forecaster',
    instructions: 'Give a forecast.',
    model: MODEL,
    outputType: z.object({ city: z.string(), days: z.number(), sunny: z.boolean() }),
  });
  const result = await run(agent, 'Three days in Rome');
  assert.equal(typeof result.finalOutput.city, 'string');
  assert.equal(typeof result.finalOutput.days, 'number');
  assert.equal(result.finalOutput.sunny, true);
});

test('a triage agent hands off to the weather agent, which answers', async () => {
  const calls = [];
  const weather = weatherAgent(calls, { name: 'weather_agent', handoffDescription: 'Answers weather questions' });
  const triage = new Agent({
    name: 'triage_agent',
    instructions: 'Hand weather questions to the weather agent.',
    model: MODEL,
    handoffs: [weather],
  });
  const result = await run(triage, 'transfer_to_weather_agent please: what is the weather in Paris? use get_weather');
  assert.equal(result.lastAgent.name, 'weather_agent');
  assert.ok(result.newItems.some((item) => item.type === 'handoff_output_item'), 'the handoff happened');
  // The sandbox answers the handoff's tool message itself ("The tool returned: ..."), so the weather
  // agent answers at once instead of calling get_weather.
  assert.match(result.finalOutput, /^The tool returned: .*weather_agent/);
});
