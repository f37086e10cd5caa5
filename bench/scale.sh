#!/usr/bin/env bash
# Scale run: Rendler crawl-only over the OpenJDK 17 API docs (about 10,000 pages) with -Xmx512m,
# plus wget on the same site for reference. Writes bench/results/scale.md.
#
#   bench/scale.sh [--xmx 512m] [--head] [--no-build]   (--head, --no-build: see build-rendler.sh)
#
# The docs come from Debian's openjdk-17-doc, through bench/openjdk-docs.sh.
set -euo pipefail
bench="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
repo="$(dirname "$bench")"
xmx=512m
build_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --xmx) xmx="$2"; shift 2 ;;
    --no-build) build_args+=(--no-build); shift ;;
    --head) build_args+=(--head); shift ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "scale.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
say() { echo "[bench] $*" >&2; }

child=""
cleanup() {
  local rc=$?
  if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
    kill -TERM "$child" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$child" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$child" 2>/dev/null || true
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for p in nginx wget python3 time; do
  if ! installed "$p"; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wget python3 time >/dev/null
    break
  fi
done

root="$("$bench/openjdk-docs.sh")"

read -r rendler_launcher rendler_commit < <("$bench/build-rendler.sh" "${build_args[@]}")
extra=()
[ -n "$rendler_commit" ] && extra+=(--rendler-commit "$rendler_commit")

set +e
python3 "$bench/scale.py" --root "$root" --xmx "$xmx" --rendler "$rendler_launcher" "${extra[@]}" &
child=$!
wait "$child"
rc=$?
child=""
exit $rc
