#!/usr/bin/env bash
# Rendler benchmark: Rendler vs Crawlee (crawl + render) and vs wget (crawl only) on the
# PostgreSQL manual served by a private nginx on 127.0.0.1. See bench/README.md.
#
#   bench/run.sh [--runs N] [--only rendler|rendler-mesos|crawlee|wget]... [--chromium PATH] [--scale]
#                [--head] [--no-build] [--mesos-port PORT]
#
#   --runs N     rounds, each running every tool once, interleaved (default 3)
#   --only T     run only tool T (repeatable); the summary then lists only those. rendler-mesos is
#                Rendler through --master on a real Mesos cluster (one master, one agent) that this
#                script starts from ../shared/mesos (or $RENDLER_MESOS_DIST); skipped if absent
#   --mesos-port P  that cluster's master port (default 5950; its agent takes P+1), so it never
#                meets a test cluster on 5050
#   --chromium P the browser both tools render with (default: Debian's chromium-headless-shell,
#                /usr/lib/chromium/chromium-headless-shell; /usr/bin/chromium is the full browser)
#   --scale      afterwards, also the scale run (bench/scale.sh: openjdk-17-doc, crawl-only)
#   --head       benchmark a build of the committed HEAD, made under bench/.tools/rendler-head,
#                instead of the work tree's ./rendler (use it while others build in the same tree)
#   --no-build   do not rebuild Rendler even if its sources are newer than the jar
#
# Installs what is missing (apt: nginx postgresql-doc-15 wget chromium-headless-shell; npm: crawlee into
# bench/.tools/crawlee), builds Rendler when needed, runs everything, and writes
# bench/results/latest.md plus raw JSON under bench/results/raw/. Everything it starts is
# stopped on exit, the Mesos cluster included.
set -euo pipefail

bench="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
repo="$(dirname "$bench")"
runs=3
chromium=""
scale=0
build_args=()
only=()
mesos_port=5950
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --runs=*) runs="${1#*=}"; shift ;;
    --only) only+=("$2"); shift 2 ;;
    --only=*) only+=("${1#*=}"); shift ;;
    --chromium) chromium="$2"; shift 2 ;;
    --chromium=*) chromium="${1#*=}"; shift ;;
    --scale) scale=1; shift ;;
    --no-build) build_args+=(--no-build); shift ;;
    --head) build_args+=(--head); shift ;;
    --mesos-port) mesos_port="$2"; shift 2 ;;
    --mesos-port=*) mesos_port="${1#*=}"; shift ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
want() { # want TOOL: is TOOL selected?
  [ ${#only[@]} -eq 0 ] && return 0
  local t; for t in "${only[@]}"; do [ "$t" = "$1" ] && return 0; done; return 1
}

say() { echo "[bench] $*" >&2; }

# The Mesos scenario's cluster: the shared build's cluster.sh, with this benchmark's own port and
# work dir, so it never touches a test cluster (5050, ${TMPDIR:-/tmp}/rendler-mesos).
mesos_dist="${RENDLER_MESOS_DIST:-$(dirname "$repo")/shared/mesos}"
mesos_dir="$bench/.tools/mesos-cluster"
mesos_started=0
mesos_cluster() { # mesos_cluster ARGS...: cluster.sh with the bench cluster's environment
  MESOS_MASTER_PORT="$mesos_port" RENDLER_MESOS_DIR="$mesos_dir" "$mesos_dist/cluster.sh" "$@"
}

# ---- cleanup: stop whatever this script started -------------------------------------------
child=""
cleanup() {
  local rc=$?
  if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
    kill -TERM "$child" 2>/dev/null || true      # harness.py stops its samplers and nginx
    for _ in $(seq 1 40); do kill -0 "$child" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$child" 2>/dev/null || true
  fi
  if [ $mesos_started -eq 1 ]; then
    # stops the agent (its executors with it), the master, and any executor left in its sandboxes
    mesos_cluster stop >&2 || true
  fi
  # Last resort: any process still carrying this run's marker in its environment (Chromium,
  # node, java, nginx started below) is ours; end it by pid.
  local pids=() p
  for p in /proc/[0-9]*; do
    p="${p#/proc/}"
    [ "$p" = "$$" ] && continue
    if grep -qxzF "RENDLER_BENCH_RUN=$marker" "/proc/$p/environ" 2>/dev/null; then
      pids+=("$p")
    fi
  done
  if [ ${#pids[@]} -gt 0 ]; then
    say "killing ${#pids[@]} leftover process(es):"
    ps -o pid=,ppid=,stat=,comm= -p "$(IFS=,; echo "${pids[*]}")" >&2 || true
    kill -TERM "${pids[@]}" 2>/dev/null || true
    sleep 1
    kill -KILL "${pids[@]}" 2>/dev/null || true
  fi
  exit "$rc"
}
marker="$$-$(date +%s%N)"
export RENDLER_BENCH_RUN="$marker"
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- installs ---------------------------------------------------------------------------------
apt_updated=0
need_pkg() { # need_pkg PKG...: apt-get install the ones not installed
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if [ $apt_updated -eq 0 ]; then $sudo apt-get update -qq; apt_updated=1; fi
  say "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

need_pkg nginx postgresql-doc-15 python3 time
want wget && need_pkg wget
if want rendler || want rendler-mesos || want crawlee; then need_pkg chromium-headless-shell; fi
if want crawlee; then
  command -v node >/dev/null || need_pkg nodejs
  command -v npm >/dev/null || need_pkg npm
fi
# nginx's package starts a system-wide server on port 80; ours runs separately on its own port.

if want crawlee; then
  tools="$bench/.tools/crawlee"
  mkdir -p "$tools"
  cp "$bench/crawlee/crawl.mjs" "$tools/crawl.mjs"
  if ! cmp -s "$bench/crawlee/package.json" "$tools/package.json" \
     || ! cmp -s "$bench/crawlee/package-lock.json" "$tools/package-lock.json" \
     || [ ! -d "$tools/node_modules/crawlee" ]; then
    say "npm ci crawlee into $tools"
    cp "$bench/crawlee/package.json" "$bench/crawlee/package-lock.json" "$tools/"
    (cd "$tools" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

rendler_launcher="$repo/rendler"
rendler_commit=""
if want rendler || want rendler-mesos; then
  read -r rendler_launcher rendler_commit < <("$bench/build-rendler.sh" "${build_args[@]}")
fi

# ---- the Mesos cluster ------------------------------------------------------------------------
mesos_args=()
if want rendler-mesos; then
  mesos_skip=""
  if [ ! -x "$mesos_dist/cluster.sh" ]; then
    mesos_skip="no Mesos build at $mesos_dist (set RENDLER_MESOS_DIST to the folder with cluster.sh)"
  elif [ ! -x "${MESOS_HOME:-/opt/rendler-mesos}/sbin/mesos-master" ] \
       && ! "$mesos_dist/install.sh" >&2; then
    mesos_skip="installing Mesos from $mesos_dist failed (install.sh)"
  else
    mesos_cluster stop >/dev/null 2>&1 || true     # leftovers of an earlier bench run, by its pid files
    say "starting a Mesos master on 127.0.0.1:$mesos_port and one agent (work dir $mesos_dir)"
    mesos_started=1
    if ! out="$(mesos_cluster start 1 2>&1)"; then
      mesos_skip="the bench Mesos cluster did not start: $(printf '%s\n' "$out" | tail -n 1)"
    else
      say "$out"
    fi
  fi
  if [ -n "$mesos_skip" ]; then
    mesos_args+=(--mesos-skip "$mesos_skip")
  else
    mesos_args+=(--mesos-master "127.0.0.1:$mesos_port" --mesos-dir "$mesos_dir")
  fi
fi

# ---- run ----------------------------------------------------------------------------------------
args=(--runs "$runs" --rendler "$rendler_launcher" "${mesos_args[@]}")
[ -n "$rendler_commit" ] && args+=(--rendler-commit "$rendler_commit")
[ -n "$chromium" ] && args+=(--chromium "$chromium")
for t in "${only[@]}"; do args+=(--only "$t"); done
set +e
python3 "$bench/harness.py" "${args[@]}" &
child=$!
wait "$child"
rc=$?
child=""
set -e

if [ $scale -eq 1 ]; then
  "$bench/scale.sh" "${build_args[@]}" || rc=1
fi
exit $rc
