#!/usr/bin/env bash
# Ping-pong (50 connections x 64 B, one in flight each) against how many threads a server spreads its
# connections over, side by side: Netty (native epoll, NettyBestEcho) with its default of two event
# loops per CPU, with one per CPU and with one; this jar with the JDK's one virtual-thread carrier per
# CPU (-Decho.carriers.adaptive=false: the shipped count follows the CPUs free) and with one carrier.
# On a machine whose cores the load generator shares, the rate follows the thread count more than the
# server (src/bench/README.md, "Where the time goes").
# Usage: src/bench/threads.sh [framing] [rounds]   (run src/bench/perf.sh first: it builds echoload and
# fetches Netty into /tmp/echo-compare). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${2:-3}
. src/bench/side-by-side.sh
cpus=$(nproc)

start_netty 7305 threads-netty-default.log
start_netty 7306 threads-netty-per-cpu.log "$cpus"
start_netty 7307 threads-netty-one.log 1
start_project 7308 threads-per-cpu.log -Decho.carriers.adaptive=false
start_project 7309 threads-one-carrier.log -Djdk.virtualThreadScheduler.parallelism=1
wait_started

echo "framing=$framing cpus=$cpus  pingpong: msgs/s (p99 us); tcp-echo against Netty with the same thread count"
for round in $(seq 1 "$rounds"); do
  declare -A rate=()
  line="round $round"
  for server in netty-$((2 * cpus))-loops:7305 netty-$cpus-loops:7306 netty-1-loop:7307 \
      tcp-echo-$cpus-carriers:7308 tcp-echo-1-carrier:7309; do
    out=$("$work/echoload" -p "${server#*:}" -c 50 -s 64 -t "$term" -d 4 -w 2 | head -1)
    rate[${server#*:}]=$(field "$out" msgs_per_s)
    line+="  ${server%%:*} ${rate[${server#*:}]} ($(field "$out" p99_us))"
  done
  echo "$line"
  awk -v s="${rate[7308]}" -v n="${rate[7306]}" -v d="${rate[7305]}" -v s1="${rate[7309]}" -v n1="${rate[7307]}" \
    'BEGIN { printf "  tcp-echo/netty: %.2fx at one thread per CPU, %.2fx against Netty'"'"'s default, %.2fx at one thread\n", s / n, s / d, s1 / n1 }'
done
