// Images, videos and the async queue through the official OpenAI Node SDK's generic
// post/get/delete (the SDK has no Oxen-specific methods), and the completion events with fetch.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';

import { API_KEY, startMock } from './mock_server.mjs';

let mock;
let client;

before(async () => {
  mock = await startMock();
  client = new OpenAI({ apiKey: API_KEY, baseURL: mock.baseURL, maxRetries: 0, timeout: 10_000 });
});

after(async () => {
  await mock?.stop();
});

async function fetchBytes(url) {
  const res = await fetch(url); // media URLs need no Authorization, like presigned URLs
  assert.equal(res.status, 200);
  return { type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}

describe('images and videos', () => {
  test('images/generate answers a hosted PNG', async () => {
    const res = await client.post('/images/generate', {
      body: { model: 'flux-2-dev', prompt: 'A serene mountain landscape at sunset', aspect_ratio: '16:9' },
    });
    assert.equal(res.model, 'flux-2-dev');
    assert.equal(typeof res.created, 'number');
    assert.equal(res.images.length, 1);
    const png = await fetchBytes(res.images[0].url);
    assert.equal(png.type, 'image/png');
    assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(png.bytes.readUInt32BE(16), 256); // IHDR width
    assert.equal(png.bytes.readUInt32BE(20), 144); // IHDR height
  });

  test('b64_json carries the bytes of the same image', async () => {
    const body = { model: 'flux-2-dev', prompt: 'an ox', seed: 3 };
    const byUrl = await client.post('/images/generate', { body });
    const inline = await client.post('/images/generate', { body: { ...body, response_format: 'b64_json' } });
    const fetched = await fetchBytes(byUrl.images[0].url);
    assert.ok(Buffer.from(inline.images[0].b64_json, 'base64').equals(fetched.bytes));
  });

  test('images/edit and videos/generate', async () => {
    const edit = await client.post('/images/edit', {
      body: { model: 'qwen-image-edit', prompt: 'make it night', input_image: 'https://example.com/cat.png' },
    });
    assert.equal((await fetchBytes(edit.images[0].url)).type, 'image/png');
    const video = await client.post('/videos/generate', {
      body: { model: 'kling-video-v2-6-pro-text-to-video', prompt: 'waves', duration: 5 },
    });
    const mp4 = await fetchBytes(video.videos[0].url);
    assert.equal(mp4.type, 'video/mp4');
    assert.equal(mp4.bytes.subarray(4, 8).toString('latin1'), 'ftyp');
  });

  test('errors arrive as the SDK\'s typed errors with the documented bodies', async () => {
    await assert.rejects(client.post('/images/generate', { body: { model: 'flux-2-dev', prompt: '' } }), (err) => {
      assert.ok(err instanceof OpenAI.BadRequestError);
      assert.equal(err.error.message, 'Prompt cannot be empty');
      return true;
    });
    await assert.rejects(client.post('/images/generate', { body: { model: 'nope', prompt: 'x' } }), (err) => {
      assert.ok(err instanceof OpenAI.NotFoundError);
      assert.equal(err.error.message, 'Model not found: nope');
      return true;
    });
    await assert.rejects(
      client.post('/videos/generate', { body: { model: 'kling-video-o3-pro-reference-to-video', prompt: 'a', multi_prompt: [{ prompt: 'b' }] } }),
      (err) => {
        assert.equal(err.status, 400);
        assert.match(err.error.detail, /Cannot provide both 'prompt' and 'multi_prompt'/);
        return true;
      });
  });
});

describe('async queue and completion events', () => {
  test('enqueue, advance the clock, poll to succeeded, receive the events', async () => {
    const events = new AbortController();
    const stream = await fetch(`${mock.origin}/api/events`, {
      headers: { Authorization: `Bearer ${API_KEY}` },
      signal: events.signal,
    });
    assert.equal(stream.status, 200);
    assert.match(stream.headers.get('content-type'), /^text\/event-stream/);

    const enqueued = await client.post('/queue', { body: { model: 'flux-2-dev', prompt: 'a fox', num_generations: 2, seed: 9 } });
    assert.equal(enqueued.generations.length, 2);
    const ids = enqueued.generations.map((g) => g.generation_id);
    for (const g of enqueued.generations) assert.equal(g.status, 'queued');

    const listed = await client.get('/queue');
    assert.equal(listed.count, 2);

    await mock.advance(3000);
    for (const id of ids) {
      const g = await client.get(`/queue/${id}`);
      assert.equal(g.status, 'succeeded');
      assert.equal(g.seed, 9);
      assert.equal((await fetchBytes(g.result_url)).type, 'image/png');
    }

    // Read the stream until both completion events have arrived (bounded by the test timeout).
    const reader = stream.body.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while ((text.match(/event: media_generation_completed/g) || []).length < 2) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    events.abort();
    const payloads = text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)));
    assert.deepEqual(payloads.map((p) => p.generation_id), ids);
    for (const p of payloads) {
      assert.equal(p.status, 'succeeded');
      assert.equal(p.media_type, 'image');
      assert.equal(p.model, 'flux-2-dev');
      assert.equal(p.url, (await client.get(`/queue/${p.generation_id}`)).result_url);
    }
  });

  test('cancel keeps the row; unknown ids are 404; bad num_generations is 400', async () => {
    const { generations } = await client.post('/queue', { body: { model: 'kling-video-v2-6-pro-text-to-video', prompt: 'waves' } });
    const id = generations[0].generation_id;
    assert.deepEqual(await client.delete(`/queue/${id}`), { status: 'success', generation_id: id });
    assert.equal((await client.get(`/queue/${id}`)).status, 'cancelled');
    await assert.rejects(client.get('/queue/7cf9b23a-1234-5678-9abc-def012345678'), (err) => {
      assert.ok(err instanceof OpenAI.NotFoundError);
      assert.equal(err.error.type, 'resource_not_found');
      return true;
    });
    await assert.rejects(client.post('/queue', { body: { model: 'flux-2-dev', num_generations: 5 } }), (err) => {
      assert.equal(err.status, 400);
      assert.equal(err.error.detail, 'num_generations must be an integer between 1 and 4');
      return true;
    });
  });
});
