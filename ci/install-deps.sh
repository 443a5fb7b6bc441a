#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Debian packages OpenRSM builds and tests with, if any are missing.
# Idempotent: when everything is present it prints one line and changes nothing.
# Usage: ci/install-deps.sh [--qemu]   (--qemu also runs qemu/install-deps.sh)
set -euo pipefail

pkgs=(
  build-essential pkg-config clang libclang-rt-dev   # compilers; libFuzzer, ASan, UBSan runtimes
  libsqlite3-dev      # RSM database
  libyaml-dev         # library configurations, personalities, scenarios
  libcunit1-dev       # unit tests
  libjansson-dev      # JSON: control socket, rsmd protocol, reports
  libiscsi-dev libiscsi-bin   # iSCSI initiator (RSM, harness) and iscsi-ls etc. for tests
  zlib1g-dev libzstd-dev      # tape image compression
  # Real tools the tests run against (each test says "skipped" without its tool, but CI
  # should run them all): Debian's tgt as the independent peer (test_rsm_tgt, the bench's
  # ratios), GNU tar and Bacula's btape writing real labels (test_rsm_mli), groff and
  # systemd-analyze checking the man pages and units (test_dist).
  tgt tar bacula-sd groff-base systemd
)
# The QEMU guest suite's packages (emulator, guest kernel, tape tools) are installed by
# qemu/install-deps.sh; --qemu runs it after these.
with_qemu=0
[ "${1:-}" = "--qemu" ] && with_qemu=1

missing=()
for p in "${pkgs[@]}"; do
  [ "${p:0:1}" = "#" ] && continue
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#pkgs[@]} packages present"
  [ $with_qemu -eq 1 ] && exec "$(dirname "$0")/../qemu/install-deps.sh"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
[ $with_qemu -eq 1 ] && exec "$(dirname "$0")/../qemu/install-deps.sh"
exit 0
