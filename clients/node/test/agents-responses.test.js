// The OpenAI Agents SDK in its DEFAULT mode (the Responses API; no setOpenAIAPI('chat_completions'))
// against the hub: a function tool, a handoff between agents, streaming and a typed output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, run, setDefaultOpenAIClient, setTracingDisabled, tool } from '@openai/agents';
import { z } from 'zod';
import { MODEL, client } from '../lib/hub.js';

setDefaultOpenAIClient(client());
// Tracing would post spans to api.openai.com.
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

test('in default mode an agent calls its function tool over the Responses API and answers with the result', async () => {
  const calls = [];
  const result = await run(weatherAgent(calls), QUESTION);
  assert.equal(calls.length, 1, 'the tool ran once');
  const toolCalls = result.newItems.filter((item) => item.type === 'tool_call_item');
  assert.equal(toolCalls[0].rawItem.type, 'function_call', 'a Responses function_call item');
  assert.equal(toolCalls[0].rawItem.name, 'get_weather');
  assert.match(result.finalOutput, /The tool returned: Sunny and 21 C in /);
  assert.ok(result.state.usage.requests >= 2);
  assert.ok(result.state.usage.totalTokens > 0);
  assert.ok(result.rawResponses.every((r) => typeof r.responseId === 'string' && r.responseId.startsWith('resp_')),
    'every model call was a Responses call');
});

test('a streamed agent run in default mode calls the tool and streams the final answer', async () => {
  const calls = [];
  const result = await run(weatherAgent(calls), QUESTION, { stream: true });
  let text = '';
  for await (const delta of result.toTextStream()) text += delta;
  await result.completed;
  assert.equal(calls.length, 1);
  assert.match(text, /The tool returned: Sunny and 21 C in /);
  assert.equal(result.finalOutput, text);
});

test('a triage agent hands off to the weather agent in default mode', async () => {
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
  // The sandbox answers the handoff's function_call_output itself ("The tool returned: ...").
  assert.match(result.finalOutput, /^The tool returned: .*weather_agent/);
});

test('a streamed handoff in default mode ends on the weather agent', async () => {
  const calls = [];
  const weather = weatherAgent(calls, { name: 'weather_agent', handoffDescription: 'Answers weather questions' });
  const triage = new Agent({ name: 'triage_agent', instructions: 'Hand off weather questions.', model: MODEL, handoffs: [weather] });
  const result = await run(triage, 'transfer_to_weather_agent: weather in Rome?', { stream: true });
  const eventTypes = new Set();
  for await (const event of result) eventTypes.add(event.type);
  await result.completed;
  assert.ok(eventTypes.has('raw_model_stream_event'));
  assert.ok(eventTypes.has('agent_updated_stream_event'));
  assert.equal(result.lastAgent.name, 'weather_agent');
});

test('an agent with an output type gets a parsed object in default mode', async () => {
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
