#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# qemu/install-deps.sh — installs the Debian packages the QEMU guest tests need:
# QEMU (TCG, with its libiscsi block driver), Debian's kernel and modules for the
# guest, busybox, the real tape/changer clients (mtx, mt-st, sg3-utils, tar,
# Bacula's btape), tgt (the comparison target) and libiscsi's tools.
# Idempotent: when every package is present it prints one line and does nothing.
# Run as root (uses sudo otherwise).
set -euo pipefail

pkgs=(
  qemu-system-x86 qemu-block-extra qemu-utils   # the emulator and its iscsi:// driver
  linux-image-amd64 kmod                        # guest kernel + modules, modules.dep
  busybox-static cpio dash                      # guest userland, initramfs packing
  mtx mt-st sg3-utils tar lsscsi                # real clients in the guest
  bacula-sd                                     # btape + mtx-changer
  tgt libiscsi-bin                              # comparison target; iscsi-ls
  xz-utils jq iproute2                          # vmlinux extraction; vtlctl JSON; ss
)

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "qemu/install-deps: all ${#pkgs[@]} packages present"
  exit 0
fi
echo "qemu/install-deps: installing ${missing[*]}"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# policy-rc.d may refuse to start tgt.service / bacula-sd.service: that is fine,
# the runner starts tgtd itself and nothing needs bacula-sd running.
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
