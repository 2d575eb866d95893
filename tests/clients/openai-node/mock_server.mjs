// Starts a real oxen-mock for the tests: the binary comes from OXEN_MOCK_BIN (CTest passes the
// one it built), the port from the first line the mock prints.
//
// OXEN_RECORD=record with OXEN_RECORD_DIR: the tests talk to a recording oxen-mock in front of a
// second one (the upstream), which keeps every answer in the folder; OXEN_RECORD=replay: to an
// oxen-mock that serves those recordings alone (--record-strict), with no upstream running.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export const API_KEY = 'test-key';
export const RECORD_MODE = process.env.OXEN_RECORD ?? '';

// `clock`: 'real' for a client that cannot move the clock itself (the conformance harness).
export async function startMock(extraArgs = [], { clock = 'manual' } = {}) {
  const dir = process.env.OXEN_RECORD_DIR;
  if (RECORD_MODE && !dir) throw new Error('OXEN_RECORD needs OXEN_RECORD_DIR');
  if (RECORD_MODE === 'replay') return spawnMock(['--record', dir, '--record-strict'], clock);
  if (RECORD_MODE !== 'record') return spawnMock(extraArgs, clock);
  const upstream = await spawnMock(extraArgs, clock);
  const recorder = await spawnMock(['--upstream', `${upstream.origin}/api`, '--record', dir], clock);
  return {
    ...recorder,
    async advance(ms) {
      await upstream.advance(ms);
      await recorder.advance(ms);
    },
    async stop() {
      await recorder.stop();
      await upstream.stop();
    },
  };
}

async function spawnMock(extraArgs, clock) {
  const bin = process.env.OXEN_MOCK_BIN;
  if (!bin) throw new Error('set OXEN_MOCK_BIN to the oxen-mock binary (CTest does)');
  const child = spawn(bin, ['--port', '0', '--clock', clock, '--api-key', API_KEY, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const firstLine = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('oxen-mock did not start within 10 s')), 10_000);
    lines.once('line', (line) => { clearTimeout(timer); resolve(line); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`oxen-mock exited with ${code}`)); });
  });
  const match = /:(\d+)\s*$/.exec(firstLine);
  if (!match) throw new Error(`unexpected first line from oxen-mock: ${firstLine}`);
  const origin = `http://127.0.0.1:${match[1]}`;
  return {
    origin,
    baseURL: `${origin}/api/ai`,
    // Moves the mock's manual clock forward.
    async advance(ms) {
      const res = await fetch(`${origin}/__admin/clock`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ advance: ms }),
      });
      if (!res.ok) throw new Error(`advancing the clock failed: ${res.status}`);
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
