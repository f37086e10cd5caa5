#!/usr/bin/env bash
# Prints the root of the OpenJDK 17 API docs (about 10,000 pages), the site of the crawl-only
# scale runs. If Debian's openjdk-17-doc is installed, its tree is used. If not, the .deb is fetched
# with `apt-get download` and unpacked under bench/.tools/ instead of installed: installing it pulls
# the whole openjdk-17 JDK/JRE up to the doc package's exact version, which changes the machine's
# JDK under everyone's feet.
set -euo pipefail
bench="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
say() { echo "[bench] $*" >&2; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

if installed openjdk-17-doc && [ -f /usr/share/doc/openjdk-17-doc/api/index.html ]; then
  echo /usr/share/doc/openjdk-17-doc/api
  exit 0
fi
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
[ -n "$root" ] && [ -f "$root/index.html" ] || { say "no OpenJDK API docs found"; exit 1; }
echo "$root"
