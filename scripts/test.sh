#!/usr/bin/env bash
# Runs the whole EtlWeb test suite. As root it first installs what the tests need and the machine lacks.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
if [ -d tests/EtlWeb.E2E ] && [ ! -x /usr/bin/chromium ]; then need+=(chromium); fi
# The PostgreSQL tests start throwaway clusters with Debian's initdb and pg_ctl (tests/Shared/PostgresCluster.cs).
if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then need+=(postgresql); fi
# The metrics tests read /metrics with the reference Prometheus parser (tests/EtlWeb.Tests/Operations/PrometheusText.cs).
if ! /usr/bin/python3 -c 'import prometheus_client.parser' 2>/dev/null; then need+=(python3-prometheus-client); fi
# The Python environment tests build virtual environments with /usr/bin/python3 -m venv, which Debian ships apart.
if ! /usr/bin/python3 -c 'import ensurepip' 2>/dev/null; then need+=(python3-venv); fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing test prerequisites: ${need[*]}"
    apt-get update -qq </dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" </dev/null
  else
    echo "Missing test prerequisites (run as root to install them): ${need[*]}" >&2
    exit 1
  fi
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
# Locked mode: the restore takes exactly the packages in each project's packages.lock.json, or fails.
dotnet test EtlWeb.sln --nologo -p:RestoreLockedMode=true "$@" 2>&1 </dev/null | tee "$log" || status=$?

# dotnet test prints one summary line per test assembly; add them up so "no tests ran" fails (a missing line counts 0).
passed=$({ grep -Eo 'Passed: +[0-9]+' "$log" || true; } | awk '{s+=$2} END {print s+0}')
failed=$({ grep -Eo 'Failed: +[0-9]+' "$log" || true; } | awk '{s+=$2} END {print s+0}')
skipped=$({ grep -Eo 'Skipped: +[0-9]+' "$log" || true; } | awk '{s+=$2} END {print s+0}')
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -ne 0 ]; then exit "$status"; fi
if [ "$passed" -eq 0 ]; then
  echo "No test ran: that is a failure." >&2
  exit 1
fi
