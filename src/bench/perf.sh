#!/usr/bin/env bash
# Performance run for the README's table: the shared side-by-side benchmark (C epoll floor, Netty's
# EchoServer, Netty with native epoll, socat, this jar) plus the 10,000-connection hold in a 256 MB heap.
# Usage: src/bench/perf.sh [framing]   (default crlf; lf and raw are the other shipped-default checks)
# Needs ../shared/bench (beside the project's root), a C compiler and target/tcp-echo.jar (./mvnw package).
set -euo pipefail
cd "$(dirname "$0")/../.."
framing=${1:-crlf}
shared=../shared/bench
[ -x "$shared/compare.sh" ] || { echo "no $shared/compare.sh" >&2; exit 2; }
[ -f target/tcp-echo.jar ] || { echo "build first: ./mvnw -DskipTests package" >&2; exit 2; }
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
case "$framing" in
  crlf) term=crlf ;;
  lf) term=lf ;;
  raw) term=none ;;
  *) echo "framing must be crlf, lf or raw" >&2; exit 2 ;;
esac
# echoload's messages end with the framing's terminator (none for raw), so every server echoes them whole.
export SCENARIOS="pingpong:-c 50 -s 64 -d 5 -w 2 -t $term|latency1:-c 1 -s 64 -d 4 -w 1 -t $term|bulk:-m pipeline -c 8 -D 16 -s 1024 -d 5 -w 2 -t $term|churn:-m churn -c 20 -d 4 -w 1 -t $term"
export HOLD=${HOLD:-10000}
export PROJECT_ARGS="--echo.tcp.framing=$framing ${PROJECT_ARGS:-}"
echo "framing=$framing machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GB, $(uname -r)"
"$shared/compare.sh" target/tcp-echo.jar
