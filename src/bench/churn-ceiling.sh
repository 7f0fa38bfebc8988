#!/usr/bin/env bash
# What sets `churn`'s rate on loopback: the load generator's own kernel, through its local ports.
# Each cycle leaves the client a socket in TIME_WAIT. Linux lets a new connection to the same address and
# port take such a port only once a second has passed since the port's last segment
# (net.ipv4.tcp_tw_reuse, on for loopback by default; net.ipv4.tcp_tw_reuse_delay, 1000 ms, where the
# kernel has it), and connect() tries the even half of
# net.ipv4.ip_local_port_range first. So one client address makes about half the range in connections a
# second to one server (28,232 ports by default: about 14,100 a second); past that, connects scan the
# even half in vain before they find a port, and the load generator's CPU goes there.
# 1. The C epoll floor with 5, 20 and 50 slots: the same rate whatever the slots.
# 2. Rounds of `churn` (20 slots) against the C floor, Netty (native epoll, NettyBestEcho) and this jar,
#    with the load generator's (lg) and each server's CPU per cycle.
# 3. With RANGE="lo hi" (needs root), step 2 again with that port range, which this script sets and puts
#    back when it exits: the rate then rises with the range, and the servers' own differences show.
# Usage: [RANGE="16384 60999"] src/bench/churn-ceiling.sh [framing] [rounds]   (run src/bench/perf.sh
# first: it builds echoload and the C floor and fetches Netty into /tmp/echo-compare). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${2:-3}
. src/bench/side-by-side.sh
[ -x "$work/ref" ] || { echo "run src/bench/perf.sh first" >&2; exit 2; }

range_file=/proc/sys/net/ipv4/ip_local_port_range
range() { tr -s '\t ' ' ' < "$range_file"; }
original_range=$(range)
restore_range() { [ "$(range)" = "$original_range" ] || echo "$original_range" > "$range_file"; }
trap 'restore_range; stop_servers' EXIT

even_ports() { read -r lo hi < "$range_file"; echo $(((hi - lo + 2) / 2)); }

"$work/ref" 7308 > "$work/ceiling-ref.log" 2>&1 & pids+=($!); ports+=(7308)
start_netty 7305 ceiling-netty.log
start_project 7306 ceiling-project.log
wait_started
for port in 7308 7305 7306; do # warm-up: the JIT compiles each server's accept and close path
  "$work/echoload" -p "$port" -m churn -c 20 -t "$term" -d 3 -w 0 > /dev/null
done

echo "framing=$framing  range $(range) ($(even_ports) even ports), tcp_tw_reuse=$(cat /proc/sys/net/ipv4/tcp_tw_reuse)"
line="C floor, slots:"
for slots in 5 20 50; do
  out=$("$work/echoload" -p 7308 -m churn -c "$slots" -t "$term" -d 4 -w 1 | head -1)
  line+="  $slots: $(field "$out" msgs_per_s)/s p50 $(field "$out" p50_us) us"
done
echo "$line"

rounds() { # label
  local round server label port index before after lg_before lg_after out line
  for round in $(seq 1 "$rounds"); do
    line="$1 round $round:"
    for server in c-floor:7308:0 netty-best:7305:1 tcp-echo:7306:2; do
      IFS=: read -r label port index <<<"$server"
      before=$(ticks "${pids[$index]}")
      lg_before=$(child_ticks)
      "$work/echoload" -p "$port" -m churn -c 20 -t "$term" -d 4 -w 1 > "$work/ceiling-run.out"
      lg_after=$(child_ticks)
      after=$(ticks "${pids[$index]}")
      out=$(head -1 "$work/ceiling-run.out")
      # the CPU counts cover the warm-up second too, so divide by the rate times 5 s
      line+=$(awk -v t=$((after - before)) -v g=$((lg_after - lg_before)) -v hz="$hz" -v r="$(field "$out" msgs_per_s)" \
        -v l="$label" 'BEGIN { printf "  %s %d/s %.1f us/cycle (lg %.1f)", l, r, t * 1e6 / hz / (r * 5), g * 1e6 / hz / (r * 5) }')
    done
    echo "$line"
  done
}
rounds "range $(range)"

if [ -n "${RANGE:-}" ]; then
  sleep 61 # lets the TIME_WAIT sockets of the rounds above expire, so both ranges start empty
  echo "$RANGE" > "$range_file"
  echo "range $RANGE ($(even_ports) even ports)"
  rounds "range $RANGE"
fi
