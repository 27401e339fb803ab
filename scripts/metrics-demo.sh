#!/usr/bin/env bash
# Starts EtlWeb on a fresh data directory, gives it a few jobs that run on their own (cron with seconds, one flaky,
# a burst of manual runs), scrapes /metrics while they run (scripts/metrics-chart.py) and screenshots the chart page
# with Chromium: docs/screenshots/metrics.png, the README's stand-in for a Grafana screenshot.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${PORT:-5097}
seconds=${SECONDS_TO_SCRAPE:-120}
url="http://127.0.0.1:$port"
data=$(mktemp -d)
token=$(head -c 32 /dev/urandom | base64 | tr -d '/+=')
out=$(realpath -m "${OUT:-docs/screenshots/metrics.png}")

dotnet build src/EtlWeb --nologo -v q >/dev/null
(cd src/EtlWeb && exec dotnet bin/Debug/net10.0/EtlWeb.dll --Urls "$url" --EtlWeb:DataDirectory "$data" \
  --EtlWeb:Auth:BootstrapToken "$token" >"$data/console.log" 2>&1) &
app=$!
trap 'kill "$app" 2>/dev/null; wait "$app" 2>/dev/null; rm -rf "$data"' EXIT
until curl -sf "$url/health" >/dev/null; do sleep 1; done

job() {
  curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$1" "$url/api/jobs" | sed 's/.*"id":\([0-9]*\).*/\1/'
}
job '{"name":"tick","job_type":"shell","command":"echo tick","schedule_type":"cron","cron_expression":"* * * * * *"}' >/dev/null
job '{"name":"load","job_type":"shell","command":"sleep $((RANDOM % 4)); echo loaded","schedule_type":"cron","cron_expression":"*/3 * * * * *","overlap_policy":"allow"}' >/dev/null
job '{"name":"flaky","job_type":"shell","command":"sleep 1; [ $((RANDOM % 3)) -ne 0 ] || exit 1","schedule_type":"cron","cron_expression":"*/5 * * * * *","max_retries":1,"retry_delay_seconds":2}' >/dev/null
job '{"name":"report","job_type":"shell","command":"sleep 8; seq 1 2000","schedule_type":"cron","cron_expression":"*/15 * * * * *"}' >/dev/null
burst=$(job '{"name":"backfill-chunk","job_type":"shell","command":"sleep $((2 + RANDOM % 5))","overlap_policy":"allow"}')

# A burst of manual runs a third of the way in: more than the five workers, so attempts queue.
(sleep $((seconds / 3)); for _ in $(seq 1 15); do
  curl -sf -X POST -H "Authorization: Bearer $token" "$url/api/jobs/$burst/run" >/dev/null
done) &

/usr/bin/python3 scripts/metrics-chart.py --url "$url" --seconds "$seconds" --out "$data/chart.html"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1162,1050 \
  --screenshot="$out" "file://$data/chart.html" 2>/dev/null
echo "Wrote $out"
