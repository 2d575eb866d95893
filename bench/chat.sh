#!/usr/bin/env bash
# Chat completions benchmark: non-streamed requests per second and latency percentiles with wrk,
# and the time to first byte of streamed answers with curl. Starts its own oxen-mock on
# 127.0.0.1 (a free port) and stops it at the end.
#
#   bench/chat.sh [path/to/oxen-mock]      (default: build/mock/oxen-mock; build Release first)
#
# Tunables (environment): BENCH_THREADS (2), BENCH_CONNECTIONS (50), BENCH_DURATION (10s),
# BENCH_STREAMS (50 streamed requests for the time to first byte).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
streams=${BENCH_STREAMS:-50}
require wrk curl
start_mock
url="http://127.0.0.1:$port/api/ai/chat/completions"

echo
echo "== non-streamed: wrk -t$threads -c$connections -d$duration --latency -s bench/chat_post.lua"
wrk -t"$threads" -c"$connections" -d"$duration" --latency -s bench/chat_post.lua "$url" >"$out.wrk"
cat "$out.wrk"
awk '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} END {printf "RESULT non-streamed: %s req/s, p99 %s\n", rps, p99}' "$out.wrk"

echo
echo "== streamed: time to first byte over $streams requests (curl, one at a time)"
body='{"model":"gpt-4o","messages":[{"role":"user","content":"Tell me about oxen."}],"stream":true,"stream_options":{"include_usage":true}}'
for _ in $(seq "$streams"); do
  curl -s -o /dev/null --max-time 5 -w '%{time_starttransfer} %{time_total}\n' \
    -H 'Authorization: Bearer bench-key' -H 'Content-Type: application/json' -d "$body" "$url"
done | sort -n | awk '{ttfb[NR]=$1*1000; total+=$2*1000} END {
  printf "RESULT streamed: time to first byte median %.2f ms, p90 %.2f ms, max %.2f ms; mean total %.2f ms (n=%d)\n",
    ttfb[int((NR+1)/2)], ttfb[int(NR*0.9)], ttfb[NR], total/NR, NR}'
