// A deployed pipeline's endpoint used as the base URL of the OpenAI SDK and of LangChain.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { ChatOpenAI } from '@langchain/openai';
import { MODEL, apiKey, hubCall } from '../lib/hub.js';

let assistant; // a pipeline without steps: instructions + the caller's conversation
let twoSteps; // a two-step pipeline: draft, then improve the draft

async function deploy(definition) {
  const pipeline = await hubCall('POST', '/v1/pipelines', definition);
  assert.equal(pipeline.version, 1);
  const deployment = await hubCall('POST', `/v1/pipelines/${pipeline.id}/deploy`, {});
  assert.equal(deployment.status, 'active');
  assert.match(deployment.endpoint, /\/v1\/deployments\/[^/]+$/);
  return deployment;
}

before(async () => {
  assistant = await deploy({ name: 'sdk-assistant', model: MODEL, instructions: 'You are terse.' });
  twoSteps = await deploy({
    name: 'sdk-two-steps',
    model: MODEL,
    inputs: ['question'],
    steps: [
      { id: 'draft', prompt: 'Draft: {{input.question}}' },
      { id: 'final', prompt: 'Improve: {{steps.draft.output}}' },
    ],
  });
});

function sdkOn(deployment) {
  return new OpenAI({ baseURL: deployment.endpoint, apiKey, maxRetries: 0 });
}

test('the OpenAI SDK chats with a deployed pipeline without steps', async () => {
  const { data: reply, response } = await sdkOn(assistant).chat.completions
    .create({ model: 'ignored', messages: [{ role: 'user', content: 'why?' }] })
    .withResponse();
  assert.equal(reply.object, 'chat.completion');
  assert.equal(reply.choices[0].message.content, 'Echo: why?');
  assert.ok(reply.usage.total_tokens > 0);
  assert.equal(response.headers.get('x-modelhub-deployment'), assistant.deployment_id);
  assert.equal(response.headers.get('x-modelhub-pipeline-version'), '1');
});

test('the OpenAI SDK streams from a deployed pipeline without steps, usage included', async () => {
  const stream = await sdkOn(assistant).chat.completions.create({
    model: 'ignored',
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'stream why?' }],
  });
  let text = '';
  let usage = null;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? '';
    usage = chunk.usage ?? usage;
  }
  assert.equal(text, 'Echo: stream why?');
  assert.ok(usage?.total_tokens > 0);
});

test('the OpenAI SDK chats with a deployed two-step pipeline, plain and streamed', async () => {
  const sdk = sdkOn(twoSteps);
  const reply = await sdk.chat.completions.create({ model: 'ignored', messages: [{ role: 'user', content: 'why?' }] });
  assert.equal(reply.choices[0].message.content, 'Echo: Improve: Echo: Draft: why?');

  const stream = await sdk.chat.completions.create({ stream: true, model: 'ignored', messages: [{ role: 'user', content: 'why?' }] });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  assert.equal(text, 'Echo: Improve: Echo: Draft: why?');
});

test('LangChain uses a deployment endpoint as its base URL', async () => {
  const model = new ChatOpenAI({ model: 'ignored', apiKey, configuration: { baseURL: twoSteps.endpoint }, maxRetries: 0 });
  const reply = await model.invoke('how?');
  assert.equal(reply.content, 'Echo: Improve: Echo: Draft: how?');
  let text = '';
  for await (const chunk of await model.stream('how?')) text += chunk.content;
  assert.equal(text, 'Echo: Improve: Echo: Draft: how?');
});

test('a retired deployment is a NotFoundError (404) for the SDK', async () => {
  const deployment = await deploy({ name: 'sdk-retired', model: MODEL });
  await hubCall('DELETE', `/v1/deployments/${deployment.deployment_id}`);
  await assert.rejects(
    sdkOn(deployment).chat.completions.create({ model: 'ignored', messages: [{ role: 'user', content: 'Hi' }] }),
    (err) => {
      assert.ok(err instanceof OpenAI.NotFoundError, `got ${err?.constructor?.name}: ${err?.message}`);
      assert.equal(err.code, 'deployment_not_found');
      return true;
    },
  );
});
