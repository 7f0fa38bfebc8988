#!/usr/bin/env bash
# Soak test: runs target/tcp-echo.jar under steady load for MINUTES (default 10; CI passes 1) and
# fails (exit 1) when heap-after-GC, open file descriptors or threads grew from the start of the
# load to its end beyond the tolerances below, when the buffer memory counted is not back to 0 once
# every connection has closed, when any echo was wrong, or when the server died.
#
#   src/bench/soak.sh [minutes]           (build first: ./mvnw -DskipTests package)
#
# Load, all on 127.0.0.1: the jar's own `bench` command twice (ping-pong: 32 connections, 64-byte
# frames; pipelined: 4 connections, 4 KB frames, 8 in flight), each exiting non-zero on any wrong
# echo, plus a connect-churn loop (one connection per frame; every tenth a partial frame then close,
# every tenth the quit word) so the error and close paths run thousands of times too.
# Measured with no load running: after a warm-up (start) and after the load (end), each after two
# full GCs (jcmd GC.run): heap used, /proc/PID/fd entries, /proc/PID/status Threads. Also at the
# end, with every connection closed, echo_buffer_memory_used_bytes must be back to 0: every grown
# buffer and every frame awaiting its end is counted against max-buffer-memory and released with its
# connection, and a count that leaked would shrink the budget until frames were refused.
#
# Environment: JDK (a JDK 25+ home), SOAK_WARMUP_SECONDS (default 15), and tolerances
# SOAK_HEAP_MB (default 8: allowed heap growth, plus SOAK_HEAP_PERCENT, default 10, of the start),
# SOAK_FDS (default 8), SOAK_THREADS (default 6; JIT compiler and virtual-thread carrier threads
# come and go on their own). Work files and the server log stay in $SOAK_DIR (default a mktemp dir).
set -uo pipefail

MINUTES=${1:-10}
[[ "$MINUTES" =~ ^[0-9]+$ && "$MINUTES" -ge 1 ]] || { echo "usage: $0 [minutes >= 1]" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR=$ROOT/target/tcp-echo.jar
[ -f "$JAR" ] || { echo "no $JAR; build it first: ./mvnw -DskipTests package" >&2; exit 2; }
JDK=${JDK:-$(for d in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
  [ -x "$d/bin/java" ] && "$d/bin/java" -version 2>&1 | grep -q 'version "\(2[5-9]\|[3-9][0-9]\)' && { echo "$d"; break; }
done)}
[ -x "${JDK:-}/bin/java" ] && [ -x "$JDK/bin/jcmd" ] || { echo "no JDK 25+ with jcmd found; set JDK=..." >&2; exit 2; }
JAVA=$JDK/bin/java
WARMUP=${SOAK_WARMUP_SECONDS:-15}
HEAP_MB=${SOAK_HEAP_MB:-8}
HEAP_PERCENT=${SOAK_HEAP_PERCENT:-10}
FDS=${SOAK_FDS:-8}
THREADS=${SOAK_THREADS:-6}
DIR=${SOAK_DIR:-$(mktemp -d /tmp/tcp-echo-soak.XXXXXX)}
mkdir -p "$DIR"

SERVER=""
LOADERS=()
cleanup() {
  # only the processes this script started, by PID
  for pid in "${LOADERS[@]}"; do kill "$pid" 2>/dev/null; done
  if [ -n "$SERVER" ] && kill -0 "$SERVER" 2>/dev/null; then
    kill -TERM "$SERVER" 2>/dev/null
    for _ in $(seq 1 60); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$SERVER" 2>/dev/null
  fi
}
trap cleanup EXIT

"$JAVA" -Xmx256m -jar "$JAR" --echo.tcp.port=0 --echo.tcp.bind-address=127.0.0.1 \
  --server.port=0 --server.address=127.0.0.1 >"$DIR/server.log" 2>&1 &
SERVER=$!
PORT="" HTTP=""
for _ in $(seq 1 240); do
  kill -0 "$SERVER" 2>/dev/null || { echo "server exited at start-up; log: $DIR/server.log" >&2; tail -20 "$DIR/server.log" >&2; exit 1; }
  PORT=$(sed -n 's/.*Echoing on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$DIR/server.log" | head -1)
  HTTP=$(sed -n 's/.*Tomcat started on port \([0-9]*\).*/\1/p' "$DIR/server.log" | head -1)
  [ -n "$PORT" ] && [ -n "$HTTP" ] && break
  sleep 0.5
done
[ -n "$PORT" ] || { echo "server did not bind within 120 s; log: $DIR/server.log" >&2; exit 1; }

# One connection per frame, paced to ~250 connects/s so the churn does not starve the bench load.
# Prints "connects wrong" when it ends.
churn() {
  local until=$1 n=0 wrong=0 line pace
  exec {pace}<> <(:)
  while [ "$EPOCHSECONDS" -lt "$until" ]; do
    n=$((n + 1))
    if exec {c}<>"/dev/tcp/127.0.0.1/$PORT"; then
      case $((n % 10)) in
        0) printf 'half a frame, then close' >&"$c" ;;
        1) printf 'exit\r\n' >&"$c"; IFS= read -r -t 5 line <&"$c" && wrong=$((wrong + 1)) ;;
        *) printf 'churn %d\r\n' "$n" >&"$c"
           IFS= read -r -t 5 line <&"$c"; [ "$line" = "churn $n"$'\r' ] || wrong=$((wrong + 1)) ;;
      esac
      exec {c}>&-
    else
      wrong=$((wrong + 1))
    fi
    read -r -t 0.004 -u "$pace"
  done
  echo "$n $wrong"
}

# Starts the load mix for N seconds in the background; results in $DIR/NAME.*
load() {
  local seconds=$1 name=$2
  LOADERS=()
  "$JAVA" -jar "$JAR" bench --host 127.0.0.1 --port "$PORT" --warmup 0s --duration "${seconds}s" \
    --connections 32 --size 64 >"$DIR/$name.pingpong" 2>&1 & LOADERS+=($!)
  "$JAVA" -jar "$JAR" bench --host 127.0.0.1 --port "$PORT" --warmup 0s --duration "${seconds}s" \
    --connections 4 --size 4096 --depth 8 >"$DIR/$name.pipeline" 2>&1 & LOADERS+=($!)
  churn $((EPOCHSECONDS + seconds)) >"$DIR/$name.churn" & LOADERS+=($!)
}

# Waits for the load started by load NAME; adds to MESSAGES, WRONG and CHURNED.
finish_load() {
  local name=$1 i=0 pid code f kinds=(pingpong pipeline churn)
  for pid in "${LOADERS[@]}"; do
    wait "$pid"; code=$?
    f=${kinds[$i]}; i=$((i + 1))
    if [ "$f" = churn ]; then
      read -r n w <"$DIR/$name.churn" || { n=0; w=1; }
      CHURNED=$((CHURNED + n)); WRONG=$((WRONG + w))
    else
      MESSAGES=$((MESSAGES + $(sed -n 's/.*msgs=\([0-9]*\) .*/\1/p' "$DIR/$name.$f" | head -1 | grep . || echo 0)))
      WRONG=$((WRONG + $(sed -n 's/.*errors=\([0-9]*\).*/\1/p' "$DIR/$name.$f" | head -1 | grep . || echo 0)))
      [ "$code" -eq 0 ] || { WRONG=$((WRONG + 1)); echo "bench $f ($name) exited $code:" >&2; cat "$DIR/$name.$f" >&2; }
    fi
  done
  LOADERS=()
}

at_zero() { # meter tries: prints the meter once it is 0, or after tries x 0.5 s what it still is (-1: unread)
  local value
  for _ in $(seq 1 "$2"); do
    value=$(curl -s --max-time 5 "http://127.0.0.1:$HTTP/actuator/prometheus" \
      | awk -v meter="^$1" '$0 ~ meter {print int($2)}')
    [ "${value:-1}" = 0 ] && break
    sleep 0.5
  done
  echo "${value:--1}"
}

settle() { # wait (max 30 s) until the server has no connection open
  local active
  active=$(at_zero echo_connections_active 60)
  [ "$active" = 0 ] || echo "warning: connections still open: $active" >&2
}

buffer_memory() { # echo_buffer_memory_used_bytes once it is 0, or after 10 s what it still is
  at_zero echo_buffer_memory_used_bytes 20
}

# heap_kb fds threads rss_kb, measured after two full GCs
sample() {
  "$JDK/bin/jcmd" "$SERVER" GC.run >/dev/null && "$JDK/bin/jcmd" "$SERVER" GC.run >/dev/null
  local heap
  heap=$("$JDK/bin/jcmd" "$SERVER" GC.heap_info | awk '/Metaspace/ {exit} {
      for (i = 1; i < NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?$/, "", v); sum += v } }
      END { print sum + 0 }')
  echo "$heap $(ls "/proc/$SERVER/fd" | wc -l) $(awk '/^Threads:/ {print $2}' "/proc/$SERVER/status") \
$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVER/status")"
}

echo "soak: ${MINUTES} min of load on 127.0.0.1:$PORT (server PID $SERVER, JDK $JDK), warm-up ${WARMUP} s; files in $DIR"
MESSAGES=0 WRONG=0 CHURNED=0
load "$WARMUP" warmup
finish_load warmup
MESSAGES=0 CHURNED=0
settle
b0=$(buffer_memory)
read -r h0 f0 t0 r0 <<<"$(sample)"

SECONDS_TOTAL=$((MINUTES * 60))
load "$SECONDS_TOTAL" soak
start=$EPOCHSECONDS
printf '%8s %12s %8s %8s %10s\n' elapsed heap_used_kb fds threads rss_kb
while [ $((EPOCHSECONDS - start)) -lt "$SECONDS_TOTAL" ]; do
  sleep 15
  kill -0 "$SERVER" 2>/dev/null || break
  heap=$("$JDK/bin/jcmd" "$SERVER" GC.heap_info 2>/dev/null | awk '/used/ {v = $0; sub(/.*used /, "", v); sub(/K.*/, "", v); print v; exit}')
  printf '%7ss %12s %8s %8s %10s\n' "$((EPOCHSECONDS - start))" "${heap:-?}" "$(ls "/proc/$SERVER/fd" 2>/dev/null | wc -l)" \
    "$(awk '/^Threads:/ {print $2}' "/proc/$SERVER/status" 2>/dev/null)" "$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVER/status" 2>/dev/null)"
done
finish_load soak
alive=yes
kill -0 "$SERVER" 2>/dev/null || alive=no
if [ "$alive" = yes ]; then
  settle
  b1=$(buffer_memory)
  read -r h1 f1 t1 r1 <<<"$(sample)"
else
  h1=0 f1=0 t1=0 r1=0 b1=-1
fi

heap_allowed=$((HEAP_MB * 1024 + h0 * HEAP_PERCENT / 100))
status=0
verdict() { # name start end allowed-growth
  local growth=$(($3 - $2)) result=ok
  [ "$growth" -gt "$4" ] && { result=GREW; status=1; }
  printf '%-16s %12s %12s %+12d %12s  %s\n' "$1" "$2" "$3" "$growth" "<= $4" "$result"
}
echo
echo "soak summary (${MINUTES} min): $MESSAGES bench echoes, $CHURNED churn connections, wrong echoes or failed runs: $WRONG, server alive: $alive"
printf '%-16s %12s %12s %12s %12s  %s\n' measure start end growth allowed result
verdict heap_after_gc_kb "$h0" "$h1" "$heap_allowed"
verdict open_fds "$f0" "$f1" "$FDS"
verdict threads "$t0" "$t1" "$THREADS"
[ "$b1" = 0 ] && result=ok || { result=LEAKED; status=1; }
printf '%-16s %12s %12s %12s %12s  %s\n' buffer_memory_b "$b0" "$b1" "" "0 at the end" "$result"
printf '%-16s %12s %12s %+12d %12s  %s\n' rss_kb "$r0" "$r1" $((r1 - r0)) "(info)" ""
[ "$WRONG" -eq 0 ] || { echo "FAIL: $WRONG wrong echoes or failed load runs" >&2; status=1; }
[ "$alive" = yes ] || { echo "FAIL: the server died; log: $DIR/server.log" >&2; status=1; }
[ "$status" -eq 0 ] && echo "PASS" || echo "FAIL (log: $DIR/server.log)"
exit "$status"
