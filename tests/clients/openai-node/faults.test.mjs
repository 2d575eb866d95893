// Faults on demand, as the official OpenAI Node SDK experiences them: it retries 429 and 500 with
// backoff and then succeeds, and it surfaces a stream cut mid-way as an error.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';

import { API_KEY, startMock } from './mock_server.mjs';

let mock;
let client;

async function admin(method, path, body) {
  const res = await fetch(`${mock.origin}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.ok, `${method} ${path} answered ${res.status}`);
  return res.json();
}

const chatPath = '/api/ai/chat/completions';
const request = { model: 'gpt-4o', messages: [{ role: 'user', content: 'Tell me about oxen.' }] };

before(async () => {
  mock = await startMock();
  client = new OpenAI({ apiKey: API_KEY, baseURL: mock.baseURL, maxRetries: 2 });
});
after(async () => { await mock.stop(); });
beforeEach(async () => { await admin('POST', '/__admin/reset'); });

async function statusesSent() {
  const journal = await admin('GET', `/__admin/requests?path=${chatPath}`);
  return journal.requests.map((r) => r.status);
}

describe('retries', () => {
  test('two 429s with Retry-After, then the SDK succeeds', async () => {
    await admin('POST', '/__admin/faults', {
      match: { path: chatPath }, action: { status: 429, retry_after: 0 }, times: 2,
    });
    const completion = await client.chat.completions.create(request);
    assert.equal(completion.choices[0].finish_reason, 'stop');
    assert.deepEqual(await statusesSent(), [429, 429, 200]);
  });

  test('a 500 on the first call is retried', async () => {
    await admin('POST', '/__admin/faults', { match: { path: chatPath, nth: 1 }, action: { status: 500 } });
    const completion = await client.chat.completions.create(request);
    assert.ok(completion.choices[0].message.content.length > 0);
    assert.deepEqual(await statusesSent(), [500, 200]);
  });

  test('when retries run out the SDK raises RateLimitError', async () => {
    await admin('POST', '/__admin/faults', { match: { path: chatPath }, action: { status: 429, retry_after: 0 } });
    const noRetry = new OpenAI({ apiKey: API_KEY, baseURL: mock.baseURL, maxRetries: 0 });
    await assert.rejects(noRetry.chat.completions.create(request), OpenAI.RateLimitError);
  });
});

describe('streams', () => {
  test('a stream cut after chunk 3 surfaces as an error, and the next call is healthy', async () => {
    const stream = await client.chat.completions.create(
      { ...request, stream: true },
      { headers: { 'X-Mock-Fault': 'cut_after=3' } },
    );
    let chunks = 0;
    await assert.rejects(async () => {
      for await (const _ of stream) chunks += 1;
    });
    assert.ok(chunks <= 3, `read ${chunks} chunks`);
    const healthy = await client.chat.completions.create(request);
    assert.equal(healthy.choices[0].finish_reason, 'stop');
  });

  test('a malformed frame surfaces as an error', async () => {
    await admin('POST', '/__admin/faults', {
      match: { path: chatPath }, action: { malformed_at_chunk: 2 }, times: 1,
    });
    const stream = await client.chat.completions.create({ ...request, stream: true });
    await assert.rejects(async () => {
      for await (const _ of stream) { /* read until the bad frame */ }
    });
  });
});
