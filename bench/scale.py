#!/usr/bin/env python3
"""Scale run behind bench/scale.sh: Rendler crawl-only (--no-render) over the OpenJDK 17 API docs
(about 10,000 pages) with a capped heap, plus wget over the same site for reference.

Reports: did the crawl complete, pages, pages/s, tree CPU, the scheduler JVM's heap from its GC
log (peak occupancy before a collection, and the largest live set after one), and any timing line
Rendler prints about the DOT/graph export. Writes bench/results/scale.md and raw JSON.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402  (same folder)

BENCH = harness.BENCH
REPO = harness.REPO

GC_LINE = re.compile(r"\bGC\(\d+\)\s+(Pause[^\n]*?)\s(\d+)([KMG])->(\d+)([KMG])\((\d+)([KMG])\)")
UNIT = {"K": 1 / 1024, "M": 1, "G": 1024}


def parse_gc_log(path):
    """Peak heap before a GC, largest heap after a GC, and the largest committed size, in MB."""
    before = after = committed = 0.0
    pauses = 0
    full = 0
    full_causes = {}
    try:
        with open(path, errors="replace") as f:
            for line in f:
                m = GC_LINE.search(line)
                if not m:
                    continue
                pauses += 1
                if "Pause Full" in m.group(1):
                    full += 1
                    cause = re.search(r"Pause Full \(([^)]*)\)", m.group(1))
                    key = cause.group(1) if cause else "?"
                    full_causes[key] = full_causes.get(key, 0) + 1
                before = max(before, int(m.group(2)) * UNIT[m.group(3)])
                after = max(after, int(m.group(4)) * UNIT[m.group(5)])
                committed = max(committed, int(m.group(6)) * UNIT[m.group(7)])
    except OSError:
        return None
    return {"gc_pauses": pauses, "full_gcs": full, "full_gc_causes": full_causes, "peak_heap_used_before_gc_mb": round(before, 1),
            "max_live_after_gc_mb": round(after, 1), "max_committed_mb": round(committed, 1)}


def timing_lines(text):
    """Lines in which Rendler itself gives a time for the DOT/graph/report export, if any."""
    keep = []
    for line in text.splitlines():
        if re.match(r"^\[\s*[\d.]+s\]\s+(crawled|rendered|failed|skipped)\b", line):
            continue   # one line per page (without -q)
        if (re.search(r"\b(dot|graph|svg|export|wrote|written|report)\b", line, re.I)
                and re.search(r"\d+(\.\d+)?\s*(ms|s)\b", line)):
            keep.append(line.strip()[:300])
    return keep[-20:]


def run(name, argv, env_extra, nginx, raw_dir, timeout, args):
    out = tempfile.mkdtemp(prefix=f"rendler-bench-{name}.")
    argv = [a.replace("@OUT@", out) for a in argv]
    env = dict(os.environ)
    env.update({k: v.replace("@OUT@", out) for k, v in env_extra.items()})
    stem = os.path.join(raw_dir, name)
    offset = nginx.log_offset()
    load_before = harness.loadavg()
    harness.log(f"scale: {name} (load {load_before[0]:.2f})")
    subprocess.run([sys.executable, harness.SAMPLER, "--out", stem + ".sampler.json",
                    "--interval", str(args.interval), "--mem-interval", str(args.mem_interval),
                    "--timeout", str(timeout), "--stdout", stem + ".stdout",
                    "--stamp-stdout", stem + ".stdout.stamps", "--stamp-stderr", stem + ".stderr.stamps",
                    "--stderr", stem + ".stderr", "--"] + argv, env=env, cwd=out)
    time.sleep(0.3)
    req = nginx.requests_since(offset)
    meas = json.load(open(stem + ".sampler.json"))
    stdout = open(stem + ".stdout", errors="replace").read()
    stderr = open(stem + ".stderr", errors="replace").read()
    rec = {"scenario": name, "argv": argv, "env": env_extra, "measurement": meas, "requests": req,
           "load_before": load_before, "load_after": harness.loadavg(),
           "stdout_tail": stdout[-3000:], "stderr_tail": stderr[-3000:]}
    if name.startswith("wget"):
        urls = set()
        with open(os.path.join(out, "wget.log"), errors="replace") as f:
            for line in f:
                m = re.search(r" URL:(\S+) \[", line)
                if m and m.group(1).split("?")[0].endswith(".html"):
                    urls.add(m.group(1).split("?")[0])
        rec["pages"] = len(urls)
        rec["pages_source"] = "wget -nv log, unique .html URLs"
        rec["ok"] = meas["exit_code"] in (0, 8)
    else:
        pages_json = os.path.join(out, "pages.json")
        info = None
        if os.path.exists(pages_json):
            try:
                info = harness.summarise_pages_json(json.load(open(pages_json)))
            except ValueError as e:
                info = {"error": str(e)}
        rec["pages_json"] = info
        if info and isinstance(info.get("ok"), int):
            rec["pages"], rec["pages_source"] = info["ok"], "pages.json, ok pages"
        else:
            rec["pages"], rec["pages_source"] = req["html_get_200_unique"], "nginx log, unique html GET 200"
        rec["gc"] = parse_gc_log(os.path.join(out, "gc.log"))
        if os.path.exists(os.path.join(out, "gc.log")):
            shutil.copy(os.path.join(out, "gc.log"), stem + ".gc.log")
        rec["timing_lines"] = timing_lines(stdout + "\n" + stderr)
        info = {}
        harness.parse_rendler_summary(stdout, info)
        rec["summary_line"] = info.get("rendler_summary")
        rec["phases"] = harness.rendler_phases(stem, meas["wall_s"], info, meas)
        outputs = {}
        for fn in sorted(os.listdir(out)):
            p = os.path.join(out, fn)
            if os.path.isfile(p):
                outputs[fn] = os.path.getsize(p)
        rec["outputs"] = outputs
        rec["ok"] = meas["exit_code"] == 0 and not meas["timed_out"]
    wall = meas["wall_s"]
    rec["wall_s"] = wall
    rec["pages_per_s"] = round(rec["pages"] / wall, 1) if wall and rec["pages"] else None
    rec["cpu_ms_per_page"] = (round(meas["cpu_rusage_tree_s"] * 1000 / rec["pages"], 2)
                              if rec["pages"] else None)
    with open(stem + ".json", "w") as f:
        json.dump(rec, f, indent=2)
    harness.log(f"  {name}: exit {meas['exit_code']}, {rec['pages']} pages, {wall:.1f} s, "
                f"{rec['pages_per_s']} pages/s, peak PSS {meas['peak_pss_mb']} MB")
    shutil.rmtree(out, ignore_errors=True)
    return rec


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--start", default="index.html")
    ap.add_argument("--xmx", default="512m")
    ap.add_argument("--rendler", default=os.path.join(REPO, "rendler"), help="launcher script")
    ap.add_argument("--rendler-commit", help="commit the launcher was built from, for the report")
    ap.add_argument("--max-pages", default="50000")
    ap.add_argument("--interval", type=float, default=0.2)
    ap.add_argument("--mem-interval", type=float, default=1.0)
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--summary", default=os.path.join(BENCH, "results", "scale.md"))
    args = ap.parse_args()
    args.rendler = os.path.abspath(args.rendler)

    raw_dir = os.path.join(BENCH, "results", "raw", "scale-" + datetime.now().strftime("%Y%m%d-%H%M%S"))
    os.makedirs(raw_dir, exist_ok=True)
    html_files = sum(1 for _, _, fs in os.walk(args.root, followlinks=True) for f in fs if f.endswith(".html"))
    machine = harness.machine_info(argparse.Namespace(
        chromium="/usr/bin/chromium", rendler=args.rendler, rendler_commit=args.rendler_commit))
    nginx = harness.Nginx(os.path.realpath(args.root), harness.free_port(),
                          os.path.join(BENCH, "nginx.conf.in"))
    recs = []
    try:
        nginx.start()
        url = f"http://127.0.0.1:{nginx.port}/{args.start}"
        rendler = args.rendler
        recs.append(run("rendler-scale-crawl",
                        [rendler, "--no-render", "--max-pages", args.max_pages, "--max-depth", "100",
                         "--output", "@OUT@", url],
                        {"RENDLER_JAVA_OPTS": f"-Xmx{args.xmx} -Xlog:gc:file=@OUT@/gc.log"},
                        nginx, raw_dir, args.timeout, args))
        recs.append(run("wget-scale-crawl",
                        ["wget", "--spider", "-r", "-l", "inf", "--no-parent", "-nd", "-nv",
                         "-e", "robots=off", "-o", "@OUT@/wget.log", url], {},
                        nginx, raw_dir, args.timeout, args))
    finally:
        nginx.stop()

    r, w = recs[0], (recs[1] if len(recs) > 1 else None)
    gc = r.get("gc") or {}
    L = ["# Rendler scale run: OpenJDK 17 API docs, crawl only", "",
         f"Written by `bench/scale.sh` on {machine['date']}. Site: {args.root} "
         f"({html_files:,} .html files on disk), served by nginx on 127.0.0.1. "
         f"Rendler ran with `RENDLER_JAVA_OPTS=-Xmx{args.xmx} -Xlog:gc:file=...` and "
         f"`--no-render --max-pages {args.max_pages} --max-depth 100`.", "",
         f"Machine: {machine['nproc']} cores, {machine['cpu']}, {machine['ram_gib']} GiB, "
         f"{machine['java']}; Rendler at {machine['rendler_commit']}.", "",
         "| tool | completed | pages | wall s | pages/s | CPU ms/page | peak tree PSS MB | load 1 min |",
         "|---|---|---|---|---|---|---|---|"]
    for x in recs:
        m = x["measurement"]
        L.append(f"| {x['scenario']} | {'yes' if x['ok'] else 'NO (exit %s%s)' % (m['exit_code'], ', timeout' if m['timed_out'] else '')} "
                 f"| {x['pages']:,} | {x['wall_s']:.1f} | {harness.fmt(x['pages_per_s'], 1)} "
                 f"| {harness.fmt(x['cpu_ms_per_page'], 2)} | {harness.fmt(m['peak_pss_mb'], 0)} "
                 f"| {x['load_before'][0]:.1f} |")
    L += ["", "Scheduler JVM heap (from its GC log, -Xlog:gc):", ""]
    if gc and gc.get("gc_pauses"):
        L += [f"- peak heap used (just before a collection): {gc['peak_heap_used_before_gc_mb']} MB of "
              f"-Xmx{args.xmx}; largest live set after a collection: {gc['max_live_after_gc_mb']} MB; "
              f"largest committed heap: {gc['max_committed_mb']} MB; {gc['gc_pauses']} pauses, "
              f"{gc['full_gcs']} full"
              + (f" ({', '.join(f'{k}: {v}' for k, v in gc['full_gc_causes'].items())})" if gc.get('full_gc_causes') else "")
              + "."]
    else:
        L += ["- no GC log lines found (did the JVM honour RENDLER_JAVA_OPTS?)"]
    L += ["", "DOT export time:", ""]
    if r.get("timing_lines"):
        L += ["- printed by Rendler:"] + [f"  - `{t}`" for t in r["timing_lines"]]
    else:
        L += ["- Rendler prints no timing for the DOT export (a timing line would make this exact)."]
    ph = r.get("phases") or {}
    if ph.get("outputs_s") is not None:
        L += [f"- derived from when Rendler's output lines arrived: the crawl started at "
              f"{ph['crawl_started_at_s']:.1f} s ('rendler: crawling ...' on stderr) and took "
              f"{ph['crawl_reported_s']:.1f} s by its own count; the closing line, which Rendler prints "
              f"after writing rendler.dot, report.html and pages.json (and trying Graphviz), came at "
              f"{ph['summary_line_at_s']:.1f} s. So writing the outputs took about **{ph['outputs_s']:.1f} s** "
              f"for all files together"
              + ("." if r.get("timing_lines") else "; the DOT file alone is not separable from outside.")]
    if r.get("outputs"):
        L += ["", "Rendler's output files: " + ", ".join(f"{k} {v / 1024:.0f} KiB" for k, v in r["outputs"].items())]
    if not r["ok"]:
        L += ["", "Rendler stderr ends:", "", "```"] + (r["stderr_tail"] or "").strip().splitlines()[-10:] + ["```"]
    L.append("")
    harness.publish(args.summary, L)
    return 0 if all(x["ok"] for x in recs) else 1


if __name__ == "__main__":
    sys.exit(main())
