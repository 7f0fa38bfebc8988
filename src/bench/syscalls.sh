#!/usr/bin/env bash
# System calls per echo (pingpong: 50 connections x 64 B, one in flight each) and per connect-echo-close
# cycle (churn: 20 slots) for Netty (native epoll, NettyBestEcho) and this jar, side by side. Counts come
# from the kernel's syscall tracepoints through `perf stat -p` (low overhead, unlike strace, which slows a
# server so much that its reads never find an empty socket). Needs perf and access to the tracepoints
# (root, or kernel.perf_event_paranoid <= -1).
# Usage: src/bench/syscalls.sh [framing] [rounds]   (run src/bench/perf.sh first: it builds echoload and
# fetches Netty into /tmp/echo-compare). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${2:-2}
. src/bench/side-by-side.sh
command -v perf >/dev/null || { echo "needs perf (Debian: apt-get install linux-perf)" >&2; exit 2; }

calls=(read recvfrom write sendto epoll_ctl epoll_wait epoll_pwait epoll_pwait2 futex sched_yield
  accept accept4 fcntl setsockopt getsockopt getsockname shutdown close)
events=$(printf 'syscalls:sys_enter_%s,' "${calls[@]}")
events=${events%,}

start_netty 7315 syscalls-netty.log
start_project 7316 syscalls-jar.log
wait_started
names=(netty jar)
for i in 0 1; do # warm up both JITs before counting
  "$work/echoload" -p "${ports[$i]}" -c 50 -s 64 -t "$term" -d 3 -w 1 > /dev/null
  "$work/echoload" -p "${ports[$i]}" -m churn -c 20 -t "$term" -d 3 -w 1 > /dev/null
done

# count SCENARIO ECHOLOAD-ARGS...: one line per server, each system call over the echoes (or cycles) of the run
count() {
  local scenario=$1 i out n stat total
  shift
  for i in 0 1; do
    stat="$work/syscalls-${names[$i]}.perf"
    perf stat -x, -e "$events" -p "${pids[$i]}" -o "$stat" -- sleep 5.5 & local perf_pid=$!
    sleep 0.5
    out=$("$work/echoload" -p "${ports[$i]}" -t "$term" -d 4 -w 0 "$@" | head -1)
    wait "$perf_pid"
    n=$(field "$out" msgs)
    awk -F, -v n="$n" -v name="${names[$i]}" -v scenario="$scenario" -v rate="$(field "$out" msgs_per_s)" '
      $3 ~ /^syscalls:sys_enter_/ && $1 + 0 > 0 { sub("syscalls:sys_enter_", "", $3); each[$3] = $1 / n; total += $1 / n }
      END {
        line = sprintf("%-8s %-6s %7d/s  total %5.2f:", scenario, name, rate, total)
        for (c in each) if (each[c] >= 0.005) line = line sprintf(" %s %.2f", c, each[c])
        print line
      }' "$stat"
  done
}

echo "framing=$framing  system calls per echo (pingpong) or per cycle (churn), counted over 4 s"
for round in $(seq 1 "$rounds"); do
  echo "round $round"
  count pingpong -c 50 -s 64
  count churn -m churn -c 20
done
