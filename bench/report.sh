#!/usr/bin/env bash
# Report benchmark: how fast report.html opens in Chromium for the demo (35 pages), 500 pages of
# the Python documentation, and the OpenJDK API docs crawled without rendering (about 10,000 pages).
# Writes bench/results/report.md.
#
#   bench/report.sh [--runs N] [--head] [--no-build]   (--head, --no-build: see build-rendler.sh)
#
# Installs what is missing (apt: nginx python3-doc chromium-headless-shell; openjdk-17-doc is unpacked by
# bench/openjdk-docs.sh). The three crawls take about three minutes; opening is the measured part.
set -euo pipefail
bench="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
repo="$(dirname "$bench")"
runs=5
build_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --no-build) build_args+=(--no-build); shift ;;
    --head) build_args+=(--head); shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "report.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

"$bench/apt-need.sh" nginx python3-doc chromium-headless-shell python3

jdk_root="$("$bench/openjdk-docs.sh")"
read -r rendler_launcher rendler_commit < <("$bench/build-rendler.sh" "${build_args[@]}")
jar="$(dirname "$rendler_launcher")/rendler-scheduler/target/rendler.jar"
extra=()
[ -n "$rendler_commit" ] && extra+=(--rendler-commit "$rendler_commit")
exec python3 "$bench/report.py" --rendler "$rendler_launcher" --jar "$jar" --jdk-root "$jdk_root" \
  --runs "$runs" "${extra[@]}"
