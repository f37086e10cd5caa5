#!/usr/bin/env bash
# What the live view costs a crawl: the PostgreSQL manual crawled with --no-ui, with the view on and
# unwatched (the default), and with one client on its event stream; crawl-only and with rendering.
# Writes bench/results/ui-cost.md.
#
#   bench/ui-cost.sh [--rounds N] [--head] [--no-build]   (--head, --no-build: see build-rendler.sh)
set -euo pipefail
bench="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
rounds=5
build_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --no-build) build_args+=(--no-build); shift ;;
    --head) build_args+=(--head); shift ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "ui-cost.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

"$bench/apt-need.sh" nginx postgresql-doc-15 chromium-headless-shell python3

read -r rendler_launcher rendler_commit < <("$bench/build-rendler.sh" "${build_args[@]}")
extra=()
[ -n "$rendler_commit" ] && extra+=(--rendler-commit "$rendler_commit")
exec python3 "$bench/ui_cost.py" --rendler "$rendler_launcher" --rounds "$rounds" "${extra[@]}"
