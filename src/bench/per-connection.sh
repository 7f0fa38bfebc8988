#!/usr/bin/env bash
# Heap per idle connection (README "Performance", per-connection memory), in a fresh JVM ("cold": its first
# connections, before the JIT has compiled the read path) and after a warm-up of pingpong and churn ("warm", as
# perf.sh's hold finds it). Each round starts the jar (-Xmx256m), takes a class histogram (which runs a full GC
# first), holds N connections with echoload's hold mode (each echoes before and after), takes a second histogram
# while they are held, and prints the live heap's growth per connection, the RSS growth, and the classes that grew
# most. Cold and warm alternate; COLD_ONLY=1 runs only the cold rounds.
# Usage: src/bench/per-connection.sh [connections] [rounds]   (default 10000, 2; run src/bench/perf.sh first: it
# builds echoload into /tmp/echo-compare). Needs python3 and the JDK's jcmd. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
connections=${1:-10000}
rounds=${2:-2}
set -- crlf
. src/bench/side-by-side.sh
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
port=7351

histogram() { # pid file: live objects by class, after a full GC
  "$jdk/bin/jcmd" "$1" GC.class_histogram > "$2"
}

round() { # cold|warm
  local kind=$1 server load rss0 rss1 out
  start_project $port "per-connection-$kind.log"
  server=${pids[-1]}
  wait_port $port || { echo "the jar did not start" >&2; exit 1; }
  if [ "$kind" = warm ]; then
    "$work/echoload" -p $port -m pingpong -c 50 -d 5 -t crlf > /dev/null
    "$work/echoload" -p $port -m churn -c 20 -d 4 -t crlf > /dev/null
  fi
  histogram "$server" "$work/histogram-idle.txt"
  rss0=$(awk '/VmRSS/{print $2}' "/proc/$server/status")
  "$work/echoload" -p $port -m hold -c "$connections" -d 20 -w 1 -t crlf > "$work/per-connection-hold.txt" 2>&1 &
  load=$!
  # Held from about 1-5 s into the hold (connecting 10,000 takes a few seconds); measured well inside its 20 s.
  sleep 12
  histogram "$server" "$work/histogram-held.txt"
  rss1=$(awk '/VmRSS/{print $2}' "/proc/$server/status")
  wait $load
  out=$(cat "$work/per-connection-hold.txt")
  kill "$server"; wait "$server" 2>/dev/null || true
  pids=(); ports=()
  python3 - "$kind" "$connections" "$rss0" "$rss1" "$out" "$work/histogram-idle.txt" "$work/histogram-held.txt" <<'EOF'
import sys
kind, n, rss0, rss1, hold, before, after = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7]

def classes(path):
    found = {}
    for line in open(path):
        f = line.split()
        if len(f) >= 4 and f[0].endswith(':'):
            found[f[3]] = (int(f[1]), int(f[2]))
    return found

idle, held = classes(before), classes(after)
grown = sorted(((b - idle.get(k, (0, 0))[1], c - idle.get(k, (0, 0))[0], k) for k, (c, b) in held.items()), reverse=True)
heap0, heap1 = sum(b for _, b in idle.values()), sum(b for _, b in held.values())
print(f"{kind}: {hold.strip()}")
print(f"{kind}: live heap {heap0 / 1e6:.1f} MB idle, {heap1 / 1e6:.1f} MB holding {n}: {(heap1 - heap0) / n:.0f} B per connection;"
      f" RSS {rss0 / 1024:.0f} -> {rss1 / 1024:.0f} MB")
for size, count, name in grown[:5]:
    print(f"{kind}:   {size / n:7.0f} B  {count / n:5.2f} objects per connection  {name}")
EOF
}

for r in $(seq 1 "$rounds"); do
  round cold
  [ -n "${COLD_ONLY:-}" ] || round warm
done
