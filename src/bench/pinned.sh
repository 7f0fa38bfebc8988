#!/usr/bin/env bash
# Netty (native epoll, NettyBestEcho) and this jar, each given one core of its own: every server is
# pinned to CPU 0 and the load generator to CPU 1 (taskset), so the rate measures the server's work
# rather than how it shares two cores with the load generator (perf.sh's setting). A JVM pinned to
# one CPU sizes itself as in a pod with a CPU limit of 1: one virtual-thread carrier, Serial GC.
# Usage: src/bench/pinned.sh [framing] [rounds]   (run src/bench/perf.sh first: it builds echoload and
# fetches Netty into /tmp/echo-compare). Needs taskset (util-linux) and two CPUs; loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${2:-3}
. src/bench/side-by-side.sh
need_taskset_and_two_cpus

launcher=(taskset -c 0)
start_netty 7305 pinned-netty.log
start_project 7306 pinned-project.log
wait_started

echo "framing=$framing  servers on CPU 0, load generator on CPU 1; msgs/s, p50 (tcp-echo vs Netty)"
for round in $(seq 1 "$rounds"); do
  for scenario in "pingpong:-c 50 -s 64" "latency1:-c 1 -s 64" "bulk:-m pipeline -c 8 -D 16 -s 1024"; do
    name=${scenario%%:*}; args=${scenario#*:}
    line="round $round $name"
    declare -A rate=() p50=()
    for server in netty:7305 project:7306; do
      label=${server%%:*}; port=${server#*:}
      out=$(taskset -c 1 "$work/echoload" -p "$port" $args -t "$term" -d 5 -w 2 | head -1)
      rate[$label]=$(field "$out" msgs_per_s)
      p50[$label]=$(field "$out" p50_us)
      line+="  $label ${rate[$label]}/s p50 ${p50[$label]} us"
    done
    line+=$(awk -v a="${rate[project]}" -v b="${rate[netty]}" -v c="${p50[project]}" -v d="${p50[netty]}" \
      'BEGIN { printf "  => %.2fx msgs/s, p50 %.2fx", a / b, c / d }')
    echo "$line"
  done
done
