#!/usr/bin/env bash
# What echo.tcp.idle-timeout costs (src/bench/README.md, "Idle timeout"): server CPU per echo of the jar without
# an idle timeout and with idle-timeout=5m, side by side, plus with idle-timeout=5m for each extra jar given (an
# earlier build, say). Rotated rounds of bulk (echoload pipeline, 8 connections x 16 frames of 1 KiB in flight) and
# pingpong (50 connections x 64 B); each server's CPU time (utime + stime from /proc) over its messages.
# Usage: src/bench/idle-timeout.sh [rounds] [jar...]   (default 4 rounds; run src/bench/perf.sh first). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-4}
shift || true
set -- crlf "$@"
. src/bench/side-by-side.sh
shift
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

names=() servers=()
start() { # name port jar [argument...]
  local name=$1 port=$2 jar=$3; shift 3
  "$jdk/bin/java" -Xmx256m -jar "$jar" --echo.tcp.port="$port" --management.server.port=0 --server.port=0 "$@" \
    > "$work/idle-timeout-$port.log" 2>&1 & pids+=($!)
  ports+=("$port") names+=("$name") servers+=("$!:$port")
}
start "off" 7381 target/tcp-echo.jar
start "idle-timeout=5m" 7382 target/tcp-echo.jar --echo.tcp.idle-timeout=5m
port=7383
for jar in "$@"; do
  start "$jar, idle-timeout=5m" $port "$jar" --echo.tcp.idle-timeout=5m
  port=$((port + 1))
done
wait_started
sleep 2

run() { # pid port echoload arguments...: "rate/s cpu-per-echo"
  local pid=$1 port=$2 before line; shift 2
  before=$(ticks "$pid")
  line=$("$work/echoload" -p "$port" "$@" -d 5 -w 0 -t crlf | head -1)
  awk -v r="$(field "$line" msgs_per_s)" -v m="$(field "$line" msgs)" -v t=$(($(ticks "$pid") - before)) \
    -v hz="$hz" 'BEGIN { printf "%9d/s %6.2f us", r, t * 1e6 / hz / m }'
}
for server in "${servers[@]}"; do # warm-up
  "$work/echoload" -p "${server#*:}" -m pipeline -c 8 -D 16 -s 1024 -d 3 -w 0 -t crlf > /dev/null
  "$work/echoload" -p "${server#*:}" -c 50 -s 64 -d 3 -w 0 -t crlf > /dev/null
done
printf '%-5s %-48s %-22s %s\n' round server "bulk: rate, CPU/echo" "pingpong: rate, CPU/echo"
for round in $(seq 1 "$rounds"); do
  count=${#servers[@]}
  for i in $(seq 0 $((count - 1))); do
    j=$(((i + round) % count)) # each round starts with the next server
    server=${servers[j]}
    bulk=$(run "${server%:*}" "${server#*:}" -m pipeline -c 8 -D 16 -s 1024)
    pingpong=$(run "${server%:*}" "${server#*:}" -c 50 -s 64)
    printf '%-5s %-48s %-22s %s\n' "$round" "${names[j]}" "$bulk" "$pingpong"
  done
done
