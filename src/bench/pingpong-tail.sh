#!/usr/bin/env bash
# Ping-pong tail latency (echoload's p50 and p99, 50 connections x 64 B, one in flight each) for Netty
# (native epoll, NettyBestEcho), this jar with the JDK's two read sub-pollers (-Djdk.readPollers=2,
# the JDK's default on two CPUs), and the jar as shipped (one on two CPUs: ReadPollers), side by side.
# Usage: src/bench/pingpong-tail.sh [framing] [rounds]   (run src/bench/perf.sh first: it builds
# echoload and fetches Netty into /tmp/echo-compare). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${2:-3}
. src/bench/side-by-side.sh
[ "$(nproc)" -eq 2 ] || echo "note: $(nproc) CPUs; the shipped jar sets one read sub-poller only on two" >&2

start_netty 7305 tail-netty.log
start_project 7306 tail-two-pollers.log -Djdk.readPollers=2
start_project 7307 tail-shipped.log
wait_started

echo "framing=$framing  pingpong: msgs/s, p50, p99"
for round in $(seq 1 "$rounds"); do
  line="round $round"
  for server in netty:7305 two-pollers:7306 shipped:7307; do
    out=$("$work/echoload" -p "${server#*:}" -c 50 -s 64 -t "$term" -d 4 -w 2 | head -1)
    line+="  ${server%%:*} $(field "$out" msgs_per_s)/s p50 $(field "$out" p50_us) p99 $(field "$out" p99_us) us"
  done
  echo "$line"
done
