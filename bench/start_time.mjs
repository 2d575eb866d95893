// Start to first answer: spawns a server, asks URL every millisecond until it answers 200, stops
// the server; RUNS times (5). Prints the median in milliseconds.
//   node bench/start_time.mjs <url> <command> [arg...]
import { spawn } from "node:child_process";
import http from "node:http";

const [url, command, ...args] = process.argv.slice(2);
const runs = Number(process.env.RUNS || 5);

function answers() {
  return new Promise((resolve) => {
    const req = http.get(url, { headers: { Authorization: "Bearer k" }, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
  });
}

async function once() {
  const started = performance.now();
  const child = spawn(command, args, { stdio: "ignore" });
  try {
    while (performance.now() - started < 30000) {
      if (await answers()) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 1));
    }
    return NaN;
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
}

const times = [];
for (let i = 0; i < runs; i++) times.push(await once());
times.sort((a, b) => a - b);
console.log(times[Math.floor(times.length / 2)].toFixed(1));
