// The developer portal in a real browser (Debian's Chromium), against a throwaway hub started by run.sh
// with an empty store: the first-run page, sign-in, keys shown once, the playground streaming, pipelines,
// usage charts, the admin pages, and the bad cases. The steps run in order, as a newcomer would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import OpenAI from 'openai';
import { openBrowser, api, screenshot, BASE, ADMIN_KEY } from '../lib/browser.js';

const ADMIN = { name: 'Ada Admin', email: 'ada@example.com', password: 'correct horse battery staple' };
const MEMBER = { name: 'Max Member', email: 'max@example.com', password: 'another long passphrase' };
const XSS_NAME = '<img src=x onerror=alert(1)>';

let admin; // the admin's browser
let member; // the member's browser, with its own cookies
let readKey; // the secret of the key made in the browser

before(async () => {
  assert.ok(ADMIN_KEY, 'MODELHUB_API_KEY must be the hub\'s admin key (run.sh sets it)');
  admin = await openBrowser();
});

after(async () => {
  if (admin) await admin.close();
  if (member) await member.close();
});

/** Problems no page may ever have: a script error, a CSP violation, a request to another host. */
function assertClean(b) {
  const bad = b.errors.filter((e) => e.startsWith('pageerror') || e.startsWith('offsite') || /Content Security Policy/i.test(e));
  assert.deepEqual(bad, []);
}

async function signIn(page, who) {
  await page.goto('/');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'API keys' }).waitFor();
}

test('first run: the portal asks for the admin key and creates the first admin account', async () => {
  const { page } = admin;
  await page.goto('/');
  await page.getByRole('heading', { name: 'Welcome to ModelHub' }).waitFor();
  await screenshot(page, 'first-run');
  await page.getByLabel('Admin API key').fill('mh-wrong.0000000000000000000000000000');
  await page.getByLabel('Name').fill(ADMIN.name);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Create admin account' }).click();
  await page.getByText('The hub does not accept this admin key.').waitFor();
  await page.getByLabel('Admin API key').fill(ADMIN_KEY);
  await page.getByRole('button', { name: 'Create admin account' }).click();
  await page.getByRole('heading', { name: 'API keys' }).waitFor();
  await page.getByRole('link', { name: 'Admin' }).waitFor();
  assertClean(admin);
});

test('sign out, then a wrong password and an unknown email get the same refusal', async () => {
  const { page } = admin;
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to ModelHub' }).waitFor();
  await screenshot(page, 'sign-in');
  for (const [email, password] of [[ADMIN.email, 'not the password at all'], ['nobody@example.com', ADMIN.password]]) {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('Wrong email or password.').waitFor();
  }
  assert.equal(await page.getByRole('link', { name: 'API keys' }).count(), 0);
});

test('sign in with email and password', async () => {
  await signIn(admin.page, ADMIN);
  await admin.page.getByText(ADMIN.name).waitFor();
  assertClean(admin);
});

test('create a read key: the secret is shown exactly once, with a copy button', async () => {
  const { page } = admin;
  await page.getByRole('button', { name: 'Create API key' }).click();
  await page.getByLabel('Name').fill('dev-client');
  // The permissions are explained as the seed explains them; Read is the default.
  await page.getByText('fetch model details and call models').waitFor();
  await page.getByText('create and deploy pipelines').waitFor();
  assert.equal(await page.getByLabel(/^Read/).isChecked(), true);
  await page.getByRole('button', { name: 'Create key' }).click();
  await page.getByText('It will not be shown again').waitFor();
  readKey = await page.getByLabel('Your new API key').inputValue();
  assert.match(readKey, /^mh-[^.]+\..+/);
  await screenshot(page, 'keys-created');
  await page.getByRole('button', { name: 'Copy key' }).click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), readKey);
  await page.getByRole('button', { name: 'Done' }).click();
  await page.reload();
  await page.getByRole('cell', { name: 'dev-client', exact: true }).waitFor();
  const html = await page.content();
  assert.ok(!html.includes(readKey.split('.')[1]), 'the secret must not appear again');
  await screenshot(page, 'keys');
  const listed = await api('GET', '/v1/keys');
  assert.ok(!listed.text.includes(readKey.split('.')[1]));
  const rec = listed.json.data.find((k) => k.name === 'dev-client');
  assert.deepEqual(rec.scopes, ['read']);
});

test('the new key works with the OpenAI SDK', async () => {
  const client = new OpenAI({ baseURL: `${BASE}/v1`, apiKey: readKey, maxRetries: 0 });
  const models = [];
  for await (const m of client.models.list()) models.push(m.id);
  assert.ok(models.includes('sandbox/chat'));
  const reply = await client.chat.completions.create({ model: 'sandbox/chat', messages: [{ role: 'user', content: 'hello portal' }] });
  assert.match(reply.choices[0].message.content, /hello portal/);
});

test('revoking the key asks for confirmation, then the key gets 401', async () => {
  const { page } = admin;
  await page.getByRole('button', { name: 'Revoke dev-client' }).click();
  await page.getByRole('dialog').getByText('Programs using it stop working at once').waitFor();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
  await page.getByRole('row', { name: /dev-client/ }).getByText('revoked').waitFor();
  const client = new OpenAI({ baseURL: `${BASE}/v1`, apiKey: readKey, maxRetries: 0 });
  await assert.rejects(client.models.list(), (e) => e.status === 401);
});

test('the playground streams the answer in token by token and shows who answered', async () => {
  const { page } = admin;
  await page.getByRole('link', { name: 'Playground' }).click();
  await page.getByRole('heading', { name: 'Playground' }).waitFor();
  await page.getByLabel('System prompt').fill('You are terse.');
  await page.getByLabel('Message 1', { exact: true }).fill('one two three four five six seven eight nine ten');
  await page.getByLabel('Max tokens').fill('200');
  // Record every state the answer goes through while it streams.
  await page.evaluate(() => {
    const el = document.querySelector('.answer');
    window.answerStates = [];
    new MutationObserver(() => window.answerStates.push(el.textContent.length)).observe(el, { childList: true, characterData: true, subtree: true });
  });
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('[data-stat=provider]').waitFor();
  const answer = await page.getByLabel('Answer').textContent();
  assert.match(answer, /one two three four five six seven eight nine ten/);
  const states = await page.evaluate(() => window.answerStates);
  const partial = new Set(states.filter((n) => n > 0 && n < answer.length));
  assert.ok(partial.size >= 5, `the answer should grow chunk by chunk; saw lengths ${states.join(',')}`);
  assert.equal(await page.locator('[data-stat=provider]').textContent(), 'sandbox');
  assert.equal(await page.locator('[data-stat=attempts]').textContent(), '1');
  assert.match(await page.locator('[data-stat=tokens]').textContent(), /prompt \+ \d+ completion = \d+/);
  assert.match(await page.locator('[data-stat=latency]').textContent(), /\d+ ms/);
  await page.getByRole('button', { name: 'View code' }).click();
  await page.getByText("curl -N '" + BASE + '/v1/chat/completions').waitFor();
  await page.getByRole('tab', { name: 'Python' }).click();
  await page.getByText('from openai import OpenAI').waitFor();
  await page.getByRole('tab', { name: 'JavaScript' }).click();
  await page.getByText('import OpenAI from "openai";').waitFor();
  await screenshot(page, 'playground');
  assertClean(admin);
});

test('a pipeline: a bad template is shown at its field; then create, test, deploy and call the endpoint', async () => {
  const { page } = admin;
  await page.getByRole('link', { name: 'Pipelines' }).click();
  await page.getByRole('link', { name: 'Create pipeline' }).click();
  await page.getByLabel('Name').fill('answerer');
  await page.getByLabel('Inputs').fill('question');
  await page.getByLabel('Step 1 prompt').fill('Answer: {{input.nope}}');
  await page.getByRole('button', { name: 'Create pipeline' }).click();
  const err = page.locator('[data-error-for="steps[0].prompt"]');
  await err.getByText('nope').waitFor();
  assert.equal(await page.getByLabel('Step 1 prompt').getAttribute('aria-invalid'), 'true');
  await screenshot(page, 'pipeline-editor');
  await page.getByLabel('Step 1 prompt').fill('Answer: {{input.question}}');
  await page.getByRole('button', { name: 'Add step' }).click();
  await page.getByLabel('Step 2 prompt').fill('Improve: {{steps.step1.output}}');
  await page.getByRole('button', { name: 'Create pipeline' }).click();
  await page.getByRole('heading', { name: 'answerer' }).waitFor();

  await page.getByRole('button', { name: 'Run test' }).click();
  await page.locator('[data-error-for="inputs.question"]').getByText('question').waitFor();
  await page.getByLabel('question').fill('why is the sky blue');
  await page.getByRole('button', { name: 'Run test' }).click();
  await page.locator('pre.output').getByText('why is the sky blue').waitFor();
  const trace = page.getByRole('table', { name: 'Trace of every step' });
  await trace.getByRole('cell', { name: 'step1', exact: true }).waitFor();
  await trace.getByRole('cell', { name: 'step2', exact: true }).waitFor();

  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  const endpoint = await page.locator('[data-endpoint]').textContent();
  assert.match(endpoint, /\/v1\/deployments\/dep_/);
  await page.getByRole('table', { name: 'Deployments' }).getByText(endpoint).waitFor();
  const path = new URL(endpoint).pathname;
  const invoked = await api('POST', `${path}/invoke`, { body: { inputs: { question: 'hi from the endpoint' } } });
  assert.equal(invoked.status, 200, invoked.text);
  assert.match(invoked.json.output, /hi from the endpoint/);
  const sdk = new OpenAI({ baseURL: endpoint, apiKey: ADMIN_KEY, maxRetries: 0 });
  const reply = await sdk.chat.completions.create({ model: 'ignored', messages: [{ role: 'user', content: 'through the sdk' }] });
  assert.match(reply.choices[0].message.content, /through the sdk/);
  await page.reload();
  await page.locator('figure[data-chart="Calls"]').waitFor();
  await screenshot(page, 'pipeline');

  await page.getByRole('button', { name: /^Retire dep_/ }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Retire' }).click();
  await page.getByRole('table', { name: 'Deployments' }).getByRole('cell', { name: 'retired', exact: true }).waitFor();
  const gone = await api('POST', `${path}/invoke`, { body: { inputs: { question: 'still there?' } } });
  assert.equal(gone.status, 404);
  assertClean(admin);
});

test('a pipeline named like HTML is shown as text, never run as markup', async () => {
  const created = await api('POST', '/v1/pipelines', { body: { name: XSS_NAME, model: 'sandbox/chat', steps: [{ id: 'a', prompt: 'hi' }] } });
  assert.equal(created.status, 201, created.text);
  const { page } = admin;
  let dialogs = 0;
  page.on('dialog', (d) => { dialogs += 1; d.dismiss(); });
  await page.goto('/#/pipelines');
  await page.getByRole('link', { name: XSS_NAME }).waitFor();
  await screenshot(page, 'pipelines');
  await page.getByRole('link', { name: XSS_NAME }).click();
  await page.getByRole('heading', { name: XSS_NAME }).waitFor();
  assert.equal(await page.locator('img[src="x"]').count(), 0);
  assert.equal(dialogs, 0);
});

test('usage charts render non-zero data, with a table and a CSV download', async () => {
  const { page } = admin;
  await page.getByRole('link', { name: 'Usage' }).click();
  await page.getByRole('heading', { name: 'Usage' }).waitFor();
  // Usage records are written in the background within about a fifth of a second: wait until they show.
  for (let i = 0; i < 40; i++) {
    const calls = page.locator('figure[data-chart="Calls"]');
    await calls.waitFor();
    if (Number(await calls.getAttribute('data-total')) > 0) break;
    await page.waitForTimeout(500);
    await page.reload();
  }
  for (const chart of ['Calls', 'Tokens']) {
    const fig = page.locator(`figure[data-chart="${chart}"][data-drawn="true"]`);
    await fig.waitFor();
    assert.ok(Number(await fig.getAttribute('data-total')) > 0, `${chart} should show non-zero data`);
    assert.equal(await fig.locator('canvas').count(), 1);
  }
  await page.getByRole('table', { name: 'Usage per group' }).getByRole('cell', { name: 'sandbox/chat', exact: true }).waitFor();
  await screenshot(page, 'usage');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
  const csv = await readFile(await download.path(), 'utf8');
  assert.match(csv, /^model,calls,errors,prompt_tokens,completion_tokens,total_tokens,cost_usd\r\n/);
  assert.match(csv, /\r\nsandbox\/chat,[1-9]/);
  await page.getByLabel('Group by').selectOption('user');
  await page.getByRole('table', { name: 'Usage per group' }).waitFor();
  assertClean(admin);
});

test('the catalog searches and filters models and shows an offering with copyable snippets', async () => {
  const { page } = admin;
  await page.getByRole('link', { name: 'Catalog' }).click();
  await page.getByLabel('Search models').fill('sandbox');
  await page.getByRole('cell', { name: 'sandbox/chat', exact: true }).waitFor();
  await page.getByLabel('Capability').selectOption('vision');
  await page.getByRole('cell', { name: 'sandbox/chat', exact: true }).waitFor();
  await page.getByLabel('Search models').fill('no-such-model-anywhere');
  await page.getByText('No model matches these filters.').waitFor();
  await page.getByLabel('Search models').fill('');
  await page.getByLabel('Capability').selectOption('');
  await page.getByRole('table', { name: 'Providers, with the status the hub has measured' }).getByText('healthy').waitFor();
  await screenshot(page, 'catalog');
  await page.getByRole('link', { name: 'Sandbox Chat' }).click();
  await page.getByRole('heading', { name: 'ModelHub Sandbox' }).waitFor();
  await page.getByText('Success rate').waitFor();
  await page.getByRole('button', { name: 'Copy curl' }).click();
  assert.match(await page.evaluate(() => navigator.clipboard.readText()), /\/v1\/chat\/completions/);
  await page.getByRole('tab', { name: 'LangChain' }).click();
  await page.getByText('from langchain_openai import ChatOpenAI').waitFor();
  await screenshot(page, 'model');
  assertClean(admin);
});

test('an admin creates a member; the member sees only their own keys and no admin page', async () => {
  const { page } = admin;
  const adminKey = await api('POST', '/v1/keys', { body: { name: 'ops-only-key', scopes: ['read'] } });
  assert.equal(adminKey.status, 201);
  await page.getByRole('link', { name: 'Admin' }).click();
  await page.getByRole('button', { name: 'Create user' }).click();
  const form = page.getByRole('form', { name: 'New user' });
  await form.getByLabel('Email').fill(MEMBER.email);
  await form.getByLabel('Name').fill(MEMBER.name);
  await form.getByLabel('Password').fill('too short');
  await form.getByRole('button', { name: 'Create user' }).click();
  await form.locator('[data-error-for="password"]').getByText(/12/).waitFor();
  await form.getByLabel('Password').fill(MEMBER.password);
  await form.getByRole('button', { name: 'Create user' }).click();
  await page.getByRole('cell', { name: MEMBER.email, exact: true }).waitFor();
  await screenshot(page, 'admin');

  member = await openBrowser();
  await signIn(member.page, MEMBER);
  await member.page.getByText('No API keys yet').waitFor();
  assert.equal(await member.page.getByText('ops-only-key').count(), 0);
  assert.equal(await member.page.getByRole('link', { name: 'Admin' }).count(), 0);
  await member.page.getByRole('button', { name: 'Create API key' }).click();
  assert.equal(await member.page.getByLabel(/^Admin/).count(), 0, 'a member may not make admin keys');
  await member.page.getByLabel('Name').fill('max-key');
  await member.page.getByLabel(/^Write/).check();
  await member.page.getByRole('button', { name: 'Create key' }).click();
  await member.page.getByText('It will not be shown again').waitFor();
  await member.page.goto('/#/admin');
  await member.page.getByText('Only an admin may see this page.').waitFor();
  const users = await member.page.evaluate(async () => (await fetch('/v1/users')).status);
  assert.equal(users, 403);
  await member.page.goto('/#/keys');
  await member.page.getByRole('cell', { name: 'max-key', exact: true }).waitFor();
  assert.equal(await member.page.getByText('ops-only-key').count(), 0);
  assert.equal(await member.page.getByText('dev-client').count(), 0);
  assertClean(member);
});

test('a POST made with the session cookie but without the CSRF token is refused', async () => {
  const { page } = member;
  const answer = await page.evaluate(async () => {
    const res = await fetch('/v1/keys', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'forged', scopes: ['read'] }) });
    return { status: res.status, body: await res.json() };
  });
  assert.equal(answer.status, 403);
  assert.equal(answer.body.error.code, 'csrf_failed');
  const keys = await api('GET', '/v1/keys');
  assert.equal(keys.json.data.filter((k) => k.name === 'forged').length, 0);
});

test('the portal works on a phone-sized screen', async () => {
  const phone = await openBrowser({ width: 390, height: 844, mobile: true });
  try {
    await signIn(phone.page, MEMBER);
    await phone.page.getByRole('cell', { name: 'max-key', exact: true }).waitFor();
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the page should not scroll sideways (${overflow}px)`);
    await screenshot(phone.page, 'keys-phone');
    await phone.page.getByRole('link', { name: 'Playground' }).click();
    await phone.page.getByLabel('Message 1', { exact: true }).fill('hello from a phone');
    await phone.page.getByRole('button', { name: 'Send' }).click();
    await phone.page.locator('[data-stat=provider]').waitFor();
    await screenshot(phone.page, 'playground-phone');
    assertClean(phone);
  } finally {
    await phone.close();
  }
});

test('/docs shows the interactive API documentation of /openapi.json', async () => {
  const { page } = admin;
  await page.goto('/docs');
  await page.getByText('/v1/chat/completions').first().waitFor();
  await page.getByText('/v1/usage').first().waitFor();
  await screenshot(page, 'docs', { fullPage: false });
  assertClean(admin);
});

test('signing out ends the session at once', async () => {
  const { page } = member;
  await page.goto('/#/keys');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to ModelHub' }).waitFor();
  assert.equal(await page.evaluate(async () => (await fetch('/v1/keys')).status), 401);
  assert.equal(await page.evaluate(async () => (await fetch('/v1/me')).status), 401);
});
