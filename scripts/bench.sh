#!/usr/bin/env bash
# Builds the benchmark in Release and runs each scenario on a fresh data directory; prints one JSON object per
# line per scenario on stdout (build output and diagnostics go to stderr).
#   scripts/bench.sh [dispatch|throughput|log|idle ...]      default: all, in that order
#   BENCH_ARTIFACTS=/tmp/art-bench scripts/bench.sh          build into that artifacts path instead of bin/obj
set -euo pipefail
cd "$(dirname "$0")/.."

# No job control: a background job then stays in this script's process group, so setsid below makes it the
# leader of a new group without forking, and $! is that group's id.
set +m

all=(dispatch throughput log idle)
if [ $# -gt 0 ]; then scenarios=("$@"); else scenarios=("${all[@]}"); fi
for scenario in "${scenarios[@]}"; do
  case " ${all[*]} " in
    *" $scenario "*) ;;
    *) echo "unknown scenario '$scenario' (known: ${all[*]})" >&2; exit 2 ;;
  esac
done

project=bench/EtlWeb.Bench/EtlWeb.Bench.csproj
properties=(-p:Configuration=Release)
if [ -n "${BENCH_ARTIFACTS:-}" ]; then properties+=("-p:ArtifactsPath=$BENCH_ARTIFACTS"); fi

work=$(mktemp -d "${TMPDIR:-/tmp}/etlweb-bench.XXXXXX")
group=""

# Stops the running scenario's whole process group (the bench and the EtlWeb it started): SIGTERM, then SIGKILL.
stop_group() {
  if [ -z "$group" ]; then return; fi
  kill -TERM -- "-$group" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 -- "-$group" 2>/dev/null || break
    sleep 0.2
  done
  kill -KILL -- "-$group" 2>/dev/null || true
  group=""
}

cleanup() {
  stop_group
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

dotnet build "$project" -c Release --nologo -v q "${properties[@]}" </dev/null >&2
dll=$(dotnet msbuild "$project" -getProperty:TargetPath "${properties[@]}" </dev/null)

status=0
for scenario in "${scenarios[@]}"; do
  data="$work/$scenario"
  mkdir -p "$data"
  setsid dotnet "$dll" "$scenario" "$data" </dev/null &
  group=$!
  wait "$group" || status=1
  # The scenario stopped EtlWeb itself; this only catches what a failure left behind.
  stop_group
  rm -rf "$data"
done
exit "$status"
