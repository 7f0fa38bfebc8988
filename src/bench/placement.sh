#!/usr/bin/env bash
# What moves `latency1`'s p50 on two CPUs: where the scheduler puts the server's threads relative to the load
# generator's one thread. Netty (native epoll, NettyBestEcho) and this jar are started as perf.sh starts them
# (free to use both CPUs, so the JVMs size themselves for two), then for each round `latency1` (one connection,
# 64 B) runs against each with three placements, set from outside with `taskset -a -p` on every thread:
#   free   - nothing pinned: perf.sh's setting, where Linux decides and may change its mind during a run;
#   shared - both servers and the load generator on CPU 0: each wake-up is a switch on the same CPU;
#   apart  - both servers on CPU 1, the load generator on CPU 0: each wake-up crosses to the other CPU.
# Usage: src/bench/placement.sh [framing] [rounds]   (run src/bench/perf.sh first: it builds echoload and
# fetches Netty into /tmp/echo-compare). Needs taskset (util-linux) and two CPUs; loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${2:-3}
. src/bench/side-by-side.sh
need_taskset_and_two_cpus

start_netty 7305 placement-netty.log
start_project 7306 placement-project.log
wait_started
for port in 7305 7306; do # warm-up, as perf.sh's pingpong row comes before latency1
  "$work/echoload" -p "$port" -c 50 -s 64 -t "$term" -d 4 -w 2 > /dev/null
done

pin_servers() { # cpu list
  local pid
  for pid in "${pids[@]}"; do taskset -a -p -c "$1" "$pid" > /dev/null; done
}

all="0-$(($(nproc) - 1))"
echo "framing=$framing  latency1 p50, tcp-echo vs Netty"
for round in $(seq 1 "$rounds"); do
  line="round $round:"
  for placement in "free:$all:$all" shared:0:0 apart:1:0; do
    IFS=: read -r name server_cpus client_cpus <<<"$placement"
    pin_servers "$server_cpus"
    declare -A p50=()
    for server in netty:7305 project:7306; do
      out=$(taskset -c "$client_cpus" "$work/echoload" -p "${server#*:}" -c 1 -s 64 -t "$term" -d 4 -w 1 | head -1)
      p50[${server%%:*}]=$(field "$out" p50_us)
    done
    line+=$(awk -v n="$name" -v a="${p50[project]}" -v b="${p50[netty]}" \
      'BEGIN { printf "  %s %d vs %d us (%.2fx)", n, a, b, a / b }')
  done
  echo "$line"
done
pin_servers "$all"
