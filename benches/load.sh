#!/usr/bin/env bash
# Load on the dev server: serves the bundled site (`guide serve` on a free
# loopback port), runs wrk at CONNECTIONS concurrent clients against a page,
# and reports requests per second, errors (socket errors and non-2xx answers;
# both must be 0), and the server's peak threads and peak memory, read from
# /proc while the load runs. See BENCHMARKS.md, "Dev server load".
#
#   benches/load.sh
#
# Environment:
#   GUIDE=path        the guide binary (default target/release/guide)
#   CONNECTIONS=n     concurrent clients (default 50)
#   THREADS=n         wrk threads (default 2)
#   DURATION=s        seconds of load (default 10)
#   URL_PATH=/path/   the page fetched (default /)
#
# Needs wrk (Debian: apt-get install wrk).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
guide=${GUIDE:-target/release/guide}
connections=${CONNECTIONS:-50}
threads=${THREADS:-2}
duration=${DURATION:-10}
path=${URL_PATH:-/}

command -v wrk >/dev/null || { echo "load.sh: needs wrk (apt-get install wrk)" >&2; exit 1; }
[ -x "$guide" ] || { echo "load.sh: no $guide; run cargo build --release" >&2; exit 1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
"$guide" serve --root "$repo" --port "$port" >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$log"' EXIT

for _ in $(seq 600); do
    grep -q "Serving at" "$log" && break
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.1
done
grep -q "Serving at" "$log" || { echo "load.sh: the server did not start" >&2; cat "$log" >&2; exit 1; }
url="http://127.0.0.1:$port$path"
status=$(curl -s -o /dev/null -w '%{http_code}' "$url" 2>/dev/null || echo "?")
idle_threads=$(awk '/^Threads:/ {print $2}' "/proc/$pid/status")
idle_rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")

# Sample the thread count while wrk runs (VmHWM is the kernel's own peak).
samples=$(mktemp)
(
    while kill -0 "$pid" 2>/dev/null; do
        awk '/^Threads:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true
        sleep 0.05
    done
) >"$samples" &
sampler=$!

result=$(wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "$url")
kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true
peak_threads=$(sort -n "$samples" | tail -1)
peak_rss=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")
sleep 2
settled_threads=$(awk '/^Threads:/ {print $2}' "/proc/$pid/status")
rm -f "$samples"

echo "$result"
rps=$(echo "$result" | awk '/^Requests\/sec:/ {print $2}')
socket_errors=$(echo "$result" | awk '/Socket errors:/ {sub(/.*Socket errors: */, ""); print}')
non_2xx=$(echo "$result" | awk '/Non-2xx or 3xx responses:/ {print $NF}')
p99=$(echo "$result" | awk '$1 == "99%" {print $2}')
echo
echo "page:            $url (first answer $status)"
echo "clients:         $connections, for ${duration}s (wrk -t$threads)"
echo "requests/s:      $rps"
echo "latency p99:     $p99"
echo "errors:          socket ${socket_errors:-none}; non-2xx/3xx ${non_2xx:-0}"
echo "server threads:  $idle_threads idle, $peak_threads peak, $settled_threads 2 s after"
echo "server memory:   $((idle_rss / 1024)) MiB idle, $((peak_rss / 1024)) MiB peak (VmHWM)"
if [ -n "$socket_errors" ] || [ -n "$non_2xx" ]; then
    echo "load.sh: errors seen" >&2
    exit 1
fi
