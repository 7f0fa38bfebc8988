#!/usr/bin/env bash
# Whether the chart's pod stays inside its memory limit under load (README "Memory limit"). The jar runs as the chart
# runs it (JDK_JAVA_OPTIONS = values.yaml's javaOptions) in a memory cgroup limited to values.yaml's
# resources.limits.memory, so the JVM sizes its heap and picks its GC as in the pod, and the kernel enforces the limit
# as it would there, against:
#   pipeline:   2,500 connections with 64 frames of 1 KiB in flight each, 5 s (memory.sh's load);
#   unfinished: 6,000 connections that each send 65,000 bytes of a frame and wait (memory.sh's load);
#   hold:       10,000 idle connections, each echoing before and after.
# Per load it prints: whether the JVM survived; the cgroup's peak memory (what cgroup v1 counts: the process and the
# page cache it uses) and its peak socket-buffer memory (which cgroup v2 counts against the same limit); how often the
# limit was hit (failcnt) and the kernel's OOM kills. Each argument is a MaxRAMPercentage to run instead of the chart's
# (e.g. `75 50`); with none, the chart's javaOptions as they are.
# Usage: sudo src/bench/pod-memory.sh [percent...]   (needs root and cgroup v1's memory controller, which this machine
# has; run src/bench/perf.sh first: it builds echoload into /tmp/echo-compare). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
set -- crlf "$@"
. src/bench/side-by-side.sh
shift
values=helm/tcp-echo/values.yaml
options=$(sed -n 's/^javaOptions: "\(.*\)"$/\1/p' "$values")
limit_mi=$(awk '/^resources:/{r=1} r&&/^  limits:/{l=1} r&&l&&/memory:/{gsub(/Mi/,"",$2); print $2; exit}' "$values")
[ -n "$options" ] && [ -n "$limit_mi" ] || { echo "javaOptions or resources.limits.memory not found in $values" >&2; exit 2; }
own=$(sed -n 's/^[0-9]*:memory:\(.*\)$/\1/p' /proc/self/cgroup)
root=/sys/fs/cgroup/memory$own
[ -n "$own" ] && [ -w "$root" ] || { echo "needs root and cgroup v1's memory controller (/sys/fs/cgroup/memory)" >&2; exit 2; }
port=7361
cgroups=()
trap 'for c in "${cgroups[@]}"; do [ -d "$c" ] || continue; kill -9 $(cat "$c/cgroup.procs") 2>/dev/null || true; sleep 0.5
  rmdir "$c" 2>/dev/null || true; done' EXIT

mb() { echo $(( $1 / 1048576 )); }

run() { # java-options load-name load-command... ({PORT} in it is replaced by the echo port)
  local jvm=$1 name=$2; shift 2
  local cg=$root/tcp-echo-pod-$$-$port
  mkdir "$cg"; cgroups+=("$cg")
  echo $((limit_mi * 1048576)) > "$cg/memory.limit_in_bytes"
  echo $((64 * 1024 * 1048576)) > "$cg/memory.kmem.tcp.limit_in_bytes"   # a limit switches v1's socket accounting on
  sh -c 'echo $$ > "$1/cgroup.procs"; shift; exec "$@"' sh "$cg" env JDK_JAVA_OPTIONS="$jvm" "$jdk/bin/java" \
    -jar target/tcp-echo.jar --echo.tcp.port=$port --echo.tcp.bind-address=127.0.0.1 --server.port=$((port + 1)) \
    --server.address=127.0.0.1 > "$work/pod-memory-$name.log" 2>&1 &
  local server=$!
  wait_port $port || { echo "the jar did not start" >&2; exit 1; }
  sleep 1
  local args=() a
  for a in "$@"; do args+=("${a//\{PORT\}/$port}"); done
  local out
  out=$("${args[@]}" 2>&1 | tail -1)
  local alive=killed
  kill -0 "$server" 2>/dev/null && alive=survived
  printf '| %s | %s | %s | %s MB | %s MB | %s | %s | %s |\n' "$jvm" "$name" "$alive" "$(mb "$(cat "$cg/memory.max_usage_in_bytes")")" \
    "$(mb "$(cat "$cg/memory.kmem.tcp.max_usage_in_bytes")")" "$(cat "$cg/memory.failcnt")" \
    "$(awk '/^oom_kill /{print $2}' "$cg/memory.oom_control")" "$out"
  kill -9 $(cat "$cg/cgroup.procs") 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  sleep 1
  rmdir "$cg"
  port=$((port + 2))
}

jvms=()
if [ $# -eq 0 ]; then jvms=("$options"); fi
for percent in "$@"; do jvms+=("$(sed "s/-XX:MaxRAMPercentage=[0-9.]*/-XX:MaxRAMPercentage=$percent/" <<<"$options")"); done
echo "memory limit ${limit_mi}Mi ($values)"
echo "| JDK_JAVA_OPTIONS | load | JVM | peak memory | peak socket buffers | limit hit | OOM kills | load's result |"
echo "|---|---|---|---|---|---|---|---|"
for jvm in "${jvms[@]}"; do
  run "$jvm" pipeline "$work/echoload" -p {PORT} -m pipeline -c 2500 -D 64 -s 1024 -t crlf -d 5 -w 1
  run "$jvm" unfinished python3 src/bench/unfinished.py {PORT}
  run "$jvm" hold "$work/echoload" -p {PORT} -m hold -c 10000 -d 10 -t crlf
done
