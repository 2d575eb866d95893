// Holds N open streams on a running oxen-mock — half streamed chat completions paced by the mock,
// half GET /api/events subscribers — for a while (or until every stream has ended), and reports how
// many opened, how many ended in error, how many ended as complete HTTP responses, and how many
// chat streams ran to [DONE].
//   node bench/streams_hold.mjs <base-url> <streams> <seconds>
import http from "node:http";

const [base, countArg, secondsArg] = process.argv.slice(2);
const count = Number(countArg || 1000);
const seconds = Number(secondsArg || 10);
const url = new URL(base);
const headers = { Authorization: "Bearer bench-key", "Content-Type": "application/json" };
const chatBody = JSON.stringify({
  model: "gpt-4o", stream: true, messages: [{ role: "user", content: "Tell me a long story about oxen." }],
});
let opened = 0, errors = 0, ended = 0, done = 0, frames = 0;
const requests = [];

function open(kind) {
  return new Promise((resolve) => {
    const options = kind === "chat"
      ? { host: url.hostname, port: url.port, path: "/api/ai/chat/completions", method: "POST", headers, agent: false }
      : { host: url.hostname, port: url.port, path: "/api/events", method: "GET", headers, agent: false };
    const req = http.request(options, (res) => {
      if (res.statusCode !== 200) { errors += 1; res.resume(); return resolve(); }
      opened += 1;
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        frames += 1;
        if (chunk.includes("data: [DONE]")) done += 1;
      });
      res.on("end", () => { ended += 1; });
      res.on("error", () => {});
      resolve();
    });
    req.on("error", () => { errors += 1; resolve(); });
    if (kind === "chat") req.write(chatBody);
    req.end();
    requests.push(req);
  });
}

const started = performance.now();
for (let i = 0; i < count; i += 100)
  await Promise.all(Array.from({ length: Math.min(100, count - i) }, (_, k) => open((i + k) % 2 ? "events" : "chat")));
const openMs = performance.now() - started;
const holdStart = performance.now();
while (performance.now() - holdStart < seconds * 1000 && ended + errors < count)
  await new Promise((r) => setTimeout(r, 50));
const heldS = (performance.now() - holdStart) / 1000;
console.log(`RESULT streams: ${opened}/${count} open in ${openMs.toFixed(0)} ms, ${errors} errors, ` +
            `${ended} ended complete (${done} chat streams reached [DONE]), ${frames} frames in ${heldS.toFixed(1)} s`);
for (const req of requests) req.destroy();
process.exit(0);
