#!/usr/bin/env bash
# Generates the Mesos master and agent command lines, their systemd units and
# the agent's executor environment for the Rendler Vagrant VM.
#
# It only prints: no root, no Mesos install and no network are needed, so the
# unit tests (ProvisioningTest) run it on any machine, and provision.sh writes
# exactly what this script prints. Same arguments, same output, every time.
#
#   vagrant/mesos-flags.sh master IP           master command line, one line
#   vagrant/mesos-flags.sh agent IP            agent command line, one line
#   vagrant/mesos-flags.sh master-unit IP      systemd unit for mesos-master
#   vagrant/mesos-flags.sh agent-unit IP       systemd unit for mesos-agent
#   vagrant/mesos-flags.sh executor-env [CHROMIUM]
#                                              JSON environment for executors
#
# MESOS_BIN_DIR (default /usr/sbin) is where mesos-master and mesos-agent live;
# provision.sh passes the directory the package really installed them into.
# The web UI's files are expected beside them, in ../share/mesos/webui.

set -euo pipefail
# Command substitutions ($(...)) must stop at the first error too.
shopt -s inherit_errexit

MESOS_MASTER_PORT=5050
MESOS_AGENT_PORT=5051
MESOS_MASTER_WORK_DIR=/var/lib/mesos/master
MESOS_AGENT_WORK_DIR=/var/lib/mesos/agent
MESOS_FETCHER_CACHE_DIR=/var/lib/mesos/fetch
# The agent reads the executors' environment from this file (see executor_env).
MESOS_EXECUTOR_ENV_FILE=/etc/mesos-agent/executor-environment.json
DEFAULT_CHROMIUM=/usr/bin/chromium

# Refuses anything that is not a dotted IPv4 address, so a typo cannot end up
# inside a unit file. Loopback is refused too: the host must reach the VM.
require_ipv4() {
  local ip=$1 octet
  local -a octets
  if [[ ! $ip =~ ^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$ ]]; then
    echo "mesos-flags.sh: '$ip' is not an IPv4 address" >&2
    return 2
  fi
  IFS=. read -r -a octets <<<"$ip"
  for octet in "${octets[@]}"; do
    if ((10#$octet > 255)); then
      echo "mesos-flags.sh: '$ip' is not an IPv4 address" >&2
      return 2
    fi
  done
  if ((10#${octets[0]} == 127)); then
    echo "mesos-flags.sh: '$ip' is a loopback address; use the VM's private address" >&2
    return 2
  fi
}

# One flag per line. Every flag names the private address explicitly:
# Ubuntu's /etc/hosts maps the VM's hostname to 127.0.1.1, and a master or
# agent that looks itself up would advertise that address, which nothing
# outside the VM can reach.
#
# No ZooKeeper: one master needs no leader election, and --registry=in_memory
# keeps the registry in the master's memory, so --zk and --quorum (which only
# matter for the replicated log) are left out. A master restart forgets the
# agent, which simply registers again.
master_flags() {
  local ip=$1
  require_ipv4 "$ip" || return
  printf '%s\n' \
    "--ip=$ip" \
    "--advertise_ip=$ip" \
    "--hostname=$ip" \
    "--no-hostname_lookup" \
    "--port=$MESOS_MASTER_PORT" \
    "--registry=in_memory" \
    "--work_dir=$MESOS_MASTER_WORK_DIR" \
    "--webui_dir=$(webui_dir)" \
    "--cluster=rendler-vagrant"
}

bin_dir() { printf '%s\n' "${MESOS_BIN_DIR:-/usr/sbin}"; }

# Named explicitly: the compiled-in default depends on how the package was
# built, and a wrong one only shows as an empty page at :5050.
webui_dir() {
  local bin
  bin=$(bin_dir)
  printf '%s\n' "${bin%/*}/share/mesos/webui"
}

# --master is host:port, never zk://: there is no ZooKeeper.
#
# --launcher=posix --isolation=posix/cpu,posix/mem --no-systemd_enable_support:
# Ubuntu 22.04 and later boot with cgroup v2 only; Mesos 1.11's linux launcher
# and cgroups isolators expect cgroup v1 hierarchies and make the agent fail at
# start-up. The posix launcher tracks executors as plain process trees and the
# posix isolators only report usage. Without systemd support the agent does not
# try to move executors into a systemd slice either.
#
# --no-switch_user: with switch_user the executor runs as FrameworkInfo.user,
# and rendler sets that to the user who started it. A scheduler on the host
# sends the host's login name, which does not exist in the VM, and the launch
# would fail. Executors run as the agent's user (root) instead; Chromium then
# needs --no-sandbox, which Playwright passes anyway.
#
# --executor_registration_timeout=5mins: before a render executor subscribes,
# the fetcher downloads its jar from the scheduler over the host-only network,
# the JVM starts and Playwright unpacks its driver. On a cold VM that can take
# longer than the 1 minute default, and the agent would kill the executor.
#
# --executor_environment_variables: Mesos 1.x gives executors no environment of
# the agent's own, so PATH and RENDLER_CHROMIUM are handed over from a file.
agent_flags() {
  local ip=$1
  require_ipv4 "$ip" || return
  printf '%s\n' \
    "--master=$ip:$MESOS_MASTER_PORT" \
    "--ip=$ip" \
    "--advertise_ip=$ip" \
    "--hostname=$ip" \
    "--no-hostname_lookup" \
    "--port=$MESOS_AGENT_PORT" \
    "--work_dir=$MESOS_AGENT_WORK_DIR" \
    "--containerizers=mesos" \
    "--launcher=posix" \
    "--isolation=posix/cpu,posix/mem" \
    "--no-systemd_enable_support" \
    "--no-switch_user" \
    "--executor_registration_timeout=5mins" \
    "--fetcher_cache_dir=$MESOS_FETCHER_CACHE_DIR" \
    "--executor_environment_variables=file://$MESOS_EXECUTOR_ENV_FILE"
}

# Prints "BINARY FLAG FLAG ..." on one line.
command_line() {
  local role=$1 ip=$2
  local -a flags
  require_ipv4 "$ip" || return
  mapfile -t flags < <("${role}_flags" "$ip")
  printf '%s' "$(bin_dir)/mesos-$role"
  printf ' %s' "${flags[@]}"
  printf '\n'
}

# A complete unit. It is written to /etc/systemd/system, where it takes
# precedence over the unit the package ships: that one starts the packaged
# wrapper, which reads /etc/mesos/zk and expects ZooKeeper.
# KillMode stays at systemd's default (the whole control group): executors run
# in the agent's group under the posix launcher, so stopping the agent ends
# them too and a restart leaves no processes behind that no agent knows about.
unit() {
  local role=$1 ip=$2 description after=network-online.target
  local -a flags
  require_ipv4 "$ip" || return
  mapfile -t flags < <("${role}_flags" "$ip")
  case $role in
    master) description="Mesos master for Rendler (no ZooKeeper, in-memory registry)" ;;
    agent)
      description="Mesos agent for Rendler (posix launcher, for cgroup v2)"
      after="network-online.target mesos-master.service"
      ;;
  esac
  printf '%s\n' \
    "# Written by Rendler's vagrant/provision.sh from vagrant/mesos-flags.sh." \
    "# Edit those scripts and run 'vagrant provision' instead of editing this file." \
    "[Unit]" \
    "Description=$description" \
    "Wants=network-online.target" \
    "After=$after" \
    "" \
    "[Service]" \
    "ExecStart=$(bin_dir)/mesos-$role \\"
  # One flag per continuation line keeps `systemctl cat` readable.
  local last=$((${#flags[@]} - 1)) i
  for i in "${!flags[@]}"; do
    if ((i < last)); then
      printf '    %s \\\n' "${flags[$i]}"
    else
      printf '    %s\n' "${flags[$i]}"
    fi
  done
  printf '%s\n' \
    "Restart=always" \
    "RestartSec=5" \
    "LimitNOFILE=65536" \
    "" \
    "[Install]" \
    "WantedBy=multi-user.target"
}

# The executors' whole environment (see --executor_environment_variables).
# RENDLER_CHROMIUM tells the render executor which browser to drive; Playwright
# must not try to download one of its own.
executor_env() {
  local chromium=${1:-$DEFAULT_CHROMIUM}
  if [[ $chromium != /* || $chromium == *[\"\\]* ]]; then
    echo "mesos-flags.sh: the Chromium path must be absolute and have no quotes: $chromium" >&2
    return 2
  fi
  printf '%s\n' \
    "{" \
    "  \"PATH\": \"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"," \
    "  \"LANG\": \"C.UTF-8\"," \
    "  \"RENDLER_CHROMIUM\": \"$chromium\"," \
    "  \"PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD\": \"1\"" \
    "}"
}

usage() {
  cat >&2 <<'USAGE'
usage: mesos-flags.sh master|agent|master-unit|agent-unit IP
       mesos-flags.sh executor-env [CHROMIUM_PATH]
USAGE
  return 2
}

main() {
  case ${1:-} in
    master | agent)
      [[ $# -eq 2 ]] || usage
      command_line "$1" "$2"
      ;;
    master-unit | agent-unit)
      [[ $# -eq 2 ]] || usage
      unit "${1%-unit}" "$2"
      ;;
    executor-env)
      [[ $# -le 2 ]] || usage
      executor_env "${2:-}"
      ;;
    *) usage ;;
  esac
}

main "$@"
