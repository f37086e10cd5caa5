#!/usr/bin/env python3
"""Report benchmark: how fast report.html opens, and how heavy it is, for three real crawls.

  demo   the bundled sample site (rendler demo), crawl and render
  py500  500 pages of the Python 3.11 documentation, crawl and render (about 15,000 links)
  jdk    the OpenJDK 17 API docs, crawl only (about 10,000 pages and 350,000 links)

Each report is opened RUNS times in Chromium from file:// (bench/ReportOpen.java, through
Playwright in rendler.jar) and timed until its graph is drawn, then a search and a selection.
Writes bench/results/report.md. Run it through bench/report.sh, which installs and builds first.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timezone

import harness

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)


def crawl(name, argv, out_root):
    out = os.path.join(out_root, name)
    shutil.rmtree(out, ignore_errors=True)
    argv = [a.replace("@OUT@", out) for a in argv]
    harness.log(f"{name}: {' '.join(argv)}")
    done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=1800)
    summary = [line for line in done.stdout.splitlines() if " crawled, " in line]
    harness.log(f"{name}: {summary[-1] if summary else done.stdout[-500:]}")
    if not os.path.exists(os.path.join(out, "report.html")):
        sys.exit(f"{name}: no report.html (exit {done.returncode})")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rendler", required=True)
    ap.add_argument("--jar", required=True, help="rendler.jar, for Playwright")
    ap.add_argument("--jdk-root", required=True)
    ap.add_argument("--py-root", default="/usr/share/doc/python3.11/html")
    ap.add_argument("--chromium", default="/usr/lib/chromium/chromium-headless-shell",
                    help="the browser that opens the reports (Debian's headless shell; /usr/bin/chromium works too)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rendler-commit", default="")
    ap.add_argument("--summary", default=os.path.join(BENCH, "results", "report.md"))
    args = ap.parse_args()

    out_root = os.path.join(BENCH, ".tools", "report-bench")
    os.makedirs(out_root, exist_ok=True)
    dirs = {"demo": crawl("demo", [args.rendler, "demo", "--no-ui", "--force", "-o", "@OUT@"], out_root)}
    template = os.path.join(BENCH, "nginx.conf.in")
    for name, root, start, extra in (("py500", args.py_root, "index.html", ["--max-pages", "500"]),
                                     ("jdk", args.jdk_root, "index.html", ["--no-render", "--max-pages", "50000"])):
        nginx = harness.Nginx(os.path.realpath(root), harness.free_port(), template)
        try:
            nginx.start()
            url = f"http://127.0.0.1:{nginx.port}/{start}"
            dirs[name] = crawl(name, [args.rendler, "--no-ui", "--force", "--max-depth", "100", *extra,
                                      "-o", "@OUT@", url], out_root)
        finally:
            nginx.stop()

    harness.log(f"opening each report {args.runs} times in {args.chromium}")
    measured = subprocess.run(["java", "-cp", args.jar, os.path.join(BENCH, "ReportOpen.java"), str(args.runs),
                               args.chromium, *dirs.values()], stdout=subprocess.PIPE, text=True, check=True)
    rows = [json.loads(line) for line in measured.stdout.splitlines() if line.startswith("{")]

    machine = harness.machine_info(argparse.Namespace(chromium=args.chromium, rendler=args.rendler,
                                                      rendler_commit=args.rendler_commit))
    L = ["# Rendler report benchmark: opening report.html", "",
         f"Written by `bench/report.sh` on {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}. "
         f"Each report was opened {args.runs} times from file:// in {machine.get('chromium', args.chromium)}, "
         "each time in a fresh browser context, with a 1600x1000 window. *ready* is from the start of "
         "navigation until the graph is drawn (`window.rendlerReady`); *search* is `view.search()` for the "
         "last page's file name; *select* is selecting that page until two frames later; the JS heap is "
         "measured once drawn. Medians, with the range over the runs.", "",
         f"Machine: {machine['nproc']} cores, {machine['cpu']}, {machine['ram_gib']} GiB; Rendler at "
         f"{machine['rendler_commit']}.", "",
         "| report | pages | links | pages in the view | report.html | ready ms | search ms | select ms | JS heap MB | errors |",
         "|---|---|---|---|---|---|---|---|---|---|"]
    for name, row in zip(dirs, rows):
        with open(os.path.join(dirs[name], "pages.json")) as f:
            summary = json.load(f)
        pages = len(summary["pages"])
        links = summary["summary"]["edges"]

        L.append(f"| {name} | {pages:,} | {links:,} | {row['nodes']:,} | {row['bytes'] / 1048576:.1f} MB "
                 f"| {harness.spread(row['ready_ms'], 0)} | {harness.spread(row['search_ms'], 1)} | {harness.spread(row['select_ms'], 1)} | {harness.spread(row['js_heap_mb'], 0)} "
                 f"| {row['errors']} |")
    L.append("")
    harness.publish(args.summary, L)


if __name__ == "__main__":
    main()
