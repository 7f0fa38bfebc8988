# Sourced by cpu-per-message.sh, pinned.sh, placement.sh, pingpong-tail.sh, threads.sh, held-churn.sh, churn-ceiling.sh, syscalls.sh,
# log-flood.sh, memory.sh, pod-memory.sh, quiet.sh, idle-timeout.sh, after-burst.sh and per-connection.sh: the set-up they share for running Netty (native epoll, NettyBestEcho) and this jar side by side against echoload.
# Expects the caller's $1 (framing) and to run from the project's root. Servers started here are stopped when the
# caller exits; set the array `launcher` (e.g. `taskset -c 0`) to start them under a command.
framing=${1:-crlf}
case "$framing" in crlf) term=crlf ;; lf) term=lf ;; raw) term=none ;; *) echo "framing must be crlf, lf or raw" >&2; exit 2 ;; esac
work=${WORK:-/tmp/echo-compare}
jdk=${JDK:-$(for d in /usr/lib/jvm/*; do "$d/bin/java" -version 2>&1 | grep -q 'version "2[5-9]' && { echo "$d"; break; }; done)}
[ -x "$work/echoload" ] && [ -s "$work/netty/cp.txt" ] || { echo "run src/bench/perf.sh first" >&2; exit 2; }
[ -f target/tcp-echo.jar ] || { echo "build first: ./mvnw -DskipTests package" >&2; exit 2; }

launcher=()
pids=()
ports=()
# stop_servers: stops every server started here. It is the EXIT trap; a caller that sets its own EXIT trap calls it there
stop_servers() { local p; for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap stop_servers EXIT
# exits unless taskset (util-linux) and at least two CPUs are there, for scripts that pin servers and load generator apart
need_taskset_and_two_cpus() {
  command -v taskset > /dev/null || { echo "needs taskset (util-linux)" >&2; exit 2; }
  [ "$(nproc)" -ge 2 ] || { echo "needs two CPUs" >&2; exit 2; }
}
# field LINE KEY: the number after " KEY=" in an echoload result line (msgs, msgs_per_s, p50_us, p99_us, ...)
field() { sed -n "s/.* $2=\([0-9]*\).*/\1/p" <<<"$1"; }
# ticks PID: a process's CPU so far (utime + stime), in clock ticks of $hz a second
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# child_ticks: cutime + cstime of the calling script, the CPU of the children it has waited for (load generator runs)
child_ticks() { awk '{print $16 + $17}' "/proc/$$/stat"; }
hz=$(getconf CLK_TCK)
wait_port() { for _ in $(seq 1 120); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.5; done; return 1; }
# waits for every server started with start_netty or start_project, or exits
wait_started() {
  local port
  for port in "${ports[@]}"; do wait_port "$port" || { echo "a server did not start" >&2; exit 1; }; done
}

start_netty() { # port log [event loops; 0 or none: Netty's default of two per CPU]
  "${launcher[@]}" "$jdk/bin/java" --enable-native-access=ALL-UNNAMED -cp "$(cat "$work/netty/cp.txt")" \
    ../shared/bench/NettyBestEcho.java "$1" "${3:-0}" > "$work/$2" 2>&1 & pids+=($!)
  ports+=("$1")
}

start_project() { # port log [jvm option...]
  local port=$1 log=$2; shift 2
  "${launcher[@]}" "$jdk/bin/java" -Xmx256m "$@" -jar target/tcp-echo.jar --echo.tcp.port="$port" \
    --echo.tcp.framing="$framing" --management.server.port=0 --server.port=0 > "$work/$log" 2>&1 & pids+=($!)
  ports+=("$port")
}
