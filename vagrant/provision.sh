#!/usr/bin/env bash
# Provisions Rendler's Vagrant VM (Ubuntu 24.04): Java 17, Chromium, Graphviz
# and a one-node Mesos 1.11 cluster (master and agent as systemd services).
#
#   usage: provision.sh VM_IP        (run as root; `vagrant provision` does)
#
# Every step checks before it acts and files are rewritten whole, never
# appended to, so running it again is safe and changes nothing that is
# already right. Services are restarted only when their configuration changed.

set -euo pipefail
shopt -s inherit_errexit

# Where the Mesos 1.11 package comes from: a URL, or a path inside the VM.
#
# Apache Mesos moved to the Apache Attic in 2025 and its project never shipped
# .deb packages. AVENTER UG keeps building Mesos 1.11 for current
# distributions and publishes them at https://rpm.aventer.biz/ (an apt
# repository per release, here Ubuntu 24.04 "noble"; their mesos-mini image
# installs this same file). The exact file is pinned so every workshop VM gets
# the same build, and a direct download does not depend on the repository's
# signing key staying valid.
#
# If the file disappears:
#   - look for a newer aventer-mesos_1.11.* file in the same directory
#     (https://rpm.aventer.biz/Ubuntu/noble/pool/main/a/aventer-mesos/), or use
#     their apt repository: "deb https://rpm.aventer.biz/Ubuntu/noble noble main",
#     package aventer-mesos, key https://www.aventer.biz/assets/support_aventer.asc;
#     then run:  MESOS_DEB_URL=<url or /rendler/file.deb> vagrant provision
#     (the Vagrantfile passes MESOS_DEB_URL through; a file put into the
#     repository is visible in the VM under /rendler);
#   - or build Mesos in the VM from the apache/mesos git tag 1.11.0 (see
#     docs/building.md there) and `make install` it: once mesos-master and
#     mesos-agent are on PATH, this script skips the package and goes on.
MESOS_DEB_URL="${MESOS_DEB_URL:-https://rpm.aventer.biz/Ubuntu/noble/pool/main/a/aventer-mesos/aventer-mesos_1.11.0-0.7.1.ubuntu2404_$(dpkg --print-architecture).deb}"

# Chromium from the XtraDeb PPA (https://launchpad.net/~xtradeb/+archive/ubuntu/apps).
# Ubuntu's own chromium-browser package only installs the snap. Snaps start
# slowly in a VM, confine the browser to the snap's view of the file system,
# and do not start cleanly from a Mesos executor that runs outside a user
# session. XtraDeb builds a plain chromium .deb for current Ubuntu releases
# (the same packaging as Debian's, installed as /usr/bin/chromium, the path
# Rendler uses on Debian), with updates through apt. Google Chrome's .deb would
# also work, but is built for amd64 only and is not Chromium.
CHROMIUM_PPA=ppa:xtradeb/apps
CHROMIUM=/usr/bin/chromium

log() { printf '==> %s\n' "$*"; }
die() {
  printf 'provision.sh: %s\n' "$*" >&2
  exit 1
}

[[ $# -eq 1 ]] || die "usage: provision.sh VM_IP"
VM_IP=$1
[[ $(id -u) -eq 0 ]] || die "run as root"

# mesos-flags.sh generates the units. Vagrant uploads this script alone to
# /tmp, so look for its neighbour in the synced repository too.
FLAGS_SCRIPT=
for candidate in "$(dirname "${BASH_SOURCE[0]}")/mesos-flags.sh" /rendler/vagrant/mesos-flags.sh; do
  if [[ -f $candidate ]]; then
    FLAGS_SCRIPT=$candidate
    break
  fi
done
[[ -n $FLAGS_SCRIPT ]] || die "vagrant/mesos-flags.sh not found (is the repository synced to /rendler?)"
# Fail early, before installing anything, if the address is unusable.
bash "$FLAGS_SCRIPT" master "$VM_IP" >/dev/null

export DEBIAN_FRONTEND=noninteractive
APT_FRESH=no

apt_update_once() {
  if [[ $APT_FRESH == no ]]; then
    apt-get update -q
    APT_FRESH=yes
  fi
}

is_installed() {
  [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]
}

# Installs the packages that are missing, and only those.
install_packages() {
  local package
  local -a missing=()
  for package in "$@"; do
    is_installed "$package" || missing+=("$package")
  done
  if ((${#missing[@]} > 0)); then
    apt_update_once
    log "installing ${missing[*]}"
    apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}

# write_file MODE PATH CONTENT: replaces PATH with CONTENT plus a newline when
# it differs. Sets CHANGED to yes or no.
CHANGED=no
write_file() {
  local mode=$1 path=$2 content=$3 tmp
  tmp=$(mktemp)
  printf '%s\n' "$content" >"$tmp"
  if [[ -f $path ]] && cmp -s "$tmp" "$path"; then
    rm -f "$tmp"
    CHANGED=no
  else
    install -D -m "$mode" "$tmp" "$path"
    rm -f "$tmp"
    log "wrote $path"
    CHANGED=yes
  fi
}

# --- Base packages -----------------------------------------------------------
install_packages ca-certificates curl gnupg software-properties-common \
  openjdk-17-jre-headless graphviz fonts-liberation

# --- Chromium ------------------------------------------------------------------
# Only Chromium may come from the PPA; anything else in it stays below Ubuntu's
# own packages (priority 100, the same as backports).
write_file 0644 /etc/apt/preferences.d/rendler-xtradeb-chromium "$(
  cat <<'PIN'
# Written by Rendler's vagrant/provision.sh: take only Chromium from XtraDeb.
Package: *
Pin: release o=LP-PPA-xtradeb-apps
Pin-Priority: 100

Package: chromium*
Pin: release o=LP-PPA-xtradeb-apps
Pin-Priority: 700
PIN
)"
if ! is_installed chromium; then
  if ! compgen -G '/etc/apt/sources.list.d/xtradeb-ubuntu-apps-*' >/dev/null; then
    log "adding $CHROMIUM_PPA"
    install_packages software-properties-common
    add-apt-repository -y -n "$CHROMIUM_PPA"
    APT_FRESH=no
  fi
  install_packages chromium
fi
[[ -x $CHROMIUM ]] || die "$CHROMIUM is missing after installing chromium"
case $(readlink -f "$CHROMIUM") in
  /snap/*) die "$CHROMIUM is the snap; Rendler needs the .deb build" ;;
esac

# Login shells (vagrant ssh, ./rendler in the VM) see RENDLER_CHROMIUM through
# /etc/environment; executors get it from the agent (executor environment).
ENVIRONMENT=$(grep -v '^RENDLER_CHROMIUM=' /etc/environment || true)
write_file 0644 /etc/environment "${ENVIRONMENT:+$ENVIRONMENT$'\n'}RENDLER_CHROMIUM=$CHROMIUM"

# --- Mesos ---------------------------------------------------------------------
if ! command -v mesos-master >/dev/null || ! command -v mesos-agent >/dev/null; then
  deb=$MESOS_DEB_URL
  case $deb in
    http://* | https://*)
      mkdir -p /var/cache/rendler
      file=/var/cache/rendler/${deb##*/}
      if [[ ! -s $file ]]; then
        log "downloading $deb"
        curl -fSL --retry 3 -o "$file.part" "$deb" ||
          die "cannot download Mesos from $deb; see MESOS_DEB_URL in vagrant/provision.sh"
        mv "$file.part" "$file"
      fi
      deb=$file
      ;;
  esac
  [[ -f $deb ]] || die "no Mesos package at $deb; see MESOS_DEB_URL in vagrant/provision.sh"
  apt_update_once
  log "installing Mesos from $deb"
  # apt (not dpkg -i) so the package's dependencies come from Ubuntu.
  apt-get install -y -q --no-install-recommends "$(realpath "$deb")"
fi
MESOS_BIN=$(command -v mesos-master) || die "mesos-master is not on PATH after installing Mesos"
MESOS_BIN_DIR=$(dirname "$MESOS_BIN")
[[ -x $MESOS_BIN_DIR/mesos-agent ]] || die "mesos-agent is not next to $MESOS_BIN"
export MESOS_BIN_DIR
if [[ ! -f ${MESOS_BIN_DIR%/*}/share/mesos/webui/index.html ]]; then
  log "warning: no Mesos web UI in ${MESOS_BIN_DIR%/*}/share/mesos/webui; the API works, the page at :5050 will not"
fi

install -d -m 0755 /var/lib/mesos/master /var/lib/mesos/agent /var/lib/mesos/fetch /etc/mesos-agent

AGENT_CHANGED=no
write_file 0644 /etc/mesos-agent/executor-environment.json \
  "$(bash "$FLAGS_SCRIPT" executor-env "$CHROMIUM")"
[[ $CHANGED == no ]] || AGENT_CHANGED=yes

# Same names as the units in the package, but in /etc/systemd/system, which
# takes precedence: the packaged ones start a wrapper that wants ZooKeeper.
write_file 0644 /etc/systemd/system/mesos-master.service \
  "$(bash "$FLAGS_SCRIPT" master-unit "$VM_IP")"
MASTER_CHANGED=$CHANGED
write_file 0644 /etc/systemd/system/mesos-agent.service \
  "$(bash "$FLAGS_SCRIPT" agent-unit "$VM_IP")"
[[ $CHANGED == no ]] || AGENT_CHANGED=yes

if [[ $MASTER_CHANGED == yes || $AGENT_CHANGED == yes ]]; then
  systemctl daemon-reload
fi
systemctl enable --quiet mesos-master.service mesos-agent.service

if [[ $MASTER_CHANGED == yes ]]; then
  log "restarting mesos-master"
  systemctl restart mesos-master.service
else
  systemctl start mesos-master.service
fi
if [[ $AGENT_CHANGED == yes ]]; then
  log "restarting mesos-agent"
  systemctl stop mesos-agent.service
  # An agent refuses to recover state that was written with other flags
  # ("incompatible agent info"); start it as a new agent instead.
  rm -f /var/lib/mesos/agent/meta/slaves/latest
  systemctl start mesos-agent.service
else
  systemctl start mesos-agent.service
fi

# --- Check ---------------------------------------------------------------------
log "waiting for the agent to register with the master"
for _ in $(seq 1 60); do
  if curl -fsS --max-time 3 "http://$VM_IP:5050/master/state" 2>/dev/null |
    grep -Eq '"activated_slaves":[1-9]'; then
    log "Mesos is up: http://$VM_IP:5050 (cgroup file system: $(stat -fc %T /sys/fs/cgroup))"
    log "Chromium: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
    log "in the VM:   cd /rendler && ./rendler --master $VM_IP:5050 https://example.org/"
    log "on the host: ./rendler --master $VM_IP:5050 --advertise-host ${VM_IP%.*}.1 https://example.org/"
    exit 0
  fi
  sleep 2
done
journalctl -u mesos-master.service -u mesos-agent.service -n 60 --no-pager >&2 || true
die "no Mesos agent registered with the master at $VM_IP:5050 within 2 minutes (logs above)"
