// After a recorded run (OXEN_RECORD_DIR): the recordings are JSON a person can read, and the
// client's key is in none of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { API_KEY } from './mock_server.mjs';

const dir = process.env.OXEN_RECORD_DIR;

test('the recordings hold no API key', { skip: dir ? false : 'no OXEN_RECORD_DIR' }, () => {
  const files = readdirSync(dir).filter((name) => name.endsWith('.json'));
  assert.ok(files.length > 10, `only ${files.length} recordings`);
  for (const name of files) {
    const text = readFileSync(join(dir, name), 'utf8');
    assert.ok(!text.includes(API_KEY), `${name} holds the key`);
    const recording = JSON.parse(text);
    assert.ok(recording.request.path.startsWith('/api/'), name);
  }
});
