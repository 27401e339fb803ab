#!/usr/bin/env bash
# Builds the benchmark in Release and runs each scenario on a fresh data directory; prints one JSON object per
# line per scenario on stdout (build output and diagnostics go to stderr).
#   scripts/bench.sh [--compare FILE] [dispatch|throughput|log|idle|punctuality|dag|designer|scale-out|backfill|fires|
#                    chaos|soak|scale ...]                    default: all but chaos, soak and scale, in that order
#   scripts/bench.sh --compare old.jsonl throughput idle     after the scenarios, prints to stderr each numeric figure
#                                                             beside its value in FILE (earlier output of this script)
#                                                             and the change in %; stdout stays one JSON line each
#   BENCH_ARTIFACTS=/tmp/art-bench scripts/bench.sh          build into that artifacts path instead of bin/obj
#   BENCH_WORKERS=50 scripts/bench.sh punctuality           EtlWeb and its baselines with 50 workers instead of 5
# throughput runs its bursts on SQLite, then on a throwaway PostgreSQL cluster (Debian's postgresql; scripts/test.sh
# installs it); scale-out starts such a cluster, a web node and worker nodes with BENCH_WORKERS workers each. On
# PostgreSQL both report the time database sessions spent waiting for locks, sampled every 10 ms. backfill runs
# EtlWeb with at least 6 workers: its cap of 5 must leave one to the schedule.
# chaos, soak and scale run only when named; they take long:
#   chaos  injects faults into a mixed workload and checks what survived (see bench/EtlWeb.Bench/Chaos); as root it
#          also fills a small tmpfs under the data directory. CHAOS_SQLITE_KILLS (200), CHAOS_PG_KILLS (50 each of a
#          worker and the web node), CHAOS_PG_RESTARTS (5), CHAOS_DISK_FILLS (10), CHAOS_SEED set the series.
#   soak   runs 50 jobs for SOAK_MINUTES (60) and reports the growth of memory, descriptors and threads.
#   scale  writes 10,000 jobs and 1,000,000 runs into SQLite (about 1.5 GB on disk), then times the API reads and,
#          in Chromium, the main screen, runs page, dashboard and designer, and the server's memory per browser tab.
set -euo pipefail
cd "$(dirname "$0")/.."

# No job control: a background job then stays in this script's process group, so setsid below makes it the
# leader of a new group without forking, and $! is that group's id.
set +m

all=(dispatch throughput log idle punctuality dag designer scale-out backfill fires)
long=(chaos soak scale)
compare=""
if [ "${1:-}" = "--compare" ]; then
  if [ $# -lt 2 ] || [ ! -f "$2" ]; then echo "--compare needs a file of earlier results" >&2; exit 2; fi
  compare=$(realpath "$2")
  shift 2
fi
if [ $# -gt 0 ]; then scenarios=("$@"); else scenarios=("${all[@]}"); fi
for scenario in "${scenarios[@]}"; do
  case " ${all[*]} ${long[*]} " in
    *" $scenario "*) ;;
    *) echo "unknown scenario '$scenario' (known: ${all[*]} ${long[*]})" >&2; exit 2 ;;
  esac
done

project=bench/EtlWeb.Bench/EtlWeb.Bench.csproj
properties=(-p:Configuration=Release)
if [ -n "${BENCH_ARTIFACTS:-}" ]; then properties+=("-p:ArtifactsPath=$BENCH_ARTIFACTS"); fi

work=$(mktemp -d "${TMPDIR:-/tmp}/etlweb-bench.XXXXXX")
group=""

# Runs a command as the leader of a new process group and waits for it; the wait (unlike a foreground command)
# lets a signal's trap run at once. Returns the command's exit status.
run_group() {
  setsid "$@" </dev/null &
  group=$!
  local status=0
  wait "$group" || status=$?
  stop_group
  return "$status"
}

# Stops the current process group (the command and everything it started): SIGTERM, then SIGKILL.
stop_group() {
  if [ -z "$group" ]; then return 0; fi
  kill -TERM -- "-$group" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 -- "-$group" 2>/dev/null || break
    sleep 0.2
  done
  kill -KILL -- "-$group" 2>/dev/null || true
  group=""
}

cleanup() {
  set +e
  stop_group
  # The chaos scenario's small filesystem, if it was left mounted.
  awk -v dir="$work/" 'index($2, dir) == 1 { print $2 }' /proc/mounts | xargs -r umount -l
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# No build servers: nothing this script starts outlives it.
run_group dotnet build "$project" -c Release --nologo -v q --disable-build-servers "${properties[@]}" >&2
dll=$(dotnet msbuild "$project" -getProperty:TargetPath "${properties[@]}" </dev/null)

status=0
for scenario in "${scenarios[@]}"; do
  data="$work/$scenario"
  mkdir -p "$data"
  run_group dotnet "$dll" "$scenario" "$data" >"$work/result.json" || status=1
  cat "$work/result.json"
  cat "$work/result.json" >>"$work/results.jsonl"
  rm -rf "$data"
done
if [ -n "$compare" ]; then
  run_group dotnet "$dll" compare "$compare" "$work/results.jsonl" >&2 || status=1
fi
exit "$status"
