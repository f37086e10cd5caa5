#!/usr/bin/env bash
# Makes sure a Rendler build exists and prints "LAUNCHER COMMIT" (COMMIT empty for the work tree).
#
#   bench/build-rendler.sh [--head] [--no-build]
#
# Default: the repo's own launcher (./rendler), rebuilt with `mvn -q -DskipTests package` when the
# jar is missing or any .java, pom.xml or main resource (the UI's files) is newer than it.
# --head: a snapshot of the committed HEAD (git archive) under bench/.tools/rendler-head, built
# there with its own target/ dirs, rebuilt when HEAD moves. Use it when other people build in the
# same work tree at the same time: two Maven builds in one tree break each other's jars.
set -euo pipefail
bench="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
repo="$(dirname "$bench")"
head=0
build=1
for a in "$@"; do
  case "$a" in
    --head) head=1 ;;
    --no-build) build=0 ;;
    *) echo "build-rendler.sh: unknown argument $a" >&2; exit 2 ;;
  esac
done
say() { echo "[bench] $*" >&2; }

if [ $head -eq 1 ]; then
  commit="$(git -C "$repo" rev-parse --short HEAD)"
  snap="$bench/.tools/rendler-head"
  if [ "$(cat "$snap/.bench-commit" 2>/dev/null)" != "$commit" ] || [ ! -f "$snap/rendler-scheduler/target/rendler.jar" ]; then
    if [ $build -eq 0 ] && [ -f "$snap/rendler-scheduler/target/rendler.jar" ]; then
      say "using the existing snapshot $(cat "$snap/.bench-commit") (--no-build)"
      commit="$(cat "$snap/.bench-commit")"
    else
      say "building a snapshot of HEAD $commit in $snap (mvn -q -DskipTests package)"
      rm -rf "$snap" && mkdir -p "$snap"
      git -C "$repo" archive HEAD | tar -x -C "$snap"
      (cd "$snap" && mvn -q -DskipTests package >&2) || { say "Rendler build FAILED at $commit"; }
      echo "$commit" > "$snap/.bench-commit"
    fi
  fi
  # The launcher's one-off training run (class-data archive) happens here, not in round 1.
  "$snap/rendler" --version >/dev/null
  echo "$snap/rendler $commit"
  exit 0
fi

jar="$repo/rendler-scheduler/target/rendler.jar"
if [ $build -eq 1 ]; then
  if [ ! -f "$jar" ] || [ -n "$(find "$repo" -path "$repo/bench" -prune -o \
       \( -name '*.java' -o -name pom.xml -o -path '*/src/main/resources/*' \) -newer "$jar" -print -quit 2>/dev/null)" ]; then
    say "building Rendler in the work tree (mvn -q -DskipTests package)"
    (cd "$repo" && mvn -q -DskipTests package >&2) || say "Rendler build FAILED; its runs will fail too"
  fi
fi
"$repo/rendler" --version >/dev/null
echo "$repo/rendler "
