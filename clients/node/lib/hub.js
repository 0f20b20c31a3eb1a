// Where the hub under test is and how to reach it: run.sh passes MODELHUB_BASE_URL and MODELHUB_API_KEY.
import OpenAI from 'openai';

export const baseURL = required('MODELHUB_BASE_URL').replace(/\/$/, '');
export const apiBase = `${baseURL}/v1`;
export const apiKey = required('MODELHUB_API_KEY');
export const MODEL = 'sandbox/chat';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite with clients/node/run.sh`);
  return value;
}

/** An OpenAI client on the hub; no retries, so that an error reaches the test as the hub sent it. */
export function client(options = {}) {
  return new OpenAI({ baseURL: apiBase, apiKey, maxRetries: 0, ...options });
}

/** A plain JSON call to the hub with the admin key, for set-up the SDKs have no method for. */
export async function hubCall(method, path, body, key = apiKey) {
  const response = await fetch(`${baseURL}${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return json;
}
