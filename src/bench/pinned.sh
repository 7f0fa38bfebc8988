#!/usr/bin/env bash
# Netty (native epoll, NettyBestEcho) and this jar, each given one core of its own: every server is
# pinned to CPU 0 and the load generator to CPU 1 (taskset), so the rate measures the server's work
# rather than how it shares two cores with the load generator (perf.sh's setting). A JVM pinned to
# one CPU sizes itself as in a pod with a CPU limit of 1: one virtual-thread carrier, Serial GC.
# Usage: src/bench/pinned.sh [framing] [rounds]   (run src/bench/perf.sh first: it builds echoload and
# fetches Netty into /tmp/echo-compare). Needs taskset (util-linux) and two CPUs; loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
framing=${1:-crlf}
rounds=${2:-3}
case "$framing" in crlf) term=crlf ;; lf) term=lf ;; raw) term=none ;; *) echo "framing must be crlf, lf or raw" >&2; exit 2 ;; esac
work=${WORK:-/tmp/echo-compare}
jdk=${JDK:-$(for d in /usr/lib/jvm/*; do "$d/bin/java" -version 2>&1 | grep -q 'version "2[5-9]' && { echo "$d"; break; }; done)}
[ -x "$work/echoload" ] && [ -s "$work/netty/cp.txt" ] || { echo "run src/bench/perf.sh first" >&2; exit 2; }
[ -f target/tcp-echo.jar ] || { echo "build first: ./mvnw -DskipTests package" >&2; exit 2; }
command -v taskset > /dev/null || { echo "needs taskset (util-linux)" >&2; exit 2; }
[ "$(nproc)" -ge 2 ] || { echo "needs two CPUs" >&2; exit 2; }

pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
wait_port() { for _ in $(seq 1 120); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.5; done; return 1; }

taskset -c 0 "$jdk/bin/java" --enable-native-access=ALL-UNNAMED -cp "$(cat "$work/netty/cp.txt")" \
  ../shared/bench/NettyBestEcho.java 7305 > "$work/pinned-netty.log" 2>&1 & pids+=($!)
taskset -c 0 "$jdk/bin/java" -Xmx256m -jar target/tcp-echo.jar --echo.tcp.port=7306 --echo.tcp.framing="$framing" \
  --management.server.port=0 --server.port=0 > "$work/pinned-project.log" 2>&1 & pids+=($!)
wait_port 7305 && wait_port 7306 || { echo "a server did not start" >&2; exit 1; }

echo "framing=$framing  servers on CPU 0, load generator on CPU 1; msgs/s, p50 (tcp-echo vs Netty)"
for round in $(seq 1 "$rounds"); do
  for scenario in "pingpong:-c 50 -s 64" "latency1:-c 1 -s 64" "bulk:-m pipeline -c 8 -D 16 -s 1024"; do
    name=${scenario%%:*}; args=${scenario#*:}
    line="round $round $name"
    declare -A rate=() p50=()
    for server in netty:7305 project:7306; do
      label=${server%%:*}; port=${server#*:}
      out=$(taskset -c 1 "$work/echoload" -p "$port" $args -t "$term" -d 5 -w 2 | head -1)
      rate[$label]=$(sed -n 's/.*msgs_per_s=\([0-9]*\).*/\1/p' <<<"$out")
      p50[$label]=$(sed -n 's/.*p50_us=\([0-9]*\).*/\1/p' <<<"$out")
      line+="  $label ${rate[$label]}/s p50 ${p50[$label]} us"
    done
    line+=$(awk -v a="${rate[project]}" -v b="${rate[netty]}" -v c="${p50[project]}" -v d="${p50[netty]}" \
      'BEGIN { printf "  => %.2fx msgs/s, p50 %.2fx", a / b, c / d }')
    echo "$line"
  done
done
