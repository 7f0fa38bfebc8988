#!/usr/bin/env bash
# Whether connections that went quiet after a burst slow down busy ones (README "DoS bounds", max-buffer-memory).
# For Netty (native epoll) and each jar (-Xmx256m), the rate of bulk (echoload pipeline: 8 connections x 16 frames of
# 1 KiB in flight) alone, then beside 1,000 connections that each pipelined 64 frames of 1 KiB, read every echo and
# went quiet (src/bench/quiet_burst.py), then again once those have closed; for the jars also what their buffers held
# of max-buffer-memory (echo_buffer_memory_used_bytes) while the 1,000 were quiet.
# Usage: src/bench/quiet.sh [jar...]   (default target/tcp-echo.jar; run src/bench/perf.sh first: it builds echoload
# and Netty into /tmp/echo-compare). Needs python3 and curl. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
jars=("${@:-target/tcp-echo.jar}")
set -- crlf
. src/bench/side-by-side.sh
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

bulk() { field "$("$work/echoload" -p "$1" -m pipeline -c 8 -D 16 -s 1024 -d 5 -w 2 -t crlf | head -1)" msgs_per_s; }
held() {
  [ -n "$1" ] || { echo "-"; return; }
  curl -s "http://127.0.0.1:$1/actuator/prometheus" | awk '/^echo_buffer_memory_used_bytes/{printf "%.1f MB", $2/1048576}'
}

measure() { # name port [management port]
  local alone beside after memory burst out="$work/quiet-$2.out"
  alone=$(bulk "$2")
  python3 src/bench/quiet_burst.py "$2" 1000 64 15 > "$out" & burst=$!
  for _ in $(seq 1 120); do grep -q grown "$out" && break; sleep 0.5; done
  grep -q 'grown 1000 wrong 0' "$out" || { echo "$1: the quiet connections' bursts did not all come back: $(cat "$out")" >&2; exit 1; }
  sleep 3 # quiet for more than a second: what gives buffers back has done so
  memory=$(held "${3:-}")
  beside=$(bulk "$2")
  wait "$burst"
  after=$(bulk "$2")
  printf '%-28s %10s/s %10s/s (%.2fx) %10s/s   %s\n' "$1" "$alone" "$beside" "$(awk -v a="$alone" -v b="$beside" 'BEGIN{print b/a}')" \
    "$after" "$memory"
}

start_netty 7361 quiet-netty.log
port=7362
for jar in "${jars[@]}"; do
  "$jdk/bin/java" -Xmx256m -jar "$jar" --echo.tcp.port=$port --management.server.port=$((port + 100)) --server.port=0 \
    > "$work/quiet-$port.log" 2>&1 & pids+=($!)
  ports+=("$port")
  port=$((port + 1))
done
wait_started
sleep 2
printf '%-28s %12s %22s %12s   %s\n' server "bulk alone" "beside 1,000 quiet" "after" "buffers held while quiet"
measure netty 7361
port=7362
for jar in "${jars[@]}"; do
  measure "$jar" $port $((port + 100))
  port=$((port + 1))
done
