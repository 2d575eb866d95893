#!/usr/bin/env bash
# Memory under a long mixed load: BENCH_SOAK_REQUESTS (1,000,000) requests of bench/soak_mix.lua
# (models, search, chat plain and streamed, images, queue, deploy/undeploy, 400/401/404) against
# one oxen-mock in its default configuration; RSS is read after the first 10 % and at the end.
# The stores are bounded (journal, media URLs, queue), so the two should be close.
#   bench/soak.sh [path/to/oxen-mock]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
total=${BENCH_SOAK_REQUESTS:-1000000}
first=$((total / 10))
require wrk curl
start_mock
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$mock_pid/status"; }
recorded() {
  curl -s "http://127.0.0.1:$port/__admin/health" | sed -n 's/.*"requests_recorded":\([0-9]*\).*/\1/p'
}
load_until() {  # load_until N: runs the mix until the mock has recorded N requests in all
  wrk -t"$threads" -c"$connections" -d1h -s bench/soak_mix.lua "http://127.0.0.1:$port" >"$out.wrk" &
  local wrk_pid=$! started=$SECONDS
  until (( $(recorded) >= $1 )); do
    (( SECONDS - started < 3600 )) || { echo "$me: no progress" >&2; break; }
    sleep 0.2
  done
  kill -INT "$wrk_pid"
  wait "$wrk_pid" || true
  awk '/requests in/ {printf "%s requests in %s", $1, $4} /Non-2xx/ {printf " (%s not 2xx)", $5}
       /Socket errors/ {printf ", %s", $0} END {print ""}' "$out.wrk"
}
echo "RSS ready: $(( $(rss_kb) / 1024 )) MB"
echo "until $first: $(load_until "$first")"
after_first=$(rss_kb)
echo "until $total: $(load_until "$total")"
after_all=$(rss_kb)
awk -v a="$after_first" -v b="$after_all" -v n1="$first" -v n="$total" 'BEGIN {
  printf "RESULT RSS after %d mixed requests: %.1f MB; after %d: %.1f MB (%+.1f %%)\n",
         n1, a / 1024, n, b / 1024, (b - a) * 100 / a }'
