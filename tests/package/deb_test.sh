#!/usr/bin/env bash
# The Debian package as a user gets it: CPack builds it from this build tree; its dependencies are
# runtime libraries only; unpacked into a fresh root, every library of the installed programs
# resolves, the man pages and docs are there, the installed oxen-mock (its admin token from the
# environment, as the Dockerfile runs it) answers the Dockerfile's own HEALTHCHECK command and
# passes the installed oxen-conformance's mock profile. Everything is removed again.
#   tests/package/deb_test.sh BUILD_DIR VERSION
set -euo pipefail
build_dir=$1 version=$2
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
mock_pid=
cleanup() {
  if [[ -n $mock_pid ]]; then kill "$mock_pid" 2>/dev/null || true; wait "$mock_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "deb_test: $*" >&2; exit 1; }

(cd "$build_dir" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; fail "cpack failed"; }
deb="$work/out/oxen-mock_${version}_$(dpkg --print-architecture).deb"
[[ -f $deb ]] || fail "expected $deb; cpack made: $(ls "$work/out")"

depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for lib in libcpp-httplib libpng libstdc++6 libc6; do
  [[ $depends == *"$lib"* ]] || fail "Depends lacks $lib"
done
[[ $depends != *-dev* ]] || fail "Depends names a -dev package"

root="$work/root"
dpkg-deb -x "$deb" "$root"
for bin in oxen-mock oxen-conformance; do
  exe="$root/usr/bin/$bin"
  [[ -x $exe ]] || fail "no $exe"
  if ldd "$exe" | grep -q "not found"; then ldd "$exe"; fail "$bin: a library does not resolve"; fi
  [[ $("$exe" --version) == "$bin $version" ]] || fail "$bin --version: $("$exe" --version)"
  zcat "$root/usr/share/man/man1/$bin.1.gz" | grep -q "^\.TH ${bin^^} 1" || fail "no man page for $bin"
done
for doc in README.md configuration.md conformance.md; do
  [[ -f $root/usr/share/doc/oxen-mock/$doc ]] || fail "no /usr/share/doc/oxen-mock/$doc"
done

export OXEN_MOCK_ADMIN_TOKEN=package-test-admin
"$root/usr/bin/oxen-mock" --port 0 >"$work/mock.out" 2>&1 &
mock_pid=$!
for _ in $(seq 100); do
  grep -q "listening on" "$work/mock.out" && break
  sleep 0.1
done
url=$(sed -n 's/^oxen-mock listening on //p' "$work/mock.out")
[[ -n $url ]] || { cat "$work/mock.out"; fail "the installed oxen-mock did not start"; }
healthcheck=$(sed -n 's/^HEALTHCHECK .* CMD //p' "$source_dir/Dockerfile")
[[ -n $healthcheck ]] || fail "the Dockerfile has no HEALTHCHECK"
bash -c "${healthcheck//http:\/\/127.0.0.1:8080/$url}" >/dev/null || fail "the HEALTHCHECK command failed: $healthcheck"
"$root/usr/bin/oxen-conformance" run --base-url "$url/api" --api-key package-test --profile mock \
  --timeout 10 --stream-budget 30 >"$work/run.out" || { cat "$work/run.out"; fail "the mock profile failed"; }
tail -n 1 "$work/run.out"
kill -TERM "$mock_pid"
wait "$mock_pid" || fail "oxen-mock did not exit 0 on SIGTERM"
mock_pid=
echo "deb_test: $(basename "$deb") passed"
