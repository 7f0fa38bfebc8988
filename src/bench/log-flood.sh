#!/usr/bin/env bash
# What a flood of bad connections, each one a "Connection closed in the middle of a frame" WARN (up to
# ten a second, the rest at DEBUG: WarningLimit), costs the other connections, and how many lines it
# logs. A bystander (echoload pingpong, 10 connections x 64 B) runs beside nothing, beside paced clean
# connect-echo-close cycles, and beside as many connections that each send half a frame and close.
# The jar's output goes through a pipe, as a container runtime reads it.
# Usage: src/bench/log-flood.sh [connects per second] [rounds]
# (run src/bench/perf.sh first: it builds echoload into /tmp/echo-compare). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
per_second=${1:-5000}
rounds=${2:-3}
set -- crlf # the jar's default framing, which the bystander and flood.c speak
. src/bench/side-by-side.sh
cc -O2 -pthread -o "$work/flood" src/bench/flood.c
port=7324
log="$work/log-flood.log"

# Not start_project: its output goes to a file, and here it goes through a pipe.
"$jdk/bin/java" -Xmx256m -jar target/tcp-echo.jar --echo.tcp.port=$port --management.server.port=0 \
  --server.port=0 2>&1 | cat > "$log" &
wait_port $port || { echo "the jar did not start" >&2; exit 1; }
pids+=("$(pgrep -f -- "--echo.tcp.port=$port" | head -1)") # stopped on exit by side-by-side.sh
"$work/echoload" -p $port -c 10 -s 64 -d 3 -w 1 > /dev/null # JIT warm-up for every path
"$work/flood" $port 2 2 clean "$per_second" > /dev/null
"$work/flood" $port 2 2 partial "$per_second" > /dev/null

echo "bystander pingpong, 10 connections; flood of $per_second connects/s"
for round in $(seq 1 "$rounds"); do
  for flood in none clean partial; do
    lines=$(wc -l < "$log")
    [ $flood = none ] || { "$work/flood" $port 6 2 $flood "$per_second" > "$work/flood.out" & flood_pid=$!; }
    sleep 0.5
    out=$("$work/echoload" -p $port -c 10 -s 64 -d 5 -w 0 | head -1)
    [ $flood = none ] || wait "$flood_pid"
    echo "round $round  beside $flood: $(grep -oE 'msgs_per_s=[0-9]+|p99_us=[0-9]+' <<<"$out" | tr '\n' ' ')" \
      "$( [ $flood = none ] || cat "$work/flood.out")  log lines: $(( $(wc -l < "$log") - lines ))"
  done
done
