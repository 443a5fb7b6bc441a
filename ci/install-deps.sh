#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Debian packages OpenRSM builds and tests with, if any are missing.
# Idempotent: when everything is present it prints one line and changes nothing.
# Usage: ci/install-deps.sh [--qemu]   (--qemu adds the guest-test packages)
set -euo pipefail

pkgs=(
  build-essential pkg-config clang libclang-rt-dev   # compilers; libFuzzer, ASan, UBSan runtimes
  libsqlite3-dev      # RSM database
  libyaml-dev         # library configurations, personalities, scenarios
  libcunit1-dev       # unit tests
  libjansson-dev      # JSON: control socket, rsmd protocol, reports
  libiscsi-dev libiscsi-bin   # iSCSI initiator (RSM, harness) and iscsi-ls etc. for tests
  zlib1g-dev libzstd-dev      # tape image compression
)
if [ "${1:-}" = "--qemu" ]; then
  pkgs+=(qemu-system-x86 qemu-block-extra qemu-utils linux-image-amd64 busybox-static
         mtx mt-st sg3-utils tar cpio kmod bacula-sd tgt dash lsscsi jq iproute2)
fi

missing=()
for p in "${pkgs[@]}"; do
  [ "${p:0:1}" = "#" ] && continue
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#pkgs[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
