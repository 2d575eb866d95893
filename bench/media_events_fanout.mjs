// Opens N GET /api/events streams on a running oxen-mock, enqueues one image job whose duration
// is 0, and reports how long each stream took to receive its completion event.
//   node bench/media_events_fanout.mjs <base-url> <streams>
import http from "node:http";

const [base, countArg] = process.argv.slice(2);
const count = Number(countArg || 100);
const url = new URL(base);
const agent = false; // one socket per stream, no pooling
const headers = { Authorization: "Bearer bench-key" };
const deadline = setTimeout(() => { console.error("fan-out: timed out"); process.exit(1); }, 60000);

function open() {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: url.hostname, port: url.port, path: "/api/events", headers, agent }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}`));
      const stream = { res, received: null, buffer: "" };
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        stream.buffer += chunk;
        if (stream.received === null && stream.buffer.includes("event: media_generation_completed"))
          stream.received = performance.now();
      });
      resolve(stream);
    });
    req.on("error", reject);
  });
}

const openedAt = performance.now();
const streams = [];
for (let i = 0; i < count; i += 100)
  streams.push(...(await Promise.all(Array.from({ length: Math.min(100, count - i) }, open))));
const openMs = performance.now() - openedAt;

const sentAt = performance.now();
const body = JSON.stringify({ model: "flux-2-dev", prompt: "fan-out" });
await new Promise((resolve, reject) => {
  const req = http.request({ host: url.hostname, port: url.port, path: "/api/ai/queue", method: "POST",
    headers: { ...headers, "Content-Type": "application/json" } }, (res) => { res.resume(); res.on("end", resolve); });
  req.on("error", reject);
  req.end(body);
});
while (streams.some((s) => s.received === null)) await new Promise((r) => setTimeout(r, 5));
const lat = streams.map((s) => s.received - sentAt).sort((a, b) => a - b);
const pct = (p) => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))].toFixed(1);
console.log(`RESULT events fan-out: ${count} streams opened in ${openMs.toFixed(0)} ms; ` +
  `event received after enqueue: p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${lat[lat.length - 1].toFixed(1)} ms`);
clearTimeout(deadline);
for (const s of streams) s.res.destroy();

