#!/usr/bin/python3
"""Scrapes a running EtlWeb's /metrics and draws the Grafana dashboard's panels (docs/grafana/etlweb-dashboard.json)
as an HTML page of SVG charts: the same queries, computed here from the scrapes, for machines without Grafana.

    scripts/metrics-chart.py --url http://127.0.0.1:5080 --seconds 90 --out chart.html [--token TOKEN]

Needs Debian's python3-prometheus-client (its parser is the reference one). Nothing is invented: every point is a
difference between two real scrapes, and a histogram quantile is interpolated in its buckets as Prometheus'
histogram_quantile does.
"""
import argparse
import html
import math
import time
import urllib.request
from collections import defaultdict

from prometheus_client.parser import text_string_to_metric_families

COLOURS = ["#73bf69", "#f2495c", "#5794f2", "#ff9830", "#b877d9", "#fade2a", "#8ab8ff"]
# Grafana's habits: a status keeps its colour on every panel.
NAMED = {"Succeeded": "#73bf69", "Failed": "#f2495c", "Skipped": "#8e8e8e", "TimedOut": "#ff9830", "Cancelled": "#b877d9",
         "UpstreamFailed": "#fade2a", "Interrupted": "#ff7383", "p50": "#5794f2", "p95": "#ff9830",
         "notification failures": "#b877d9", "runs waiting": "#ff9830"}


def scrape(url, token):
    request = urllib.request.Request(url + "/metrics")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read().decode()
    samples = defaultdict(float)
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] += s.value
    return samples


def total(samples, name, **match):
    """The sum of a metric's samples whose labels include `match`, by the labels not matched on."""
    return sum(v for (n, labels), v in samples.items() if n == name and all(dict(labels).get(k) == w for k, w in match.items()))


def by_label(samples, name, label):
    out = defaultdict(float)
    for (n, labels), v in samples.items():
        if n == name and label in dict(labels):
            out[dict(labels)[label]] += v
    return out


def quantile(q, before, after, name):
    """histogram_quantile(q, increase(name_bucket[window])) between two scrapes; None without observations."""
    buckets = defaultdict(float)
    for sample in (after, before):
        sign = 1 if sample is after else -1
        for (n, labels), v in sample.items():
            if n == name + "_bucket":
                buckets[float(dict(labels)["le"])] += sign * v
    bounds = sorted(buckets)
    if not bounds or buckets[bounds[-1]] <= 0:
        return None
    rank, lower, below = q * buckets[bounds[-1]], 0.0, 0.0
    for bound in bounds:
        if buckets[bound] >= rank:
            if bound == float("inf"):
                return lower
            return lower + (bound - lower) * (rank - below) / max(buckets[bound] - below, 1e-9)
        lower, below = bound, buckets[bound]
    return lower


def panels(scrapes, window):
    """Each panel: title, unit, {series: [(t, value)]}, computed like the dashboard's PromQL."""
    t0 = scrapes[0][0]
    result = {k: defaultdict(list) for k in ["runs", "failures", "duration", "wait", "queue", "running", "lateness", "heartbeat"]}
    for i in range(1, len(scrapes)):
        t, now = scrapes[i]
        j = max(0, i - window)
        tb, before = scrapes[j]
        x = t - t0
        span = max(t - tb, 1e-9)
        ended_now, ended_before = by_label(now, "etlweb_runs_ended_total", "status"), by_label(before, "etlweb_runs_ended_total", "status")
        for status in sorted(ended_now):
            rate = (ended_now[status] - ended_before.get(status, 0)) / span
            result["runs"][status].append((x, rate))
            if status in ("Failed", "TimedOut", "Interrupted", "UpstreamFailed"):
                result["failures"][status].append((x, rate * 60))
        notify = total(now, "etlweb_notification_failures_total") - total(before, "etlweb_notification_failures_total")
        result["failures"]["notification failures"].append((x, notify / span * 60))
        for q in (0.5, 0.95):
            for key, name in (("duration", "etlweb_run_duration_seconds"), ("wait", "etlweb_attempt_queue_wait_seconds"), ("lateness", "etlweb_scheduler_lateness_seconds")):
                value = quantile(q, before, now, name)
                if value is not None:
                    result[key][f"p{int(q * 100)}"].append((x, value))
        result["queue"]["attempts queued"].append((x, total(now, "etlweb_attempts_queued")))
        result["queue"]["runs waiting"].append((x, total(now, "etlweb_runs_waiting")))
        result["running"]["attempts running"].append((x, total(now, "etlweb_attempts_running")))
        for node, age in by_label(now, "etlweb_node_heartbeat_age_seconds", "node").items():
            result["heartbeat"][node].append((x, age))
    return [
        ("Runs ended per second, by status", "/s", result["runs"]),
        ("Failures per minute", "/min", result["failures"]),
        ("Run duration p50 / p95", "s", result["duration"]),
        ("Queue wait p50 / p95", "s", result["wait"]),
        ("Queue depth", "", result["queue"]),
        ("Attempts running", "", result["running"]),
        ("Scheduler lateness p50 / p95", "s", result["lateness"]),
        ("Node heartbeat age", "s", result["heartbeat"]),
    ]


def nice(top):
    """The smallest 1, 2, 2.5 or 5 times a power of ten, times 4 (the grid lines), at or above top."""
    if top <= 0:
        return 1
    step = top / 4
    power = 10 ** math.floor(math.log10(step))
    return 4 * power * next(m for m in (1, 2, 2.5, 5, 10) if m * power >= step)


def svg(title, unit, series, width=560, height=230):
    left, right, top, bottom = 52, 12, 34, 40
    points = [p for values in series.values() for p in values]
    xmax = max((p[0] for p in points), default=1) or 1
    ymax = nice(max((p[1] for p in points), default=0))
    sx = lambda x: left + (width - left - right) * x / xmax
    sy = lambda y: top + (height - top - bottom) * (1 - y / ymax)
    parts = [f'<svg width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
             f'<rect width="{width}" height="{height}" rx="4" fill="#181b1f" stroke="#2c3235"/>',
             f'<text x="12" y="21" fill="#ccccdc" font-size="13" font-weight="600">{html.escape(title)}</text>']
    for k in range(5):
        y = ymax * k / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{sy(y):.1f}" y2="{sy(y):.1f}" stroke="#2c3235"/>')
        label = f"{y:g}{unit}"
        parts.append(f'<text x="{left - 6}" y="{sy(y) + 4:.1f}" fill="#8e8e8e" font-size="10" text-anchor="end">{label}</text>')
    for k in range(5):
        x = xmax * k / 4
        parts.append(f'<text x="{sx(x):.1f}" y="{height - bottom + 14}" fill="#8e8e8e" font-size="10" text-anchor="middle">{x:.0f}s</text>')
    legend_x = left
    for i, (name, values) in enumerate(sorted(series.items())):
        colour = NAMED.get(name, COLOURS[i % len(COLOURS)])
        if values:
            path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in values)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.8"/>')
        parts.append(f'<rect x="{legend_x}" y="{height - 16}" width="10" height="3" fill="{colour}"/>')
        parts.append(f'<text x="{legend_x + 14}" y="{height - 12}" fill="#ccccdc" font-size="10">{html.escape(name)}</text>')
        legend_x += 24 + 6 * len(name)
    if not points:
        parts.append(f'<text x="{width / 2}" y="{height / 2}" fill="#8e8e8e" font-size="12" text-anchor="middle">no data</text>')
    parts.append("</svg>")
    return "".join(parts)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:5080")
    parser.add_argument("--token", default="")
    parser.add_argument("--seconds", type=int, default=90)
    parser.add_argument("--interval", type=float, default=2)
    parser.add_argument("--window", type=int, default=10, help="scrapes a rate or quantile spans (as [$__rate_interval])")
    parser.add_argument("--out", default="metrics-chart.html")
    args = parser.parse_args()

    scrapes, end = [], time.monotonic() + args.seconds
    while time.monotonic() < end:
        scrapes.append((time.monotonic(), scrape(args.url, args.token)))
        time.sleep(args.interval)
    charts = "".join(svg(*panel) for panel in panels(scrapes, args.window))
    window = args.window * args.interval
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>EtlWeb metrics</title></head>
<body style="margin:0;background:#111217;font-family:Inter,Helvetica,Arial,sans-serif">
<div style="padding:12px 16px;color:#ccccdc;font-size:15px">EtlWeb &middot; {len(scrapes)} scrapes of {html.escape(args.url)}/metrics,
one every {args.interval:g} s; rates and quantiles over {window:g} s, as the Grafana dashboard's panels</div>
<div style="display:grid;grid-template-columns:repeat(2,560px);gap:10px;padding:0 16px 16px">{charts}</div></body></html>"""
    with open(args.out, "w") as out:
        out.write(page)


if __name__ == "__main__":
    main()
