#!/usr/bin/env bash
# Many live streams at once: BENCH_STREAMS (1000) open streams on 2 cores — half chat completions
# paced at 20 ms per token on the mock's clock, half GET /api/events subscribers — while wrk
# measures GET /api/ai/models from another client at 10 connections. Then SIGTERM with
# BENCH_SHUTDOWN_STREAMS (200) open streams: how long the mock takes to exit, and how the streams end.
#   bench/streams.sh [path/to/oxen-mock]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
streams=${BENCH_STREAMS:-1000}
hold=${BENCH_HOLD_SECONDS:-15}
require wrk node
ulimit -n 65536 2>/dev/null || true
start_mock --threads $((streams + 200)) --max-event-subscribers "$streams" \
  --chat-tokens-per-second 50 --chat-completion-tokens 1000
base="http://127.0.0.1:$port"
node bench/streams_hold.mjs "$base" "$streams" "$hold" >"$out.streams" &
holder=$!
sleep 5  # let the streams open before measuring
wrk -t1 -c10 -d"$duration" --latency -H 'Authorization: Bearer bench-key' "$base/api/ai/models" >"$out.wrk"
wait "$holder"
cat "$out.streams"
awk '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} END {printf "RESULT GET /api/ai/models beside the streams: %s req/s, p99 %s\n", rps, p99}' "$out.wrk"

shutdown_streams=${BENCH_SHUTDOWN_STREAMS:-200}
node bench/streams_hold.mjs "$base" "$shutdown_streams" 30 >"$out.streams" &
holder=$!
sleep 3
started_ns=$(date +%s%N)
kill -TERM "$mock_pid"
status=0
wait "$mock_pid" || status=$?
exit_ms=$(( ($(date +%s%N) - started_ns) / 1000000 ))
wait "$holder"
echo "RESULT SIGTERM with $shutdown_streams open streams: exit status $status after $exit_ms ms;" \
     "$(sed -n 's/^RESULT streams: //p' "$out.streams")"
rm -f "$out.streams"
