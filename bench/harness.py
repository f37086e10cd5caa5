#!/usr/bin/env python3
"""Benchmark driver behind bench/run.sh: serves a site with nginx, runs the tools interleaved
(round 1: A B C D, round 2: A B C D, ...) under sampler.py, and writes the raw JSON and the
markdown summary. Installs and builds nothing: run.sh does that first.

Scenarios (each is one command, measured as a whole: wall time, CPU of the process tree, peak PSS):
  rendler-render   Rendler local mode, crawl + render of the first BUDGET pages (PNG, viewport)
  rendler-mesos-render
                   the same through --master on a real Mesos cluster (one master, one agent) that
                   run.sh starts; the executors run under the agent, and are measured by their
                   working directory in its sandboxes (sampler.py --also-cwd-under)
  crawlee-render   Crawlee PlaywrightCrawler on the same pages, one viewport PNG per page
  rendler-crawl    Rendler --no-render over the whole site
  wget-crawl       wget --spider -r over the whole site
"""
import argparse
import glob
import json
import os
import re
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
SAMPLER = os.path.join(BENCH, "sampler.py")
CRAWLEE_DIR = os.path.join(BENCH, ".tools", "crawlee")

RENDER = ("rendler-render", "rendler-mesos-render", "crawlee-render")
CRAWL = ("rendler-crawl", "wget-crawl")
ORDER = ("rendler-render", "rendler-mesos-render", "crawlee-render", "rendler-crawl", "wget-crawl")
TOOL_OF = {"rendler-render": "rendler", "rendler-crawl": "rendler",
           "rendler-mesos-render": "rendler-mesos",
           "crawlee-render": "crawlee", "wget-crawl": "wget"}
TOOLS = ("rendler", "rendler-mesos", "crawlee", "wget")
MESOS = "rendler-mesos-render"

# Targets from the product issue; reported, not enforced.
TARGET_RENDER_SPEEDUP = 2.0        # Rendler pages/s >= 2x Crawlee
TARGET_RENDER_CPU_RATIO = 0.5      # Rendler CPU ms/page <= half of Crawlee (stretch)
TARGET_CRAWL_PAGES_S = 300.0       # Rendler crawl-only pages/s
TARGET_RENDER_PSS_MB = 1024.0      # peak tree PSS during the render run
TARGET_MESOS_VS_LOCAL = 0.8        # Mesos mode pages/s >= 0.8x local mode's in the same round


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def png_size(path):
    """(width, height) from a PNG's IHDR chunk."""
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def cmd_output(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (out.stdout + out.stderr).strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


# ---------------------------------------------------------------------------------------------
# nginx

class Nginx:
    def __init__(self, root, port, template):
        self.root = root
        self.port = port
        self.run_dir = tempfile.mkdtemp(prefix="rendler-bench-nginx.")
        conf = open(template).read()
        conf = conf.replace("@PORT@", str(port)).replace("@ROOT@", root).replace("@RUN@", self.run_dir)
        self.conf = os.path.join(self.run_dir, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(conf)
        self.access_log = os.path.join(self.run_dir, "access.log")
        self.proc = None

    def start(self):
        err = os.path.join(self.run_dir, "error.log")
        self.proc = subprocess.Popen(
            ["nginx", "-p", self.run_dir, "-c", self.conf, "-e", err],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.run_dir, "stderr.log"), "wb"),
            start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("nginx exited: " + open(err).read()[-2000:])
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("nginx did not listen within 10 s")

    def log_offset(self):
        try:
            return os.path.getsize(self.access_log)
        except OSError:
            return 0

    def requests_since(self, offset):
        """Counts of the requests logged after offset: html pages fetched (GET 200 of a .html or a
        directory URL, unique and total), and every request by method and status."""
        counts = {}
        html_unique = set()
        html_total = 0
        try:
            with open(self.access_log, "rb") as f:
                f.seek(offset)
                for raw in f:
                    parts = raw.decode("utf-8", "replace").split()
                    if len(parts) < 4:
                        continue
                    method, status, _, uri = parts[:4]
                    key = f"{method} {status}"
                    counts[key] = counts.get(key, 0) + 1
                    path = uri.split("?", 1)[0]
                    if method == "GET" and status == "200" and (path.endswith(".html") or path.endswith("/")):
                        html_total += 1
                        html_unique.add(path)
        except OSError:
            pass
        return {"html_get_200_unique": len(html_unique), "html_get_200_total": html_total,
                "by_method_status": counts}

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)   # graceful: finish the open requests
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.run_dir, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# scenarios

def scenario_command(name, url, out, args):
    """(argv, extra env, timeout s) of one scenario."""
    rendler = args.rendler
    if name in ("rendler-render", MESOS):
        # Mesos mode: the same crawl, its tasks on the bench cluster's agent; the agent reaches
        # the scheduler's file server (executor jars, screenshot uploads) on 127.0.0.1.
        mesos = ["--master", args.mesos_master, "--advertise-host", "127.0.0.1"] if name == MESOS else []
        return ([rendler, "--max-pages", str(args.pages), "--max-depth", "100",
                 "--viewport", args.viewport, "--chromium", args.chromium,
                 *[f"--chromium-arg={a}" for a in args.chromium_arg],
                 *mesos, "--output", out, "-q", url], {}, args.render_timeout)
    if name == "rendler-crawl":
        return ([rendler, "--no-render", "--max-pages", "5000", "--max-depth", "100",
                 "--output", out, "-q", url], {}, args.crawl_timeout)
    if name == "crawlee-render":
        env = {"START_URL": url, "OUT_DIR": os.path.join(out, "screenshots"),
               "BUDGET": str(args.pages), "VIEWPORT": args.viewport, "CHROMIUM": args.chromium,
               "CRAWLEE_STORAGE_DIR": os.path.join(out, "storage")}
        if args.crawlee_max_concurrency:
            env["MAX_CONCURRENCY"] = str(args.crawlee_max_concurrency)
        return (["node", os.path.join(CRAWLEE_DIR, "crawl.mjs")], env, args.render_timeout)
    if name == "wget-crawl":
        return (["wget", "--spider", "-r", "-l", "inf", "--no-parent", "-nd", "-nv",
                 "-e", "robots=off", "-o", os.path.join(out, "wget.log"), url], {},
                args.crawl_timeout)
    raise ValueError(name)


def count_pages(name, out, stdout_text, requests):
    """Pages the tool reports done, with where the number came from."""
    info = {}
    if name in RENDER:
        shots = os.path.join(out, "screenshots")
        pngs = []
        if os.path.isdir(shots):
            for dirpath, _, files in os.walk(shots):
                pngs.extend(os.path.join(dirpath, f) for f in files if f.endswith(".png"))
        info["pngs"] = len(pngs)
        sizes = {}
        for p in pngs:
            wh = png_size(p)
            key = f"{wh[0]}x{wh[1]}" if wh else "not-png"
            sizes[key] = sizes.get(key, 0) + 1
        info["png_sizes"] = sizes
        info["png_mb"] = round(sum(os.path.getsize(p) for p in pngs) / 2**20, 1)
        if name == "crawlee-render":
            for line in reversed(stdout_text.splitlines()):
                if line.startswith("{"):
                    try:
                        info["crawlee_summary"] = json.loads(line)
                        info["tool_reported_s"] = info["crawlee_summary"].get("seconds")
                    except ValueError:
                        pass
                    break
        parse_rendler_summary(stdout_text, info)
        return len(pngs), "PNG files under the output's screenshots/", info
    if name == "rendler-crawl":
        parse_rendler_summary(stdout_text, info)
        pages_json = os.path.join(out, "pages.json")
        if os.path.exists(pages_json):
            try:
                data = json.load(open(pages_json))
                info["pages_json"] = summarise_pages_json(data)
            except ValueError as e:
                info["pages_json_error"] = str(e)
        ok = info.get("pages_json", {}).get("ok")
        if isinstance(ok, int):
            return ok, "pages.json, pages with an ok status", info
        return requests["html_get_200_unique"], "nginx access log (unique html GET 200)", info
    if name == "wget-crawl":
        urls = set()
        try:
            with open(os.path.join(out, "wget.log"), errors="replace") as f:
                for line in f:
                    m = re.search(r" URL:(\S+) \[", line)
                    if m:
                        u = m.group(1).split("?", 1)[0]
                        if u.endswith(".html") or u.endswith("/"):
                            urls.add(u)
        except OSError:
            pass
        info["wget_log_html_urls"] = len(urls)
        return len(urls), "wget -nv log, unique .html URLs fetched", info
    raise ValueError(name)


def parse_rendler_summary(text, info):
    """Rendler's closing line, e.g. 'rendler: 300 crawled, 300 rendered, 0 failed, 2289 edges in
    77.9s (complete, ...)': keep it, and its own time (the crawl, without JVM start and outputs)."""
    for line in reversed(text.splitlines()):
        m = re.search(r"rendler: .* in ([0-9.]+)s\b", line)
        if m:
            info["rendler_summary"] = line.strip()
            info["tool_reported_s"] = float(m.group(1))
            return


def read_stamps(path):
    out = []
    try:
        with open(path, errors="replace") as f:
            for line in f:
                t, _, text = line.rstrip("\n").partition("\t")
                out.append((float(t), text))
    except (OSError, ValueError):
        pass
    return out


def rendler_phases(stem, wall, info, meas):
    """Where a Rendler run's wall time went, from the time-stamped output lines. Rendler prints
    its closing line on stdout after it has written its outputs (rendler.dot, report.html,
    pages.json, Graphviz); the time in that line is the crawl alone. Without -q it also prints
    'rendler: crawling URL ...' on stderr when the crawl starts."""
    own = info.get("tool_reported_s")
    summary_t = next((t for t, text in read_stamps(stem + ".stdout.stamps")
                      if re.search(r"^rendler: .* in [0-9.]+s\b", text)), None)
    if own is None or summary_t is None:
        return None
    phases = {"crawl_reported_s": own,
              "summary_line_at_s": round(summary_t, 2),
              # JVM start, backend and browser setup, writing the outputs, Graphviz: all of it
              "outside_reported_crawl_s": round(summary_t - own, 2),
              "exit_after_summary_line_s": round(wall - summary_t, 2)}
    err = read_stamps(stem + ".stderr.stamps")
    crawl_start = next((t for t, text in err if text.startswith("rendler: crawling ")), None)
    if crawl_start is not None:
        phases["crawl_started_at_s"] = round(crawl_start, 2)
        # from the reported end of the crawl to the closing line: the outputs
        phases["outputs_s"] = round(summary_t - crawl_start - own, 2)
    span = (meas.get("seen_by_group_s") or {}).get("dot")
    if span:
        phases["dot_seen_s"] = span
    return phases


def summarise_pages_json(data):
    """pages.json's shape is Rendler's; read it defensively: count pages and their statuses."""
    pages = data.get("pages") if isinstance(data, dict) else data
    if not isinstance(pages, list):
        return {"shape": type(data).__name__}
    statuses = {}
    for p in pages:
        st = str(p.get("status", "?")) if isinstance(p, dict) else "?"
        statuses[st] = statuses.get(st, 0) + 1
    ok = sum(v for k, v in statuses.items() if k.lower() in ("ok", "done", "rendered", "crawled", "success"))
    out = {"pages": len(pages), "statuses": statuses}
    if ok:
        out["ok"] = ok
    return out


# ---------------------------------------------------------------------------------------------
# the Mesos scenario: what the cluster's logs and the executors' sandboxes tell about a run

CLK_TCK = os.sysconf("SC_CLK_TCK")
GLOG_LINE = re.compile(r"^[IWEF](\d{8} \d{2}:\d{2}:\d{2}\.\d{6})")
ISO_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z (.*)")


def glog_epoch(line):
    """Epoch seconds of a glog line (Mesos logs local time), or None."""
    m = GLOG_LINE.match(line)
    return datetime.strptime(m.group(1), "%Y%m%d %H:%M:%S.%f").timestamp() if m else None


def iso_epoch(m):
    frac = float(m.group(2) or 0)
    return datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp() + frac


def file_size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def read_from(path, offset):
    try:
        with open(path, errors="replace") as f:
            f.seek(offset)
            return f.read()
    except OSError:
        return ""


def mesos_daemon_cpu(mesos_dir):
    """utime+stime so far, in seconds, of the bench cluster's master and agents (their pid files)."""
    out = {}
    for pidfile in glob.glob(os.path.join(mesos_dir, "run", "*.pid")):
        try:
            pid = int(open(pidfile).read().strip())
            raw = open(f"/proc/{pid}/stat").read()
        except (OSError, ValueError):
            continue
        fields = raw[raw.rfind(")") + 2:].split()
        out[os.path.basename(pidfile)[:-4]] = (int(fields[11]) + int(fields[12])) / CLK_TCK
    return out


def master_view(text, t0):
    """The framework this run registered, from the part of the master's log written during the
    run: when the master added it, its first ACCEPT, and how many offers, accepts and declines."""
    m = re.search(r"Adding framework (\S+) \(rendler\)", text)
    if not m:
        return None
    fw = m.group(1)
    view = {"framework_id": fw, "offers": 0, "accepts": 0, "declines": 0}
    for line in text.splitlines():
        if fw not in line:
            continue
        t = glog_epoch(line)
        rel = round(t - t0, 2) if t else None
        if "Adding framework" in line:
            view.setdefault("framework_added_s", rel)
        elif "Sending offers [" in line:
            view["offers"] += line.split("Sending offers [", 1)[1].split("]", 1)[0].count(fw.rsplit("-", 1)[0] + "-O")
        elif "Processing ACCEPT call" in line:
            view["accepts"] += 1
            view.setdefault("first_accept_s", rel)
        elif "Processing DECLINE call" in line:
            view["declines"] += 1
    return view


def executor_timeline(stderr_text, t0):
    """When an executor's steps happened, in seconds from the scenario's start, read from its
    sandbox's stderr: the agent's fetcher logs the jar download there, then the executor logs its
    subscription, one line per task it ends, and (render) each Chromium's start-up time."""
    tl = {"tasks_finished": 0, "tasks_other": 0}
    chromium_ms = []
    for line in stderr_text.splitlines():
        t = glog_epoch(line)
        if t is not None:
            if "Fetcher Info" in line:
                tl.setdefault("fetch_start_s", round(t - t0, 2))
            elif "Successfully fetched all URIs" in line:
                tl["fetched_s"] = round(t - t0, 2)
            continue
        m = ISO_LINE.match(line)
        if m:
            rel = round(iso_epoch(m) - t0, 2)
            rest = m.group(3)
            if rest.startswith("subscribed to agent"):
                tl.setdefault("subscribed_s", rel)
            elif re.match(r"task \S+ TASK_FINISHED\b", rest):
                tl["tasks_finished"] += 1
                tl.setdefault("first_task_done_s", rel)
                tl["last_task_done_s"] = rel
            elif re.match(r"task \S+ TASK_", rest):
                tl["tasks_other"] += 1
            continue
        m = re.search(r"started Chromium \S+ in ([\d,]+) ms", line)
        if m:
            chromium_ms.append(int(m.group(1).replace(",", "")))
    if chromium_ms:
        tl["chromium_start_ms"] = chromium_ms
    return tl


def mesos_run_info(mesos_dir, master_log_offset, t0, stem):
    """The master's view of the run and each executor's timeline; copies the executors' sandbox
    stdout/stderr next to the raw JSON (stem.sandbox/)."""
    view = master_view(read_from(os.path.join(mesos_dir, "logs", "master.log"), master_log_offset), t0)
    if not view:
        return {"error": "no framework 'rendler' added in the master's log during the run"}
    execs = []
    copy_dir = stem + ".sandbox"
    for run in sorted(glob.glob(os.path.join(mesos_dir, "agent-*", "work", "slaves", "*", "frameworks",
                                             view["framework_id"], "executors", "*", "runs", "*"))):
        if os.path.basename(run) == "latest":
            continue
        executor = run.split(os.sep)[-3]
        os.makedirs(copy_dir, exist_ok=True)
        for stream in ("stdout", "stderr"):
            src = os.path.join(run, stream)
            if os.path.exists(src):
                with open(src, "rb") as f:
                    f.seek(max(0, file_size(src) - (2 << 20)))   # the last 2 MB at most
                    data = f.read()
                with open(os.path.join(copy_dir, f"{executor}.{os.path.basename(run)[:8]}.{stream}"), "wb") as f:
                    f.write(data)
        tl = executor_timeline(read_from(os.path.join(run, "stderr"), 0), t0)
        tl["executor"] = executor
        execs.append(tl)
    view["executors"] = execs
    return view


def run_one(name, rnd, url, nginx, args, raw_dir, env_base):
    out = tempfile.mkdtemp(prefix=f"rendler-bench-{name}.")
    argv, extra_env, timeout = scenario_command(name, url, out, args)
    env = dict(env_base)
    env.update(extra_env)
    stem = os.path.join(raw_dir, f"r{rnd}-{name}")
    offset = nginx.log_offset()
    load_before = loadavg()
    log(f"round {rnd}: {name} (load {load_before[0]:.2f})")
    cwd = out  # wget and Crawlee write next to their cwd
    sampler_cmd = [sys.executable, SAMPLER, "--out", stem + ".sampler.json",
                   "--interval", str(args.interval), "--mem-interval", str(args.mem_interval),
                   "--timeout", str(timeout), "--stdout", stem + ".stdout",
                   "--stamp-stdout", stem + ".stdout.stamps", "--stamp-stderr", stem + ".stderr.stamps",
                   "--stderr", stem + ".stderr"]
    mesos = name == MESOS
    if mesos:
        # The executors run under the agent, outside the scheduler's process tree.
        for work in sorted(glob.glob(os.path.join(args.mesos_dir, "agent-*", "work"))):
            sampler_cmd += ["--also-cwd-under", work]
        master_log_offset = file_size(os.path.join(args.mesos_dir, "logs", "master.log"))
        daemons_before = mesos_daemon_cpu(args.mesos_dir)
    sampler_cmd += ["--"] + argv
    proc = subprocess.Popen(sampler_cmd, env=env, cwd=cwd)
    ACTIVE.append(proc)
    try:
        proc.wait()      # on an interrupt, main() finds proc in ACTIVE and stops it
    except BaseException:
        OUT_DIRS.append(out)   # removed by main() once the tree is stopped
        raise
    ACTIVE.remove(proc)
    load_after = loadavg()
    time.sleep(0.3)  # let nginx write the last log lines
    requests = nginx.requests_since(offset)
    try:
        meas = json.load(open(stem + ".sampler.json"))
    except (OSError, ValueError):
        meas = {"exit_code": None, "error": "sampler wrote no result"}
    stdout_text = open(stem + ".stdout", errors="replace").read() if os.path.exists(stem + ".stdout") else ""
    stderr_text = open(stem + ".stderr", errors="replace").read() if os.path.exists(stem + ".stderr") else ""
    pages, pages_source, info = count_pages(name, out, stdout_text, requests)
    wall = meas.get("wall_s") or 0
    phases = rendler_phases(stem, wall, info, meas) if name.startswith("rendler") else None
    if phases:
        info["phases"] = phases
    cpu = meas.get("cpu_rusage_tree_s")
    if mesos:
        # the scheduler's tree (rusage) plus the executors under the agent (/proc samples)
        if cpu is not None:
            cpu = round(cpu + meas.get("cpu_also_cwd_s", 0), 3)
        info["mesos"] = mesos_run_info(args.mesos_dir, master_log_offset,
                                       meas.get("started_at_epoch") or time.time() - wall, stem)
        daemons_after = mesos_daemon_cpu(args.mesos_dir)
        # The master's and agent's own CPU is not in the scenario's CPU (as nginx's is not in
        # any): it is recorded here for reference.
        info["mesos"]["daemon_cpu_s"] = {k: round(v - daemons_before.get(k, 0), 2)
                                         for k, v in daemons_after.items()}
    rec = {
        "scenario": name, "tool": TOOL_OF[name], "round": rnd, "argv": argv,
        "env": extra_env, "exit_code": meas.get("exit_code"), "timed_out": meas.get("timed_out"),
        "ok": meas.get("exit_code") in OK_EXIT.get(name, (0,)) and pages > 0,
        "pages": pages, "pages_source": pages_source,
        "wall_s": wall,
        "pages_per_s": round(pages / wall, 2) if pages and wall else None,
        "cpu_s": cpu,
        "cpu_ms_per_page": round(cpu * 1000 / pages, 1) if pages and cpu is not None else None,
        "peak_pss_mb": meas.get("peak_pss_mb"),
        "requests": requests, "info": info, "measurement": meas,
        "load_before": load_before, "load_after": load_after,
        "stderr_tail": stderr_text[-3000:],
    }
    with open(stem + ".json", "w") as f:
        json.dump(rec, f, indent=2)
    log(f"  {name}: exit {rec['exit_code']}, {pages} pages in {wall:.1f} s, "
        f"{rec['pages_per_s']} pages/s, {rec['cpu_ms_per_page']} CPU ms/page, "
        f"peak PSS {rec['peak_pss_mb']} MB")
    if not rec["ok"] and stderr_text:
        log("  stderr tail: " + stderr_text[-600:].replace("\n", "\n    "))
    shutil.rmtree(out, ignore_errors=True)
    return rec


ACTIVE = []
OUT_DIRS = []
# wget exits 8 when any response was an error: the manual has one broken link (a mailto: written
# as a relative href), which nginx answers with 404.
OK_EXIT = {"wget-crawl": (0, 8)}


# ---------------------------------------------------------------------------------------------
# summary

def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, nd=1):
    if x is None:
        return "–"
    if isinstance(x, int) or (isinstance(x, float) and x.is_integer() and nd == 0):
        return f"{int(x):,}"
    return f"{x:,.{nd}f}"


def spread(xs, nd=1):
    xs = [x for x in xs if x is not None]
    if not xs:
        return "–"
    m = statistics.median(xs)
    if len(xs) == 1:
        return fmt(m, nd)
    return f"{fmt(m, nd)} ({fmt(min(xs), nd)}–{fmt(max(xs), nd)})"


def machine_info(args):
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    def pkg_version(name):
        try:
            return json.load(open(os.path.join(CRAWLEE_DIR, "node_modules", name, "package.json")))["version"]
        except (OSError, ValueError, KeyError):
            return "?"
    java = cmd_output(["java", "-version"]).splitlines()
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(mem_kb / 2**20, 1),
        "kernel": os.uname().release,
        "java": java[1] if len(java) > 1 else (java[0] if java else "?"),
        "node": cmd_output(["node", "--version"]),
        "chromium": next((ln for ln in cmd_output([args.chromium, "--version"]).splitlines()
                          if "Chrom" in ln), "?"),
        "nginx": cmd_output(["nginx", "-v"]).replace("nginx version: ", ""),
        "wget": cmd_output(["wget", "--version"]).splitlines()[0],
        "crawlee": pkg_version("crawlee"),
        "playwright_node": pkg_version("playwright"),
        "rendler_launcher": getattr(args, "rendler", os.path.join(REPO, "rendler")),
        "rendler_commit": getattr(args, "rendler_commit", None)
                          or cmd_output(["git", "-C", REPO, "rev-parse", "--short", "HEAD"]),
        "rendler_tree_dirty": (not getattr(args, "rendler_commit", None)) and bool(
            cmd_output(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"]).strip()),
    }


def publish(path, lines):
    """Writes a results page's markdown lines to path and shows them."""
    with open(path, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


def table_section(L, title, text, columns):
    """A '###' heading, a paragraph, and a markdown table's header rows."""
    L.extend([f"### {title}", "", text, "", "| " + " | ".join(columns) + " |",
              "|" + "---|" * len(columns)])


def executor_cell(e):
    """'rendler-render: 6.1, 14.0, 15.2–40.3 (300)': jar fetched, subscribed, first and last task
    done, tasks finished (and how many ended otherwise)."""
    other = f", {e['tasks_other']} not finished" if e.get("tasks_other") else ""
    return (f"{e['executor']}: {fmt(e.get('fetched_s'), 1)}, {fmt(e.get('subscribed_s'), 1)}, "
            f"{fmt(e.get('first_task_done_s'), 1)}–{fmt(e.get('last_task_done_s'), 1)} "
            f"({e['tasks_finished']}{other})")


def write_summary(records, machine, args, raw_dir, path, load_start, load_end):
    by = {}
    for r in records:
        by.setdefault(r["scenario"], []).append(r)
    rounds = sorted({r["round"] for r in records})

    def rec(scen, rnd):
        for r in by.get(scen, []):
            if r["round"] == rnd:
                return r
        return None

    def ratios(a, b, key):
        out = []
        for rnd in rounds:
            ra, rb = rec(a, rnd), rec(b, rnd)
            if ra and rb and ra["ok"] and rb["ok"] and ra[key] and rb[key]:
                out.append(ra[key] / rb[key])
        return out

    L = []
    L.append("# Rendler benchmark: latest run")
    L.append("")
    L.append(f"Written by `bench/run.sh` on {machine['date']}; {len(rounds)} round(s), tools run "
             f"interleaved in the order {', '.join(s for s in ORDER if s in by)}. "
             f"Numbers are medians with (min–max) over the rounds. The machine is shared and "
             f"noisy: trust medians and within-round ratios more than absolute values.")
    L.append("")
    L.append("## Machine")
    L.append("")
    L.append(f"- {machine['nproc']} cores, {machine['cpu']}, {machine['ram_gib']} GiB RAM, "
             f"kernel {machine['kernel']}")
    L.append(f"- {machine['java']}; Node {machine['node']}; {machine['chromium']}; "
             f"nginx {machine['nginx']}; {machine['wget']}")
    L.append(f"- Crawlee {machine['crawlee']}, Playwright (Node) {machine['playwright_node']}; "
             f"Rendler {machine['rendler_commit']}"
             f"{' (working tree, with uncommitted changes)' if machine['rendler_tree_dirty'] else ''}"
             f" run as `{os.path.relpath(machine['rendler_launcher'], REPO)}`")
    L.append(f"- load average (1/5/15 min) at the start {load_start[0]:.2f} / {load_start[1]:.2f} / "
             f"{load_start[2]:.2f}, at the end {load_end[0]:.2f} / {load_end[1]:.2f} / {load_end[2]:.2f}")
    L.append("")
    L.append("## Results")
    L.append("")
    L.append("| scenario | runs ok | pages done | wall s | pages/s | CPU ms/page | peak tree PSS MB | load avg (1 min) |")
    L.append("|---|---|---|---|---|---|---|---|")
    labels = {
        "rendler-render": f"Rendler crawl+render, {args.pages} pages",
        MESOS: f"Rendler crawl+render through --master (real Mesos, one agent), {args.pages} pages",
        "crawlee-render": f"Crawlee PlaywrightCrawler, {args.pages} pages",
        "rendler-crawl": "Rendler crawl-only (--no-render), whole manual",
        "wget-crawl": "wget --spider -r, whole manual",
    }
    for scen in ORDER:
        rs = by.get(scen)
        if not rs:
            continue
        ok = [r for r in rs if r["ok"]]
        L.append("| " + " | ".join([
            labels[scen], f"{len(ok)}/{len(rs)}",
            spread([r["pages"] for r in ok], 0),
            spread([r["wall_s"] for r in ok], 1),
            spread([r["pages_per_s"] for r in ok], 2),
            spread([r["cpu_ms_per_page"] for r in ok], 0),
            spread([r["peak_pss_mb"] for r in ok], 0),
            spread([r["load_before"][0] for r in rs], 1),
        ]) + " |")
    L.append("")
    if getattr(args, "mesos_skipped", None):
        L.append(f"The Mesos scenario was skipped: {args.mesos_skipped}")
        L.append("")
    if MESOS in by:
        L.append("For the Mesos scenario, CPU is the scheduler's process tree (rusage) plus the "
                 "executors the agent runs (the processes whose working directory is in the "
                 "agent's sandboxes, from /proc samples), and PSS is both summed; the Mesos "
                 "master's and agent's own CPU is not included (see below).")
        L.append("")

    L.append("## Targets")
    L.append("")
    L.append("| target | measured | met? |")
    L.append("|---|---|---|")

    def verdict(value, good):
        if value is None:
            return "not measured"
        return "yes" if good(value) else "**no**"

    sp = ratios("rendler-render", "crawlee-render", "pages_per_s")
    L.append(f"| crawl+render pages/s, Rendler ÷ Crawlee ≥ {TARGET_RENDER_SPEEDUP:g}× | "
             f"{spread(sp, 2)} (per-round ratios: {', '.join(f'{x:.2f}' for x in sp) or '–'}) | "
             f"{verdict(med(sp), lambda v: v >= TARGET_RENDER_SPEEDUP)} |")
    cr = ratios("rendler-render", "crawlee-render", "cpu_ms_per_page")
    L.append(f"| CPU ms/page, Rendler ÷ Crawlee ≤ {TARGET_RENDER_CPU_RATIO:g} (stretch) | "
             f"{spread(cr, 2)} (per-round: {', '.join(f'{x:.2f}' for x in cr) or '–'}) | "
             f"{verdict(med(cr), lambda v: v <= TARGET_RENDER_CPU_RATIO)} |")
    cps = med([r["pages_per_s"] for r in by.get("rendler-crawl", []) if r["ok"]])
    L.append(f"| crawl-only pages/s ≥ {TARGET_CRAWL_PAGES_S:g} | {fmt(cps, 1)} | "
             f"{verdict(cps, lambda v: v >= TARGET_CRAWL_PAGES_S)} |")
    wr = ratios("rendler-crawl", "wget-crawl", "pages_per_s")
    L.append(f"| (info) crawl-only pages/s, Rendler ÷ wget | {spread(wr, 2)} | – |")
    pss = [r["peak_pss_mb"] for r in by.get("rendler-render", []) if r["ok"]]
    L.append(f"| peak tree PSS during the {args.pages}-page render ≤ 1 GB | "
             f"{spread(pss, 0)} MB (max {fmt(max(pss), 0) if pss else '–'}) | "
             f"{verdict(max(pss) if pss else None, lambda v: v <= TARGET_RENDER_PSS_MB)} |")
    mr = ratios("rendler-render", "crawlee-render", "peak_pss_mb")
    L.append(f"| (info) peak PSS, Rendler ÷ Crawlee | {spread(mr, 2)} | – |")
    if MESOS in by or getattr(args, "mesos_skipped", None):
        mv = ratios(MESOS, "rendler-render", "pages_per_s")
        measured = (f"{spread(mv, 2)} (per-round ratios: {', '.join(f'{x:.2f}' for x in mv) or '–'})"
                    if MESOS in by else f"skipped: {args.mesos_skipped}")
        L.append(f"| Mesos mode pages/s ≥ {TARGET_MESOS_VS_LOCAL:g}× local mode's in the same round | "
                 f"{measured} | {verdict(med(mv), lambda v: v >= TARGET_MESOS_VS_LOCAL)} |")
        mc = ratios(MESOS, "rendler-render", "cpu_ms_per_page")
        L.append(f"| (info) CPU ms/page, Mesos ÷ local | {spread(mc, 2)} | – |")
        mp = ratios(MESOS, "rendler-render", "peak_pss_mb")
        L.append(f"| (info) peak PSS, Mesos ÷ local | {spread(mp, 2)} | – |")
    L.append("")

    L.append("## Per run")
    L.append("")
    L.append("| round | scenario | exit | pages | wall s (tool's own) | pages/s | CPU s (rusage tree) | CPU s (/proc sampled) | CPU s (GNU time, direct chain) | peak PSS MB (by process kind) | html GETs (unique) | load 1 min before → after |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in sorted(records, key=lambda r: (r["round"], ORDER.index(r["scenario"]))):
        m = r["measurement"]
        gt = m.get("gnu_time") or {}
        gt_cpu = (gt.get("user_s", 0) + gt.get("sys_s", 0)) if gt else None
        groups = ", ".join(f"{k} {v:.0f}" for k, v in list((m.get("peak_pss_by_group_mb") or {}).items())[:3])
        req = r["requests"]
        rusage = fmt(m.get("cpu_rusage_tree_s"), 1)
        if "cpu_also_cwd_s" in m:
            rusage += f" + {fmt(m['cpu_also_cwd_s'], 1)} executors (/proc)"
        L.append("| " + " | ".join([
            str(r["round"]), r["scenario"], str(r["exit_code"]) + (" (timeout)" if r["timed_out"] else ""),
            fmt(r["pages"], 0),
            fmt(r["wall_s"], 1) + (f" ({r['info']['tool_reported_s']:.1f})" if r["info"].get("tool_reported_s") else ""),
            fmt(r["pages_per_s"], 2),
            rusage, fmt(m.get("cpu_proc_sampled_s"), 1), fmt(gt_cpu, 1),
            f"{fmt(r['peak_pss_mb'], 0)} ({groups})" if r["peak_pss_mb"] is not None else "–",
            f"{req['html_get_200_total']} ({req['html_get_200_unique']})",
            f"{r['load_before'][0]:.1f} → {r['load_after'][0]:.1f}",
        ]) + " |")
    L.append("")
    ph = [r for r in sorted(records, key=lambda r: (r["round"], ORDER.index(r["scenario"])))
          if r["info"].get("phases")]
    if ph:
        table_section(
            L, "Where Rendler's wall time goes",
            "Rendler prints its closing line after writing its outputs; the time in it is "
            "the crawl alone. 'Outside the crawl' is everything else up to that line: JVM "
            "start, browser launch, writing rendler.dot, report.html and pages.json, Graphviz. "
            "When the sampler saw Graphviz `dot` running is shown (seconds from the start). "
            "CPU by process kind is from the /proc samples.",
            ["round", "scenario", "wall s", "crawl (reported) s", "outside the crawl s",
             "exit after closing line s", "Graphviz dot seen", "CPU s by process kind"])
        for r in ph:
            p = r["info"]["phases"]
            dot = p.get("dot_seen_s")
            cpu = ", ".join(f"{k} {v:.1f}" for k, v in list((r["measurement"].get("cpu_proc_by_group_s") or {}).items())[:4])
            L.append(f"| {r['round']} | {r['scenario']} | {r['wall_s']:.1f} | {p['crawl_reported_s']:.1f} | "
                     f"{p['outside_reported_crawl_s']:.1f} | {p['exit_after_summary_line_s']:.1f} | "
                     f"{f'{dot[0]:.1f}–{dot[1]:.1f} s' if dot else '–'} | {cpu} |")
        L.append("")
    mesos_runs = [r for r in sorted(records, key=lambda r: r["round"])
                  if r["scenario"] == MESOS and isinstance(r["info"].get("mesos"), dict)]
    if mesos_runs:
        table_section(
            L, "Where Mesos mode's wall time goes",
            "Seconds from the start of the command, from the master's log (the framework added, "
            "its first ACCEPT, offers it got) and each executor's sandbox stderr (the agent's "
            "fetch of the executor jar, the executor's SUBSCRIBE, its first and last finished "
            "task, each Chromium's start-up). The master and agent's own CPU during the run "
            "is in the last column; it is in none of the figures above.",
            ["round", "framework added", "first ACCEPT", "offers / accepts / declines",
             "executor: jar fetched, subscribed, first–last task done (tasks)",
             "Chromium start-up ms", "master, agent CPU s"])
        for r in mesos_runs:
            v = r["info"]["mesos"]
            if "error" in v:
                L.append(f"| {r['round']} | {v['error']} | | | | | |")
                continue
            ex = "; ".join(executor_cell(e) for e in v.get("executors", []))
            chrom = ", ".join(str(ms) for e in v.get("executors", []) for ms in e.get("chromium_start_ms", []))
            daemons = ", ".join(f"{k} {x:.1f}" for k, x in sorted(v.get("daemon_cpu_s", {}).items()))
            L.append(f"| {r['round']} | {fmt(v.get('framework_added_s'), 1)} | {fmt(v.get('first_accept_s'), 1)} | "
                     f"{v['offers']} / {v['accepts']} / {v['declines']} | {ex or '–'} | {chrom or '–'} | {daemons or '–'} |")
        L.append("")
    peers = [r for r in records if not r["tool"].startswith("rendler") and r["measurement"].get("cpu_proc_by_group_s")]
    if peers:
        L.append("CPU s by process kind for the peers (from the /proc samples): " + "; ".join(
            f"r{r['round']} {r['scenario']}: " + ", ".join(
                f"{k} {v:.1f}" for k, v in list(r["measurement"]["cpu_proc_by_group_s"].items())[:4])
            for r in sorted(peers, key=lambda r: (r["round"], ORDER.index(r["scenario"])))) + ".")
        L.append("")
    failures = [r for r in records if not r["ok"]]
    if failures:
        L.append("## Failures")
        L.append("")
        for r in failures:
            tail = (r["stderr_tail"] or "").strip().splitlines()[-6:]
            L.append(f"- round {r['round']} {r['scenario']}: exit {r['exit_code']}, {r['pages']} pages. "
                     f"stderr ends:")
            L.append("")
            L.append("  ```")
            L.extend("  " + t[:300] for t in tail)
            L.append("  ```")
        L.append("")
    L.append("## How it was measured")
    L.append("")
    L.append(f"- Site: {args.site_label}, served by nginx 127.0.0.1 (bench/nginx.conf.in: one worker, "
             "keep-alive, open_file_cache); files read once into the page cache before round 1.")
    L.append("- Each command runs under `bench/sampler.py`, which measures the whole process tree: "
             "wall time from start to the command's exit; **CPU = user+sys from "
             "getrusage(RUSAGE_CHILDREN)** with the sampler as child subreaper, so orphaned Chromium "
             "processes are reaped by it and counted; cross-checked by summing utime+stime over "
             f"/proc/PID/stat of every descendant every {args.interval:g} s and by GNU time, which "
             "sees only the direct chain (a lower bound). **Peak memory = max over time of the "
             f"sum of PSS** (/proc/PID/smaps_rollup) over the tree, sampled every {args.mem_interval:g} s.")
    L.append("- pages/s = pages done ÷ wall time of the whole command (JVM/Node start, browser "
             "launch and report writing included). CPU ms/page = tree CPU ÷ pages done.")
    L.append("- Pages done: render scenarios count the PNG files written; Rendler crawl-only reads "
             "pages.json (or falls back to nginx's log); wget counts the unique .html URLs in its -nv log. "
             "The html GET column is nginx's own count of the requests during that run.")
    if MESOS in by:
        L.append(f"- Mesos scenario: Rendler with `--master {args.mesos_master} --advertise-host 127.0.0.1` "
                 "on the bench's own cluster (one master, one agent offering the whole machine, "
                 "started by run.sh from the shared Mesos build). The executors are not in the "
                 "scheduler's process tree: the sampler also scans the processes whose working "
                 "directory is in the agent's work dir (and their descendants), adds their "
                 "utime+stime (last value seen per process, so a little low) to the scheduler "
                 "tree's rusage, and their PSS to the tree's at each memory sample (`mesos:` "
                 "process kinds). After the scheduler exits it keeps counting them until they are "
                 "gone (not in the wall time). Their sandboxes' stdout/stderr are copied next to "
                 "the raw JSON.")
    L.append(f"- Raw per-run JSON (gitignored): `{os.path.relpath(raw_dir, REPO)}/`.")
    L.append("")
    with open(path, "w") as f:
        f.write("\n".join(L))


# ---------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", action="append", choices=TOOLS)
    ap.add_argument("--root", default="/usr/share/doc/postgresql-doc-15/html")
    ap.add_argument("--site-label", default="the PostgreSQL 15 manual (postgresql-doc-15, 1,169 pages)")
    ap.add_argument("--start", default="index.html")
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--viewport", default="1280x800")
    ap.add_argument("--chromium", default="/usr/lib/chromium/chromium-headless-shell",
                    help="the browser both tools render with (Debian's chromium-headless-shell; /usr/bin/chromium for the full browser)")
    ap.add_argument("--chromium-arg", action="append", default=[],
                    help="extra Chromium flag for Rendler's render scenario (repeatable; for lever experiments)")
    ap.add_argument("--rendler", default=os.path.join(REPO, "rendler"), help="launcher script")
    ap.add_argument("--rendler-commit", help="commit the launcher was built from, for the report")
    ap.add_argument("--crawlee-max-concurrency", type=int, default=0)
    ap.add_argument("--mesos-master", help="HOST:PORT of the bench's Mesos master (run.sh starts it)")
    ap.add_argument("--mesos-dir", help="its RENDLER_MESOS_DIR: logs, and the agents' work dirs "
                    "whose processes are the executors")
    ap.add_argument("--mesos-skip", help="why there is no cluster: the Mesos scenario is skipped")
    ap.add_argument("--interval", type=float, default=0.2)
    ap.add_argument("--mem-interval", type=float, default=1.0)
    ap.add_argument("--render-timeout", type=float, default=1500)
    ap.add_argument("--crawl-timeout", type=float, default=600)
    ap.add_argument("--summary", default=os.path.join(BENCH, "results", "latest.md"))
    args = ap.parse_args()
    args.rendler = os.path.abspath(args.rendler)

    tools = set(args.only or TOOLS)
    scenarios = [s for s in ORDER if TOOL_OF[s] in tools]
    args.mesos_skipped = None
    if MESOS in scenarios and not (args.mesos_master and args.mesos_dir):
        args.mesos_skipped = args.mesos_skip or "no Mesos master given (--mesos-master, --mesos-dir)"
        log(f"skipping {MESOS}: {args.mesos_skipped}")
        scenarios.remove(MESOS)
    if not scenarios:
        log("nothing left to run")
        return 0
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    raw_dir = os.path.join(BENCH, "results", "raw", stamp)
    os.makedirs(raw_dir, exist_ok=True)

    def on_term(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, on_term)

    # Warm the page cache, so round 1 does not pay for cold files.
    for dirpath, _, files in os.walk(args.root):
        for fn in files:
            try:
                with open(os.path.join(dirpath, fn), "rb") as f:
                    while f.read(1 << 20):
                        pass
            except OSError:
                pass

    nginx = Nginx(args.root, free_port(), os.path.join(BENCH, "nginx.conf.in"))
    env_base = dict(os.environ)
    env_base["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"
    records = []
    load_start = loadavg()
    machine = machine_info(args)
    try:
        nginx.start()
        url = f"http://127.0.0.1:{nginx.port}/{args.start}"
        log(f"nginx on {url}; scenarios {', '.join(scenarios)}; {args.runs} round(s); raw → {raw_dir}")
        for rnd in range(1, args.runs + 1):
            for scen in scenarios:
                records.append(run_one(scen, rnd, url, nginx, args, raw_dir, env_base))
    except KeyboardInterrupt:
        log("interrupted; stopping")
        for p in list(ACTIVE):
            p.send_signal(signal.SIGTERM)   # the sampler kills its tree and writes what it has
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
    finally:
        nginx.stop()
        for d in OUT_DIRS:
            shutil.rmtree(d, ignore_errors=True)
    load_end = loadavg()
    machine["load_start"], machine["load_end"] = load_start, load_end
    with open(os.path.join(raw_dir, "machine.json"), "w") as f:
        json.dump(machine, f, indent=2)
    if records:
        write_summary(records, machine, args, raw_dir, args.summary, load_start, load_end)
        log(f"summary → {os.path.relpath(args.summary, REPO)}")
        print(open(args.summary).read())
    return 0 if records and all(r["ok"] for r in records) else 1


if __name__ == "__main__":
    sys.exit(main())
