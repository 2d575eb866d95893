// Speech and transcriptions through the official OpenAI Node SDK's own audio methods, unchanged:
// audio.speech.create answers real audio bytes, audio.transcriptions.create uploads a file as
// multipart/form-data and reads back the text the audio was made from.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI, { toFile } from 'openai';

import { API_KEY, startMock } from './mock_server.mjs';

const TTS = 'bytedance-seed-audio-1-0';
let mock;
let client;

before(async () => {
  mock = await startMock();
  client = new OpenAI({ apiKey: API_KEY, baseURL: mock.baseURL, maxRetries: 0, timeout: 10_000 });
});

after(async () => {
  await mock?.stop();
});

// The RIFF/WAVE chunks of a PCM WAV file: format and the length of its data.
function readWav(bytes) {
  assert.equal(bytes.subarray(0, 4).toString('latin1'), 'RIFF');
  assert.equal(bytes.subarray(8, 12).toString('latin1'), 'WAVE');
  assert.equal(bytes.readUInt32LE(4) + 8, bytes.length);
  const wav = {};
  for (let at = 12; at + 8 <= bytes.length;) {
    const id = bytes.subarray(at, at + 4).toString('latin1');
    const size = bytes.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      wav.format = bytes.readUInt16LE(at + 8);
      wav.channels = bytes.readUInt16LE(at + 10);
      wav.sampleRate = bytes.readUInt32LE(at + 12);
      wav.bits = bytes.readUInt16LE(at + 22);
    }
    if (id === 'data') wav.seconds = size / (wav.sampleRate * wav.channels * (wav.bits / 8));
    at += 8 + size + (size & 1);
  }
  return wav;
}

describe('audio', () => {
  test('audio.speech.create answers a WAV as long as the text, at the asked speed', async () => {
    const res = await client.audio.speech.create({
      model: TTS, voice: 'alloy', input: 'welcome to the oxen herd today', response_format: 'wav', speed: 2,
    });
    assert.equal(res.headers.get('content-type'), 'audio/wav');
    const wav = readWav(Buffer.from(await res.arrayBuffer()));
    assert.deepEqual(wav, { format: 1, channels: 1, sampleRate: 24000, bits: 16, seconds: 1.2 });
  });

  test('mp3 is the default format, and the same request gives the same bytes', async () => {
    const body = { model: TTS, voice: 'alloy', input: 'hello there' };
    const a = Buffer.from(await (await client.audio.speech.create(body)).arrayBuffer());
    const b = Buffer.from(await (await client.audio.speech.create(body)).arrayBuffer());
    assert.equal(a.subarray(0, 3).toString('latin1'), 'ID3');
    assert.ok(a.equals(b));
  });

  test('aac is refused with the documented 400', async () => {
    await assert.rejects(
      client.audio.speech.create({ model: TTS, voice: 'alloy', input: 'x', response_format: 'aac' }),
      (err) => err instanceof OpenAI.BadRequestError && err.status === 400 && /\/response_format/.test(err.error.detail),
    );
  });

  test('audio.transcriptions.create reads back the text a speech file was made from', async () => {
    const text = 'the quick oxen cross the river';
    for (const format of ['wav', 'mp3', 'opus']) {
      const speech = await client.audio.speech.create({ model: TTS, voice: 'alloy', input: text, response_format: format });
      const file = await toFile(Buffer.from(await speech.arrayBuffer()), `speech.${format}`);
      const transcript = await client.audio.transcriptions.create({ file, model: 'gpt-audio' });
      assert.deepEqual(transcript, { text });
    }
    const speech = await client.audio.speech.create({ model: TTS, voice: 'alloy', input: text, response_format: 'wav' });
    const plain = await client.audio.transcriptions.create({
      file: await toFile(Buffer.from(await speech.arrayBuffer()), 'speech.wav'),
      model: 'gemini-3-1-pro-preview',
      response_format: 'text',
    });
    assert.equal(plain, `${text}\n`);
  });

  test('a file that is not audio is refused with the documented 400', async () => {
    await assert.rejects(
      client.audio.transcriptions.create({ file: await toFile(Buffer.from('not audio'), 'notes.txt'), model: 'gpt-audio' }),
      (err) => err instanceof OpenAI.BadRequestError && /^\/file: not a recognised audio file/.test(err.error.detail),
    );
  });
});
