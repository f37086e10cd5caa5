#!/usr/bin/env python3
"""Run one command and measure its whole process tree: wall time, CPU time and peak memory.

Usage: sampler.py --out RESULT.json [--interval 0.2] [--mem-interval 1.0] -- COMMAND ARGS...

How it measures (all three are written to the JSON, so they can be compared):
  rusage    The sampler makes itself a child subreaper (prctl PR_SET_CHILD_SUBREAPER), so any
            process of the tree that is orphaned (Chromium's zygotes, daemonised helpers) is
            re-parented to the sampler instead of init, and the sampler reaps it. Every process of
            the tree is therefore reaped either by its own parent or by us, and getrusage(
            RUSAGE_CHILDREN) after the run holds user+sys of the whole tree. This is the number the
            report uses for CPU.
  time      The command is run under GNU /usr/bin/time (when present); its %U/%S are the rusage of
            the direct chain only (a process reaped by a parent that is itself reaped). It misses
            what got orphaned, so it is a lower bound and a cross-check.
  proc      Every --interval the sampler scans /proc for the descendants of the command and keeps
            the last utime+stime seen per (pid, start time); every --mem-interval it also sums PSS
            from /proc/PID/smaps_rollup (and RSS from /proc/PID/statm) over the tree. CPU from
            here misses up to one interval per process and processes that lived less than an
            interval; the PSS peak is the memory figure reported.

Cost: smaps_rollup makes the kernel walk a process's page tables, about 2.5 ms per Chromium
process here, and the /proc scan is about 5 ms. At 0.1 s for both the sampler used 17% of a core
during a Crawlee run, so the defaults are 0.2 s (tree and CPU) and 1 s (PSS). The memory of a
300-page render is a plateau, not a spike, so a 1 s PSS sample finds its peak.

The sampler's own CPU (the cost of the scanning) is reported separately and is in none of the
above. On exit, whatever of the tree is still alive is killed (SIGTERM, then SIGKILL).

--also-cwd-under DIR (repeatable) also measures processes outside the tree: those whose working
directory (/proc/PID/cwd) is DIR or below it, and their descendants. That is how Mesos executors
are counted: a Mesos agent starts them in sandboxes under its work dir, so they are neither our
children nor re-parented to us, and rusage cannot see them. Their CPU is the /proc method only
(utime+stime, last value seen per process, minus what a process had already used when the sampler
started), reported as cpu_also_cwd_s; their PSS is added into the tree's PSS at each memory sample,
under process kinds prefixed "mesos:". After the command exits the sampler keeps scanning them, for
at most --also-cwd-grace seconds, until none is left: the CPU they spend shutting down is counted,
the wall time is not, and the next command does not start while they still run.
"""
import argparse
import ctypes
import json
import os
import resource
import select
import signal
import subprocess
import sys
import threading
import time

PR_SET_CHILD_SUBREAPER = 36
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def become_subreaper():
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except OSError:
        return False


def read_stat(pid):
    """(ppid, utime+stime ticks, start time ticks, comm) of one process, or None if gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read().decode("utf-8", "replace")
    except OSError:
        return None
    # comm is in parentheses and may itself hold spaces or parentheses: split at the last ')'.
    close = raw.rfind(")")
    comm = raw[raw.find("(") + 1:close]
    fields = raw[close + 2:].split()
    # fields[0] is state (field 3 of stat(5)), so field N of stat(5) is fields[N - 3].
    ppid = int(fields[1])
    cpu = int(fields[11]) + int(fields[12])
    start = int(fields[19])
    return ppid, cpu, start, comm


def read_pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def read_rss_kb(pid):
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * PAGE // 1024
    except (OSError, IndexError, ValueError):
        return 0


def group_of(comm, pid=None):
    c = comm.lower()
    if c.startswith("chrom") or c.startswith("headless"):
        return "chromium"
    if c == "java":
        # Rendler's scheduler and its two executors are all "java": tell them apart by their jar.
        jar = java_jar(pid) if pid is not None else None
        return f"java:{jar}" if jar else "java"
    if c.startswith("node") or c == "mainthread":
        # Node 20 names its main thread "MainThread"; Playwright's driver is such a process.
        return "node"
    return c


def java_jar(pid):
    """The name of the jar a java process runs (-jar X.jar), without .jar; None if unknown."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            args = f.read().split(b"\0")
    except OSError:
        return None
    for a, b in zip(args, args[1:]):
        if a == b"-jar" and b.endswith(b".jar"):
            return os.path.basename(b[:-4].decode(errors="replace"))
    return None


def read_cwd(pid):
    try:
        return os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        return None


def boot_ticks_now():
    """Clock ticks since boot, the unit of a process's start time in /proc/PID/stat."""
    with open("/proc/uptime") as f:
        return float(f.read().split()[0]) * CLK_TCK


class TreeSampler:
    def __init__(self, root_pid, sample_memory=True, also_cwd_under=()):
        self.root = root_pid
        self.sample_memory = sample_memory
        self.also_dirs = [os.path.realpath(d).rstrip("/") for d in also_cwd_under]
        self.started_ticks = boot_ticks_now()
        self.also_cpu_ticks = {}     # (pid, start) -> utime+stime used since the sampler started
        self.also_baseline = {}      # (pid, start) -> utime+stime it had when first seen, if it predates us
        self.also_seen = set()
        self.also_by_group = {}      # (pid, start) -> comm group, "mesos:" prefixed
        self.also_peak_procs = 0
        self.cpu_ticks = {}          # (pid, start) -> last utime+stime seen
        self.seen = set()
        self.peak_pss_kb = 0
        self.peak_rss_kb = 0
        self.peak_pss_groups = {}    # comm group -> PSS kB at the moment of the peak
        self.peak_procs = 0
        self.samples = 0
        self.mem_samples = 0
        self.t0 = time.monotonic()
        self.group_of_proc = {}      # (pid, start) -> comm group
        self.group_span = {}         # comm group -> (first seen, last seen), seconds from start

    @staticmethod
    def proc_table():
        """pid -> (ppid, cpu, start, comm) of every process, and ppid -> [pid]."""
        table = {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                st = read_stat(int(name))
                if st:
                    table[int(name)] = st
        children = {}
        for pid, (ppid, _, _, _) in table.items():
            children.setdefault(ppid, []).append(pid)
        return table, children

    @staticmethod
    def below(roots, table, children, skip=()):
        """pid -> (start, cpu, comm) for roots and everything below them."""
        out = {}
        stack = list(roots)
        while stack:
            pid = stack.pop()
            if pid in out or pid in skip or pid not in table:
                continue
            _, cpu, start, comm = table[pid]
            out[pid] = (start, cpu, comm)
            stack.extend(children.get(pid, []))
        return out

    def descendants(self, scan=None):
        """pid -> (start, cpu, comm) for the root and everything below it (including re-parented
        orphans: they hang under this sampler, which is the root's parent)."""
        table, children = scan or self.proc_table()
        # Orphans are re-parented to us (the subreaper); treat all our children as the tree.
        return self.below(children.get(os.getpid(), []), table, children)

    def also_processes(self, scan, tree):
        """pid -> (start, cpu, comm) for the processes outside the tree whose cwd is under one of
        the --also-cwd-under dirs, and their descendants."""
        if not self.also_dirs:
            return {}
        table, children = scan
        roots = []
        for pid in table:
            if pid in tree:
                continue
            cwd = read_cwd(pid)
            if cwd and any(cwd == d or cwd.startswith(d + "/") for d in self.also_dirs):
                roots.append(pid)
        return self.below(roots, table, children, skip=tree)

    def sample_also(self, also):
        for pid, (start, cpu, comm) in also.items():
            key = (pid, start)
            if key not in self.also_baseline:
                # A process that was already running when we started has spent CPU before the
                # command did: count only what it uses from now on.
                self.also_baseline[key] = cpu if start < self.started_ticks else 0
            self.also_cpu_ticks[key] = max(0, cpu - self.also_baseline[key])
            self.also_seen.add(key)
            self.named_group(self.also_by_group, key, comm, "mesos:")
        self.also_peak_procs = max(self.also_peak_procs, len(also))

    @staticmethod
    def named_group(groups, key, comm, prefix):
        """A process's group, remembered once it is a java process's (reading its cmdline once);
        anything else is named again on every sample, since a shell may yet exec java."""
        g = groups.get(key)
        if g is None or not g.startswith(prefix + "java:"):
            g = prefix + group_of(comm, key[0])
            groups[key] = g
        return g

    def sample(self, memory=True):
        scan = self.proc_table()
        tree = self.descendants(scan)
        also = self.also_processes(scan, tree)
        self.sample_also(also)
        self.samples += 1
        now = time.monotonic() - self.t0
        for pid, (start, cpu, comm) in tree.items():
            self.cpu_ticks[(pid, start)] = cpu
            self.seen.add((pid, start))
            g = self.named_group(self.group_of_proc, (pid, start), comm, "")
            first, _ = self.group_span.get(g, (now, now))
            self.group_span[g] = (first, now)
        self.peak_procs = max(self.peak_procs, len(tree))
        if self.sample_memory and memory:
            self.mem_samples += 1
            pss_total = 0
            rss_total = 0
            groups = {}
            for pid, (start, _, comm) in tree.items():
                pss = read_pss_kb(pid)
                pss_total += pss
                rss_total += read_rss_kb(pid)
                g = self.group_of_proc.get((pid, start), group_of(comm))
                groups[g] = groups.get(g, 0) + pss
            for pid, (start, _, comm) in also.items():
                pss = read_pss_kb(pid)
                pss_total += pss
                rss_total += read_rss_kb(pid)
                g = self.also_by_group.get((pid, start), "mesos:" + group_of(comm))
                groups[g] = groups.get(g, 0) + pss
            if pss_total > self.peak_pss_kb:
                self.peak_pss_kb = pss_total
                self.peak_pss_groups = groups
            self.peak_rss_kb = max(self.peak_rss_kb, rss_total)
        return tree

    def cpu_seconds(self):
        return sum(self.cpu_ticks.values()) / CLK_TCK

    def also_cpu_seconds(self):
        return sum(self.also_cpu_ticks.values()) / CLK_TCK

    def drain_also(self, grace, interval):
        """After the command exited: keep counting the --also-cwd-under processes until none is
        left or grace seconds passed. Returns (seconds waited, processes still running)."""
        if not self.also_dirs:
            return 0.0, 0
        t0 = time.monotonic()
        while True:
            scan = self.proc_table()
            also = self.also_processes(scan, self.descendants(scan))
            self.sample_also(also)
            waited = time.monotonic() - t0
            if not also or waited >= grace:
                return waited, len(also)
            time.sleep(interval)

    def cpu_by_group(self):
        out = {}
        for key, ticks in self.cpu_ticks.items():
            g = self.group_of_proc.get(key, "?")
            out[g] = out.get(g, 0) + ticks / CLK_TCK
        for key, ticks in self.also_cpu_ticks.items():
            g = self.also_by_group.get(key, "mesos:?")
            out[g] = out.get(g, 0) + ticks / CLK_TCK
        return {k: round(v, 2) for k, v in sorted(out.items(), key=lambda kv: -kv[1])}

    def processes_by_group(self):
        out = {}
        for g in list(self.group_of_proc.values()) + list(self.also_by_group.values()):
            out[g] = out.get(g, 0) + 1
        return out


def copy_stamped(pipe, out_f, stamp_path, t0):
    """Copy the command's stdout to out_f and, line by line, to stamp_path with the time each
    line arrived. Lets a report tell how long the phases after a given line took."""
    with open(stamp_path, "w") as stamps:
        for raw in iter(pipe.readline, b""):
            t = time.monotonic() - t0
            if out_f not in (None, subprocess.DEVNULL):
                out_f.write(raw)
                out_f.flush()
            stamps.write(f"{t:.3f}\t{raw.decode('utf-8', 'replace').rstrip()}\n")
            stamps.flush()


def reap_all(exit_codes):
    """Reap every child that has exited (ours or re-parented orphans)."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        exit_codes[pid] = status


def kill_tree(sampler):
    for sig in (signal.SIGTERM, signal.SIGKILL):
        tree = sampler.descendants()
        if not tree:
            return
        for pid in tree:
            try:
                os.kill(pid, sig)
            except OSError:
                pass
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            reap_all({})
            if not sampler.descendants():
                return
            time.sleep(0.05)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--interval", type=float, default=0.2, help="tree and CPU scan, seconds")
    ap.add_argument("--mem-interval", type=float, default=1.0, help="PSS scan, seconds")
    ap.add_argument("--no-memory", action="store_true", help="skip smaps_rollup reads")
    ap.add_argument("--timeout", type=float, default=3600)
    ap.add_argument("--stdout", help="file for the command's stdout")
    ap.add_argument("--stderr", help="file for the command's stderr")
    ap.add_argument("--stamp-stdout", help="also write 'seconds-since-start<TAB>line' for each line "
                    "of stdout here (stdout then goes through a pipe; --stdout still gets it as is)")
    ap.add_argument("--stamp-stderr", help="the same for stderr")
    ap.add_argument("--also-cwd-under", action="append", default=[], metavar="DIR",
                    help="also measure processes whose working directory is under DIR, and their "
                    "descendants (Mesos executors in an agent's sandboxes; repeatable)")
    ap.add_argument("--also-cwd-grace", type=float, default=30.0,
                    help="after the command exits, wait at most this long for those processes to end")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd
    if not cmd:
        ap.error("no command")

    subreaper = become_subreaper()
    time_file = args.out + ".time"
    use_time = os.access("/usr/bin/time", os.X_OK)
    full = (["/usr/bin/time", "-f", "%e %U %S %M", "-o", time_file] if use_time else []) + cmd

    before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    out_f = open(args.stdout, "wb") if args.stdout else subprocess.DEVNULL
    err_f = open(args.stderr, "wb") if args.stderr else None
    t0 = time.monotonic()
    t0_epoch = time.time()
    # Optionally both streams go through pipes, and every line is also written, with the time it
    # arrived, to a .stamps file.
    stamp_targets = {"stdout": (args.stamp_stdout, out_f), "stderr": (args.stamp_stderr, err_f)}
    popen_streams = {
        name: (subprocess.PIPE if stamp else target) for name, (stamp, target) in stamp_targets.items()}
    proc = subprocess.Popen(full, stdout=popen_streams["stdout"], stderr=popen_streams["stderr"],
                            start_new_session=True)
    stampers = []
    for name, (stamp, target) in stamp_targets.items():
        if stamp:
            th = threading.Thread(target=copy_stamped, args=(getattr(proc, name), target, stamp, t0),
                                  daemon=True)
            th.start()
            stampers.append(th)
    sampler = TreeSampler(proc.pid, sample_memory=not args.no_memory,
                          also_cwd_under=args.also_cwd_under)
    # A pidfd turns readable the moment the command exits, so the wall time is not rounded up to
    # the sampling interval (that matters for wget's one-second crawls).
    try:
        pidfd = os.pidfd_open(proc.pid)
    except (AttributeError, OSError):
        pidfd = None

    stop = {"signal": None}

    def on_signal(signum, _frame):
        stop["signal"] = signum

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    exit_codes = {}
    timed_out = False
    next_mem = 0.0
    t_end = None
    while True:
        now = time.monotonic()
        sampler.sample(memory=now >= next_mem)
        if now >= next_mem:
            next_mem = now + args.mem_interval
        reap_all(exit_codes)
        if proc.pid in exit_codes:
            break
        if stop["signal"] is not None:
            break
        if time.monotonic() - t0 > args.timeout:
            timed_out = True
            break
        if pidfd is not None:
            if select.select([pidfd], [], [], args.interval)[0]:
                t_end = time.monotonic()
        else:
            time.sleep(args.interval)
    wall = (t_end or time.monotonic()) - t0
    # The command is done (or we give up): anything of the tree still alive is killed and reaped,
    # so its CPU lands in RUSAGE_CHILDREN too.
    leftovers = len(sampler.descendants())
    kill_tree(sampler)
    reap_all(exit_codes)
    for th in stampers:
        th.join(5)
    also_drained_s, also_left = sampler.drain_also(args.also_cwd_grace, args.interval)
    after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    self_usage = resource.getrusage(resource.RUSAGE_SELF)

    status = exit_codes.get(proc.pid)
    exit_code = None
    if status is not None:
        exit_code = os.waitstatus_to_exitcode(status)

    gnu_time = None
    if use_time and os.path.exists(time_file):
        try:
            with open(time_file) as f:
                lines = [ln for ln in f.read().splitlines() if ln.strip()]
            # GNU time prefixes "Command exited with non-zero status N" on a line of its own.
            e, u, s, m = lines[-1].split()
            gnu_time = {"wall_s": float(e), "user_s": float(u), "sys_s": float(s),
                        "max_rss_kb_single_process": int(m)}
        except (OSError, ValueError, IndexError):
            gnu_time = None

    result = {
        "cmd": cmd,
        "exit_code": exit_code,
        "timed_out": timed_out,
        "interrupted_by_signal": stop["signal"],
        "wall_s": round(wall, 3),
        "started_at_epoch": round(t0_epoch, 3),
        "cpu_rusage_tree_s": round(
            (after_children.ru_utime - before_children.ru_utime)
            + (after_children.ru_stime - before_children.ru_stime), 3),
        "cpu_rusage_user_s": round(after_children.ru_utime - before_children.ru_utime, 3),
        "cpu_rusage_sys_s": round(after_children.ru_stime - before_children.ru_stime, 3),
        # the tree's and, with --also-cwd-under, the other processes' CPU, both from /proc
        "cpu_proc_sampled_s": round(sampler.cpu_seconds() + sampler.also_cpu_seconds(), 3),
        "gnu_time": gnu_time,
        "peak_pss_mb": round(sampler.peak_pss_kb / 1024, 1),
        "peak_rss_sum_mb": round(sampler.peak_rss_kb / 1024, 1),
        "peak_pss_by_group_mb": {k: round(v / 1024, 1) for k, v in
                                 sorted(sampler.peak_pss_groups.items(), key=lambda kv: -kv[1])},
        "cpu_proc_by_group_s": sampler.cpu_by_group(),
        "processes_by_group": sampler.processes_by_group(),
        "seen_by_group_s": {g: [round(a, 1), round(b, 1)] for g, (a, b) in sampler.group_span.items()},
        "processes_seen": len(sampler.seen),
        "peak_processes": sampler.peak_procs,
        "leftover_processes_killed": leftovers,
        "samples": sampler.samples,
        "mem_samples": sampler.mem_samples,
        "interval_s": args.interval,
        "mem_interval_s": args.mem_interval,
        "subreaper": subreaper,
        **({"also_cwd_under": sampler.also_dirs,
            "cpu_also_cwd_s": round(sampler.also_cpu_seconds(), 3),
            "also_cwd_processes_seen": len(sampler.also_seen),
            "also_cwd_peak_processes": sampler.also_peak_procs,
            "also_cwd_drained_after_exit_s": round(also_drained_s, 2),
            "also_cwd_still_running": also_left} if sampler.also_dirs else {}),
        "sampler_own_cpu_s": round(self_usage.ru_utime + self_usage.ru_stime, 3),
    }
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)
    if stop["signal"] is not None:
        sys.exit(128 + stop["signal"])
    sys.exit(0 if exit_code == 0 else 1)


if __name__ == "__main__":
    main()
