#!/usr/bin/env bash
# Why bulk runs slower for a while after a burst of connections closes (src/bench/README.md, "Quiet connections"):
# the jar (-Xmx256m) three times side by side, with G1 as the JVM picks it here, with G1 and a fixed marking threshold
# (-XX:-G1UseAdaptiveIHOP), and with Serial GC (what the chart's 512Mi pods get). Per round and server: bulk (echoload
# pipeline, 8 connections x 16 frames of 1 KiB) alone, then 1,000 connections that each pipeline 64 KiB, read it back
# and close (src/bench/quiet_burst.py), then bulk three times in a row, and the G1 concurrent cycles started meanwhile
# (from -Xlog:gc).
# Usage: src/bench/after-burst.sh [rounds]   (default 2; run src/bench/perf.sh first). Needs python3. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-2}
set -- crlf
. src/bench/side-by-side.sh
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

names=("G1 (JVM's choice)" "G1, -XX:-G1UseAdaptiveIHOP" "Serial GC")
options=("" "-XX:-G1UseAdaptiveIHOP" "-XX:+UseSerialGC")
for i in 0 1 2; do
  # shellcheck disable=SC2086 # options[i] is one option or none
  start_project $((7371 + i)) "after-burst-$i.log" -Xlog:gc:file="$work/after-burst-$i.gc" ${options[i]}
done
wait_started
sleep 2

bulk() { field "$("$work/echoload" -p "$1" -m pipeline -c 8 -D 16 -s 1024 -d 5 -w 2 -t crlf | head -1)" msgs_per_s; }
cycles() { grep -c 'Concurrent Start' "$work/after-burst-$1.gc" || true; }

printf '%-28s %5s %10s %10s %10s %10s   %s\n' server round alone after1 after2 after3 "G1 concurrent cycles after"
for round in $(seq 1 "$rounds"); do
  for i in 0 1 2; do
    port=$((7371 + i))
    alone=$(bulk $port)
    python3 src/bench/quiet_burst.py $port 1000 64 1 > "$work/after-burst.out"
    grep -q 'grown 1000 wrong 0' "$work/after-burst.out" || { echo "the burst did not all come back: $(cat "$work/after-burst.out")" >&2; exit 1; }
    before=$(cycles "$i")
    a1=$(bulk $port); a2=$(bulk $port); a3=$(bulk $port)
    started=$(($(cycles "$i") - before))
    [ "$i" = 2 ] && started=- # Serial GC has no concurrent cycles
    printf '%-28s %5s %8s/s %8s/s %8s/s %8s/s   %s\n' "${names[i]}" "$round" "$alone" "$a1" "$a2" "$a3" "$started"
  done
done
