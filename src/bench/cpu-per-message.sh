#!/usr/bin/env bash
# CPU time per echoed message (per connect-echo-close cycle in churn), Netty (native epoll,
# NettyBestEcho) and this jar side by side: where a throughput ratio says "slower", this says whose
# CPU the difference is. Per server and run it prints the server's CPU per message and the load
# generator's (both share the machine's cores, so their sum sets the rate). The jar runs with the
# JDK's one carrier per CPU (-Decho.carriers.adaptive=false; the shipped count follows the CPUs free)
# and, in a third column, with one virtual-thread carrier (-Djdk.virtualThreadScheduler.parallelism=1),
# to show what the scheduler's spreading costs.
# Usage: src/bench/cpu-per-message.sh [framing]   (run src/bench/perf.sh first: it builds echoload and
# fetches Netty into /tmp/echo-compare). CPU is utime+stime: the server's from /proc/PID/stat, the load
# generator's from this shell's reaped children; over a 6 s run, divided by the messages echoed; two
# rounds, alternating servers, loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
. src/bench/side-by-side.sh

start_netty 7305 cpu-netty.log
start_project 7306 cpu-project.log -Decho.carriers.adaptive=false
start_project 7307 cpu-project-1.log -Djdk.virtualThreadScheduler.parallelism=1
wait_started

echo "framing=$framing  CPU per message (utime+stime / messages): server, load generator (lg); $(nproc) cores"
for round in 1 2; do
  for scenario in "pingpong:-c 50 -s 64" "bulk:-m pipeline -c 8 -D 16 -s 1024" "churn:-m churn -c 20"; do
    name=${scenario%%:*}; args=${scenario#*:}
    line="round $round $name"
    for server in netty-best:7305:0 project:7306:1 project-1-carrier:7307:2; do
      IFS=: read -r label port index <<<"$server"
      "$work/echoload" -p "$port" $args -t "$term" -d 2 -w 0 > /dev/null # warm-up
      before=$(ticks "${pids[$index]}")
      lg_before=$(child_ticks)
      "$work/echoload" -p "$port" $args -t "$term" -d 6 -w 0 > "$work/cpu-run.out"
      lg_after=$(child_ticks)
      after=$(ticks "${pids[$index]}")
      out=$(head -1 "$work/cpu-run.out")
      msgs=$(field "$out" msgs)
      rate=$(field "$out" msgs_per_s)
      line+=$(awk -v t=$((after - before)) -v g=$((lg_after - lg_before)) -v hz="$hz" -v m="$msgs" -v r="$rate" \
        -v l="$label" 'BEGIN { printf "  %s %d/s %.2f us/msg (lg %.2f)", l, r, t * 1e6 / hz / m, g * 1e6 / hz / m }')
    done
    echo "$line"
  done
done
