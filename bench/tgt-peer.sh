#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Starts or stops Debian's tgt as the peer the iSCSI benchmark compares vtld with: one
# target with a tape drive on LUN 1 (empty) and a medium changer on LUN 3 (tgt keeps LUN 0
# for its own controller LUN) with 1 drive, 1 mail slot and SLOTS storage slots, one data
# cartridge BENCH001 (thin-provisioned, CART_MB) in the first slot.
#
# Usage: bench/tgt-peer.sh start DIR PORT CONTROL_PORT [SLOTS] [CART_MB]
#        bench/tgt-peer.sh stop  DIR CONTROL_PORT
# tgtd listens on 127.0.0.1:PORT only; its management socket is numbered CONTROL_PORT
# (tgtd -C / tgtadm -C), so a tgt started by someone else is never touched.
# tgtd ignores SIGTERM: it is stopped by deleting its target, then the system.
set -euo pipefail
cmd=$1 dir=$2
if [ "$cmd" = stop ]; then
  ctl=$3
  T="tgtadm -C $ctl --lld iscsi"
  if [ -f "$dir/tgtd.pid" ] && kill -0 "$(cat "$dir/tgtd.pid")" 2>/dev/null; then
    $T --mode target --op delete --force --tid 1 >/dev/null 2>&1 || true
    tgtadm -C "$ctl" --op delete --mode system >/dev/null 2>&1 || true
    for _ in $(seq 30); do kill -0 "$(cat "$dir/tgtd.pid")" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$(cat "$dir/tgtd.pid")" 2>/dev/null || true
  fi
  rm -f "$dir/tgtd.pid"
  exit 0
fi
port=$3 ctl=$4 slots=${5:-1000} cart_mb=${6:-4096}
command -v tgtd >/dev/null || { echo "tgt-peer: tgtd is not installed (apt-get install tgt)" >&2; exit 3; }
T="tgtadm -C $ctl --lld iscsi"
mkdir -p "$dir"
cd "$dir"
dd if=/dev/zero of=smc bs=1k count=1 2>/dev/null
tgtimg --op new --device-type tape --barcode="" --size 1 --type clean --file notape >/dev/null
tgtimg --op new --device-type tape --barcode=BENCH001 --size "$cart_mb" --type data \
  --file BENCH001 --thin-provisioning >/dev/null
tgtd -f -C "$ctl" --iscsi portal="127.0.0.1:$port" >"$dir/tgtd.log" 2>&1 &
echo $! >"$dir/tgtd.pid"
for _ in $(seq 50); do $T --mode target --op show >/dev/null 2>&1 && break; sleep 0.1; done
$T --op new --mode target --tid 1 -T iqn.2026-11.org.openrsm.bench:tgt
$T --mode logicalunit --op new --tid 1 --lun 1 -b "$dir/notape" --device-type tape
$T --mode logicalunit --op update --tid 1 --lun 1 --params online=0
$T --mode logicalunit --op new --tid 1 --lun 3 -b "$dir/smc" --device-type changer
L="$T --mode logicalunit --op update --tid 1 --lun 3 --params"
$L media_home="$dir"
$L element_type=1,start_address=1,quantity=1
$L element_type=2,start_address=1000,quantity="$slots"
$L element_type=3,start_address=10,quantity=1
$L element_type=4,start_address=500,quantity=1
$L element_type=4,address=500,tid=1,lun=1
$L element_type=2,address=1000,barcode=BENCH001,sides=1
$T --op bind --mode target --tid 1 -I ALL
