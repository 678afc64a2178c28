#!/usr/bin/env bash
# The Dockerfile's deps and runtime stages, run without a container engine on the built tree
# (`npm ci` has built dist/ and build/, as the Dockerfile's build stage does):
#   deps:    npm ci --omit=dev --ignore-scripts in a directory holding only package.json and the lock
#   runtime: the files the runtime stage copies, put together in a fresh directory, then run from
#            there as the image's user (65532, when this runs as root): `--version`, one `schedule`
#            (the WASM kernels load), and `serve` on the bundled example until it listens.
# Needs the npm registry (or npm's cache) and nothing else. test/scripts/image-check.test.ts runs it as part
# of `npm test` and checks the Dockerfile copies the same paths (RUNTIME_PATHS below).
#
# Usage: scripts/image-check.sh [workdir]   (default: a fresh temp dir, removed afterwards)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"

# What the runtime stage copies from the build context and from the build stage (keep in step with
# the Dockerfile's COPY lines; the test compares them).
RUNTIME_PATHS=(package.json bin examples dist build)
IMAGE_UID=65532

fail() { echo "image-check: $*" >&2; exit 1; }

for p in dist/cli/main.js build/podfit.wasm build/podfit-scalar.wasm; do
  [ -f "$repo/$p" ] || fail "$p is missing: build first (npm ci or npm run build)"
done

if [ $# -ge 1 ]; then work="$1"; mkdir -p "$work"; else work="$(mktemp -d "${TMPDIR:-/tmp}/podfit-image-check.XXXXXX")"; trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT; fi
deps="$work/deps"
app="$work/app"
rm -rf "$deps" "$app"
mkdir -p "$deps" "$app"

echo "image-check: deps stage (npm ci --omit=dev) in $deps"
cp "$repo/package.json" "$repo/package-lock.json" "$deps/"
(cd "$deps" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error) >&2
for dev in typescript assemblyscript vitest; do
  [ ! -e "$deps/node_modules/$dev" ] || fail "the production install holds the dev dependency $dev"
done

echo "image-check: runtime stage in $app"
cp -R "$deps/node_modules" "$app/node_modules"
for p in "${RUNTIME_PATHS[@]}"; do cp -R "$repo/$p" "$app/$p"; done
chmod 0755 "$app/bin/podfit.js"
# The image's files are root-owned and not writable by its user; the runtime must not need to write.
chmod -R a-w "$app"

# As the image's user when possible (root here can write anywhere, so that would prove less).
run=()
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
  run=(setpriv --reuid="$IMAGE_UID" --regid="$IMAGE_UID" --clear-groups --)
  chmod a+rx "$work"
fi
# In /app (the image's WORKDIR), with the image's environment and no home directory.
# (env, setpriv and the subshell all exec, so the process is node itself: signals reach podfit.)
podfit() { (cd "$app" && exec env -i PATH="$PATH" HOME=/nonexistent NODE_ENV=production "${run[@]}" node bin/podfit.js "$@"); }

want="$(node -p "require('$repo/package.json').version")"
got="$(podfit --version)"
[ "$got" = "$want" ] || fail "podfit --version printed '$got', expected '$want'"
echo "image-check: podfit --version = $got"

placed="$(podfit schedule --cluster examples/cluster.yaml --pod examples/pod.yaml -o json --engine wasm)"
node -e 'const r = JSON.parse(process.argv[1]); if (!r.selectedNode) process.exit(1); console.log(`image-check: schedule placed the example pod on ${r.selectedNode}`)' "$placed" \
  || fail "podfit schedule did not place the example pod: $placed"

# serve until it prints its listening line (at most 30 s), then SIGTERM: it must exit 0.
log="$work/serve.log"
(cd "$app" && exec env -i PATH="$PATH" HOME=/nonexistent NODE_ENV=production "${run[@]}" node bin/podfit.js \
  serve --cluster examples/cluster.yaml --port 0 --address 127.0.0.1 --log-level warn > "$log" 2>&1) &
pid=$!
for _ in $(seq 1 300); do
  grep -q 'listening on' "$log" && break
  kill -0 "$pid" 2> /dev/null || break
  sleep 0.1
done
grep -q 'listening on' "$log" || { kill "$pid" 2> /dev/null || true; fail "podfit serve did not start: $(cat "$log")"; }
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
[ "$status" = 0 ] || fail "podfit serve exited $status after SIGTERM: $(cat "$log")"
echo "image-check: serve listened and exited 0 on SIGTERM"

chmod -R u+w "$app"
echo "image-check: ok"
