#!/usr/bin/env bash
# Connect churn while many idle connections stay open: what a load balancer's health checks or a
# connection-limit test see next to a full server. Netty (native epoll, NettyBestEcho) and this jar
# side by side. Per server and round: churn alone, then churn while a second load generator holds N
# idle connections (each echoes once before and once after), then the held connections' result.
# The held connections come from 127.0.0.2 so they take no ephemeral ports from the churn's 127.0.0.1
# (otherwise the client kernel's port search, not the server, slows the churn down).
# Usage: src/bench/held-churn.sh [framing] [rounds] [held]   (run src/bench/perf.sh first: it builds
# echoload and fetches Netty into /tmp/echo-compare). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${2:-2}
held=${3:-10000}
. src/bench/side-by-side.sh

start_netty 7305 held-netty.log
start_project 7306 held-project.log
wait_started

echo "framing=$framing  churn (20 slots) cycles/s and p50, alone and with $held idle connections held"
for round in $(seq 1 "$rounds"); do
  declare -A rate=()
  for server in netty-best:7305 tcp-echo:7306; do
    label=${server%%:*}; port=${server#*:}
    alone=$("$work/echoload" -p "$port" -m churn -c 20 -t "$term" -d 4 -w 1 | head -1)
    # holds them 25 s once all are open: opening takes a few seconds, the churn below ends 17 s in
    "$work/echoload" -h 127.0.0.2 -p "$port" -m hold -c "$held" -t "$term" -d 25 > "$work/held-hold.out" &
    holder=$!
    sleep 12
    beside=$("$work/echoload" -p "$port" -m churn -c 20 -t "$term" -d 4 -w 1 | head -1)
    wait "$holder"
    hold=$(head -1 "$work/held-hold.out")
    rate[$label]=$(field "$beside" msgs_per_s)
    echo "round $round $label: alone $(field "$alone" msgs_per_s)/s p50 $(field "$alone" p50_us) us;" \
      "beside $held held $(field "$beside" msgs_per_s)/s p50 $(field "$beside" p50_us) us;" \
      "held $(field "$hold" held) still echoing $(field "$hold" still_echoing) errors $(field "$hold" errors)"
  done
  awk -v n="${rate[netty-best]}" -v p="${rate[tcp-echo]}" -v r="$round" \
    'BEGIN { printf "round %d: tcp-echo/netty-best beside the held connections %.3fx\n", r, p / n }'
done
