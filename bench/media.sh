#!/usr/bin/env bash
# Media benchmark: synchronous image generation requests per second (url and b64_json) with wrk,
# a media URL fetch rate, and the fan-out of one completion event to many open GET /api/events
# streams (Node.js). Starts its own oxen-mock on 127.0.0.1 (a free port) and stops it at the end.
#
#   bench/media.sh [path/to/oxen-mock]      (default: build/mock/oxen-mock; build Release first)
#
# Tunables (environment): BENCH_THREADS (2), BENCH_CONNECTIONS (50), BENCH_DURATION (10s),
# BENCH_STREAMS (500 event streams; the mock gets --max-event-subscribers STREAMS).
#
# One run (Release, 2 shared cores, BENCH_DURATION=5s, wrk -t2 -c50):
#   images/generate url       23,787 req/s, p99 7.4 ms   (the PNG is rendered when fetched)
#   images/generate b64_json     636 req/s               (256x256 PNG rendered + base64 per request)
#   media URL fetch              613 req/s               (PNG rendered per fetch)
#   events fan-out, 500 streams: one completion reached every stream 55 ms (p50) / 60 ms (max)
#     after the enqueue; that is the 50 ms ticker plus the writes.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
streams=${BENCH_STREAMS:-500}
require wrk node
ulimit -n 65536 2>/dev/null || true
start_mock --max-event-subscribers "$streams" --image-job-queued-ms 0 --image-job-ms 0
base="http://127.0.0.1:$port"

for format in url b64_json; do
  echo
  echo "== images/generate ($format, 256x256 PNG): wrk -t$threads -c$connections -d$duration --latency -s bench/media_image.lua"
  BENCH_FORMAT=$format wrk -t"$threads" -c"$connections" -d"$duration" --latency -s bench/media_image.lua \
    "$base/api/ai/images/generate" >"$out.wrk"
  cat "$out.wrk"
  awk -v f="$format" '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} END {printf "RESULT images/generate %s: %s req/s, p99 %s\n", f, rps, p99}' "$out.wrk"
done

echo
media_url=$(curl -s -H 'Authorization: Bearer bench-key' -H 'Content-Type: application/json' \
  -d '{"model":"flux-2-dev","prompt":"an ox pulling a cart of data","aspect_ratio":"1:1"}' \
  "$base/api/ai/images/generate" | sed -n 's/.*"url":"\([^"]*\)".*/\1/p')
echo "== media URL fetch (PNG re-rendered per fetch): wrk -t$threads -c$connections -d$duration"
wrk -t"$threads" -c"$connections" -d"$duration" --latency "$media_url" >"$out.wrk"
awk '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} END {printf "RESULT media URL fetch: %s req/s, p99 %s\n", rps, p99}' "$out.wrk"

echo
echo "== events fan-out: $streams open GET /api/events streams, one completion"
node bench/media_events_fanout.mjs "$base" "$streams"
