// Starts a real oxen-mock for the tests: the binary comes from OXEN_MOCK_BIN (CTest passes the
// one it built), the port from the first line the mock prints.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export const API_KEY = 'test-key';

// `clock`: 'real' for a client that cannot move the clock itself (the conformance harness).
export async function startMock(extraArgs = [], { clock = 'manual' } = {}) {
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
