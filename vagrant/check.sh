#!/usr/bin/env bash
# Static checks of the Vagrant setup that need no VM: shellcheck on every
# script in vagrant/, and `vagrant validate` on the Vagrantfile when Vagrant is
# installed. Exits non-zero on the first failure. Used by .ci/run.

set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

command -v shellcheck >/dev/null || {
  echo "check.sh: shellcheck is not installed (apt-get install shellcheck)" >&2
  exit 1
}
echo "shellcheck $(shellcheck --version | sed -n 's/^version: //p'): vagrant/*.sh"
shellcheck --shell=bash vagrant/*.sh
echo "shellcheck: no findings"

# The scripts must also parse as bash on their own.
for script in vagrant/*.sh; do
  bash -n "$script"
done

if ! command -v vagrant >/dev/null; then
  echo "vagrant is not installed; skipping vagrant validate"
  exit 0
fi

# No update check against HashiCorp's servers: CI has no network.
export VAGRANT_CHECKPOINT_DISABLE=1
echo "$(vagrant --version): vagrant validate"
# Without a provider at hand (VirtualBox cannot run in CI), validate the
# general configuration and skip the provider blocks...
vagrant validate --ignore-provider
# ...and when the vagrant-libvirt plugin is there, the libvirt block as well.
if vagrant plugin list 2>/dev/null | grep -q '^vagrant-libvirt '; then
  VAGRANT_DEFAULT_PROVIDER=libvirt vagrant validate
fi
