#!/usr/bin/env bash
# Scale run: Rendler crawl-only over the OpenJDK 17 API docs (about 10,000 pages) with -Xmx512m,
# plus wget on the same site for reference. Writes bench/results/scale.md.
#
#   bench/scale.sh [--xmx 512m] [--head] [--no-build]   (--head, --no-build: see build-rendler.sh)
#
# The docs come from Debian's openjdk-17-doc. If it is installed, its tree is used. If not, the
# .deb is fetched with `apt-get download` and unpacked under bench/.tools/ instead of installed:
# installing it pulls the whole openjdk-17 JDK/JRE up to the doc package's exact version, which
# changes the machine's JDK under everyone's feet.
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
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
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

root=""
if installed openjdk-17-doc && [ -f /usr/share/doc/openjdk-17-doc/api/index.html ]; then
  root=/usr/share/doc/openjdk-17-doc/api
else
  unpacked="$bench/.tools/openjdk-17-doc"
  if [ ! -f "$unpacked/.done" ]; then
    say "fetching openjdk-17-doc (.deb, unpacked under bench/.tools, not installed)"
    rm -rf "$unpacked" && mkdir -p "$unpacked/deb"
    (cd "$unpacked/deb" && { apt-get download openjdk-17-doc >/dev/null 2>&1 \
       || { apt-get update -qq && apt-get download openjdk-17-doc >/dev/null; }; })
    dpkg-deb -x "$unpacked"/deb/openjdk-17-doc_*.deb "$unpacked/root"
    rm -rf "$unpacked/deb"
    touch "$unpacked/.done"
  fi
  # The package keeps the API docs under openjdk-17-jre-headless/ and links them from openjdk-17-doc/.
  root="$(find "$unpacked/root/usr/share/doc" -maxdepth 2 -type d -name api | head -1)"
fi
[ -n "$root" ] && [ -f "$root/index.html" ] || { say "no OpenJDK API docs found"; exit 1; }

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
