#!/usr/bin/env python3
"""What the live view costs a crawl: the same crawl of the PostgreSQL manual with `--no-ui`, with
the view on and nobody watching (the default), and with one browser-like client holding its event
stream open from start to end. Rounds interleave the three, so a drifting machine affects each
alike. Wall time, and CPU time of rendler with everything it started (from wait4), per run.
Writes bench/results/ui-cost.md. Run it through bench/ui-cost.sh.
"""
import argparse
import os
import re
import statistics
import subprocess
import threading
import time
import urllib.request
from datetime import datetime, timezone

import harness

BENCH = os.path.dirname(os.path.abspath(__file__))
LIVE_URL = re.compile(r"watch it live at (http://\S+/)")


def watch(url, counts):
    """Reads the live view's event stream until rendler closes it, as a browser's EventSource does."""
    with urllib.request.urlopen(url + "events", timeout=120) as stream:
        for line in stream:
            if line.startswith(b"event: "):
                counts["events"] += 1
            counts["bytes"] += len(line)


def run(argv, watched):
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    counts = {"events": 0, "bytes": 0}
    watcher = None
    for raw in proc.stderr:
        found = LIVE_URL.search(raw.decode("utf-8", "replace"))
        if found and watched and watcher is None:
            watcher = threading.Thread(target=watch, args=(found.group(1), counts), daemon=True)
            watcher.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    if watcher:
        watcher.join(10)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"rendler failed: {' '.join(argv)}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "events": counts["events"], "bytes": counts["bytes"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rendler", required=True)
    ap.add_argument("--pg-root", default="/usr/share/doc/postgresql-doc-15/html")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--rendler-commit", default="")
    ap.add_argument("--summary", default=os.path.join(BENCH, "results", "ui-cost.md"))
    args = ap.parse_args()

    out = os.path.join(BENCH, ".tools", "ui-cost-out")
    nginx = harness.Nginx(os.path.realpath(args.pg_root), harness.free_port(), os.path.join(BENCH, "nginx.conf.in"))
    scenarios = {
        "crawl only, 1,169 pages": ["--no-render", "--max-pages", "2000", "--max-depth", "100"],
        "crawl and render, 150 pages": ["--max-pages", "150", "--max-depth", "100"],
    }
    variants = {"--no-ui": (["--no-ui"], False), "view on, unwatched": ([], False), "view on, watched": ([], True)}
    results = {(s, v): [] for s in scenarios for v in variants}
    try:
        nginx.start()
        url = f"http://127.0.0.1:{nginx.port}/index.html"
        for rnd in range(args.rounds + 1):  # round 0 warms the page cache and the JVM's class data
            for scenario, extra in scenarios.items():
                for variant, (flags, watched) in variants.items():
                    record = run([args.rendler, *flags, *extra, "--force", "-o", out, url], watched)
                    if rnd > 0:
                        results[(scenario, variant)].append(record)
                    harness.log(f"round {rnd} {scenario} / {variant}: {record['wall']:.2f} s wall, {record['cpu']:.2f} s CPU"
                                f"{', %d events pushed' % record['events'] if watched else ''}")
    finally:
        nginx.stop()

    machine = harness.machine_info(argparse.Namespace(chromium="/usr/lib/chromium/chromium-headless-shell",
                                                      rendler=args.rendler, rendler_commit=args.rendler_commit))
    L = ["# What the live view costs", "",
         f"Written by `bench/ui-cost.sh` on {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}: the PostgreSQL "
         f"manual served by nginx on 127.0.0.1, {args.rounds} interleaved rounds after a warm-up round. *watched* is one "
         "client reading the live view's event stream from start to end, as an open browser tab does. CPU is rendler's "
         "with everything it started (Chromium included). Medians, with the range.", "",
         f"Machine: {machine['nproc']} cores, {machine['cpu']}, {machine['ram_gib']} GiB; Rendler at "
         f"{machine['rendler_commit']}.", "",
         "| crawl | live view | wall s | CPU s | CPU vs --no-ui | events pushed |", "|---|---|---|---|---|---|"]

    for scenario in scenarios:
        base = statistics.median(r["cpu"] for r in results[(scenario, "--no-ui")])
        for variant in variants:
            rs = results[(scenario, variant)]
            cpu = [r["cpu"] for r in rs]
            events = statistics.median(r["events"] for r in rs) if variants[variant][1] else "–"
            L.append(f"| {scenario} | {variant} | {harness.spread([r['wall'] for r in rs], 2)} | {harness.spread(cpu, 2)} "
                     f"| {statistics.median(cpu) / base:.2f}× | {events} |")
    L.append("")
    harness.publish(args.summary, L)


if __name__ == "__main__":
    main()
