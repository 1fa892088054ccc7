#!/usr/bin/env bash
# Load on `audience serve --demo` with wrk (Debian's `wrk`, installed when
# missing): GET /v1/segments/1/count and POST /v1/segments/preview of the
# 5-condition segment, each on 2 connections and 2 threads for DURATION
# seconds, with latency percentiles. docs/performance.md quotes its output.
#
# usage: bench/http_load.sh [LEADS] [DURATION]   (default 1000000 10)
# Builds build/release's audience first (script/demo's build).
set -euo pipefail
cd "$(dirname "$0")/.."
leads="${1:-1000000}"
duration="${2:-10}"
script/bootstrap wrk
cmake --preset release >/dev/null
cmake --build --preset release -j2 --target audience_cli >/dev/null

port=18480
token="load-test-token-0123456789"
tmp="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
printf '%s\n' "$token" > "$tmp/token"
build/release/examples/cli/audience serve --demo --leads "$leads" \
  --listen "127.0.0.1:$port" --token-file "$tmp/token" > "$tmp/out" 2>&1 &
pid=$!
until grep -q "listening on" "$tmp/out"; do
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/out"; exit 1; }
  sleep 1
done
head -2 "$tmp/out"

cat > "$tmp/preview.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"filters":[{"field":"country","op":"in","value":["US","CA"]},' ..
  '{"field":"tags","op":"has","value":"vip"},' ..
  '{"field":"score","op":"gte","value":500},' ..
  '{"field":"stage","op":"neq","value":"customer"},' ..
  '{"field":"email","op":"ends_with","value":".com"}]}'
LUA

auth="Authorization: Bearer $token"
url="http://127.0.0.1:$port"
echo "== GET /v1/segments/1/count, 2 connections"
wrk -t2 -c2 -d"${duration}s" --latency -H "$auth" "$url/v1/segments/1/count"
echo "== POST /v1/segments/preview (5 conditions), 1 connection"
wrk -t1 -c1 -d"${duration}s" --latency -H "$auth" -s "$tmp/preview.lua" \
  "$url/v1/segments/preview"
