# Shared by the bench scripts (source it): settings, prerequisites, and one oxen-mock on a free
# 127.0.0.1 port that is stopped when the script exits.
bin=${1:-${OXEN_MOCK_BIN:-build/mock/oxen-mock}}
threads=${BENCH_THREADS:-2}
connections=${BENCH_CONNECTIONS:-50}
duration=${BENCH_DURATION:-10s}
me=$(basename "$0")

require() {  # require COMMAND...
  for c in "$@"; do
    command -v "$c" >/dev/null || { echo "$me: $c is missing (bench/run installs it)" >&2; exit 1; }
  done
  [[ -x $bin ]] || { echo "$me: no oxen-mock at $bin (scripts/build first)" >&2; exit 1; }
}

# start_mock [OPTION...]: starts "$bin" --port 0 --api-key bench-key OPTION..., sets $port.
start_mock() {
  out=$(mktemp)
  "$bin" --port 0 --api-key bench-key "$@" >"$out" 2>&1 &
  mock_pid=$!
  trap 'kill "$mock_pid" 2>/dev/null; wait "$mock_pid" 2>/dev/null; rm -f "$out" "$out.wrk"' EXIT
  for _ in $(seq 100); do
    grep -q 'listening on' "$out" && break
    sleep 0.05
  done
  port=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$out" | head -1)
  [[ -n $port ]] || { echo "$me: oxen-mock did not start:" >&2; cat "$out" >&2; exit 1; }
  echo "oxen-mock $("$bin" --version | awk '{print $2}') on port $port; $(nproc) cores"
}
