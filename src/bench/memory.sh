#!/usr/bin/env bash
# Whether many connections can run the heap out of memory (README "DoS bounds", max-buffer-memory).
# The jar runs as the chart runs it (-XX:+ExitOnOutOfMemoryError), with the issue's -Xmx256m, against:
#   pipeline: 2,500 connections with 64 frames of 1 KiB in flight each (echoload, every byte checked);
#   unfinished: 6,000 connections that each send 65,000 bytes of a crlf frame without its end, and wait.
# It prints, per load, whether the server survived, the echoes, the buffer-memory errors and its peak RSS.
# Usage: src/bench/memory.sh [jar] [heap]   (default target/tcp-echo.jar, 256m; run src/bench/perf.sh
# first: it builds echoload into /tmp/echo-compare). Needs python3. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
jar=${1:-target/tcp-echo.jar}
heap=${2:-256m}
set -- crlf
. src/bench/side-by-side.sh
port=7341
mport=7342

run() { # name command...
  local name=$1; shift
  "$jdk/bin/java" -Xmx"$heap" -XX:+ExitOnOutOfMemoryError -jar "$jar" --echo.tcp.port=$port \
    --management.server.port=$mport --server.port=0 > "$work/memory-$name.log" 2>&1 &
  local server=$!
  pids+=("$server")
  wait_port $port || { echo "the jar did not start" >&2; exit 1; }
  local peak=0 out
  out=$("$@" 2>&1 &
    load=$!
    while kill -0 $load 2>/dev/null; do
      rss=$(awk '/VmRSS/{print $2}' "/proc/$server/status" 2>/dev/null || echo 0)
      [ "${rss:-0}" -gt "$peak" ] && peak=$rss
      sleep 0.2
    done
    echo "peak_rss_kb=$peak")
  local errors="-"
  if kill -0 "$server" 2>/dev/null; then
    errors=$(curl -s "http://127.0.0.1:$mport/actuator/prometheus" \
      | sed -n 's/^echo_errors_total{.*reason="buffer-memory".*} \([0-9.E]*\)$/\1/p')
    printf '%-10s survived  buffer-memory errors %s  %s\n' "$name" "${errors:-?}" "$(tr '\n' ' ' <<<"$out")"
    kill "$server"
  else
    printf '%-10s DIED (%s)  %s\n' "$name" "$(grep -o 'OutOfMemoryError[^ ]*.*' "$work/memory-$name.log" | head -1)" \
      "$(tr '\n' ' ' <<<"$out")"
  fi
  wait "$server" 2>/dev/null || true
}

echo "jar=$jar heap=$heap"
run pipeline "$work/echoload" -p $port -m pipeline -c 2500 -D 64 -s 1024 -t crlf -d 5 -w 1
run unfinished python3 src/bench/unfinished.py $port
