#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Starts or stops Debian's tgt serving a small tape library over iSCSI, the independent
# peer that test_rsm_tgt and conformance/reports/tgt/run.sh run against. One target:
#
#   LUN 0  tgt's own controller LUN (PDT 0Ch; tgt always creates it)
#   LUN 1  tape drive, element 500      LUN 2  tape drive, element 501
#   LUN 3  medium changer: transport 1, mail slot 10, storage slots 1000-1009
#          (TGT_SLOTS=N in the environment: N slots from 1000, N >= 10)
#
# Cartridges (thin-provisioned tgtimg images named after their barcode, in DIR, which
# tgt's changer uses as media_home): TGT001L8..TGT006L8 in slots 1000-1005, a cleaning
# cartridge CLN001L1 in slot 1009 (the tenth slot, whatever TGT_SLOTS says). The drives
# start empty (online=0 on a 1 MB placeholder image, as tgt's README.vtl does).
#
# Usage: tgt-library.sh start DIR PORT CONTROL_PORT [IQN]
#        tgt-library.sh stop  DIR CONTROL_PORT
#        tgt-library.sh version
# tgtd listens on 127.0.0.1:PORT only; its management socket is numbered CONTROL_PORT
# (tgtd -C / tgtadm -C, 1-32767) so a tgt someone else started is never touched. tgtd
# ignores SIGTERM: it is stopped by deleting its target, then the system, then SIGKILL. The
# pid is kept in DIR/tgtd.pid, its log in DIR/tgtd.log, its exit status (once it has
# ended) in DIR/tgtd.exit.
# Exit status: 0; 2 usage; 3 tgtd missing; 4 tgtd did not come up (log printed).
set -euo pipefail
self=$(readlink -f "$0")
usage() { echo "usage: $0 start DIR PORT CONTROL_PORT [IQN] | stop DIR CONTROL_PORT | version" >&2; exit 2; }
[ $# -ge 1 ] || usage
cmd=$1

if [ "$cmd" = version ]; then
  # tgtd has no --version flag that prints more than the number; the package says which
  # Debian build it is.
  v=$(dpkg-query -W -f '${Version}' tgt 2>/dev/null || true)
  echo "tgtd $(tgtd --version 2>/dev/null || echo unknown) (Debian package tgt ${v:-unknown})"
  exit 0
fi

if [ "$cmd" = stop ]; then
  [ $# -eq 3 ] || usage
  dir=$2 ctl=$3
  if [ -f "$dir/tgtd.pid" ]; then
    pid=$(cat "$dir/tgtd.pid")
    if kill -0 "$pid" 2>/dev/null; then
      tgtadm -C "$ctl" --lld iscsi --mode target --op delete --force --tid 1 >/dev/null 2>&1 || true
      tgtadm -C "$ctl" --op delete --mode system >/dev/null 2>&1 || true
      for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
      for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$dir/tgtd.pid"
  fi
  # tgtd leaves its management socket and lock behind when it is killed.
  rm -f "/var/run/tgtd/socket.$ctl" "/var/run/tgtd/socket.$ctl.lock"
  exit 0
fi

if [ "$cmd" != start ] || [ $# -lt 4 ]; then usage; fi
dir=$2 port=$3 ctl=$4 iqn=${5:-iqn.2026-11.org.openrsm.peer:tgt} slots=${TGT_SLOTS:-10}
case $slots in ''|*[!0-9]*) echo "tgt-library: TGT_SLOTS must be a number (10 or more)" >&2; exit 2;; esac
[ "$slots" -ge 10 ] || { echo "tgt-library: TGT_SLOTS must be 10 or more" >&2; exit 2; }
command -v tgtd >/dev/null || { echo "tgt-library: tgtd is not installed (apt-get install tgt)" >&2; exit 3; }
T="tgtadm -C $ctl --lld iscsi"
mkdir -p "$dir"
cd "$dir"
dd if=/dev/zero of=smc bs=1k count=1 2>/dev/null
rm -f notape TGT00?L8 CLN001L1
tgtimg --op new --device-type tape --barcode="" --size 1 --type clean --file notape >/dev/null
for n in 1 2 3 4 5 6; do
  tgtimg --op new --device-type tape --barcode="TGT00${n}L8" --size 64 --type data \
    --file "TGT00${n}L8" --thin-provisioning >/dev/null
done
tgtimg --op new --device-type tape --barcode=CLN001L1 --size 1 --type clean --file CLN001L1 >/dev/null
# stdin from /dev/null and every output into the log: a caller that captures this
# script's output through a pipe must see it close when the script ends.
# A subshell waits for tgtd so its exit status lands in DIR/tgtd.exit (139 = SIGSEGV:
# conformance/reports/tgt/ shows a READ ELEMENT STATUS that kills it).
rm -f "$dir/tgtd.exit" "$dir/tgtd.pid"
( tgtd -f -C "$ctl" --iscsi portal="127.0.0.1:$port" >"$dir/tgtd.log" 2>&1 &
  echo $! >"$dir/tgtd.pid"
  rc=0
  wait $! || rc=$?
  echo $rc >"$dir/tgtd.exit" ) </dev/null >/dev/null 2>&1 &
for _ in $(seq 50); do [ -s "$dir/tgtd.pid" ] && break; sleep 0.02; done
up=0
for _ in $(seq 50); do
  if $T --mode target --op show >/dev/null 2>&1; then up=1; break; fi
  sleep 0.1
done
if [ $up = 0 ]; then
  echo "tgt-library: tgtd did not answer on control port $ctl" >&2
  cat "$dir/tgtd.log" >&2
  "$self" stop "$dir" "$ctl"
  exit 4
fi
$T --op new --mode target --tid 1 -T "$iqn"
for lun in 1 2; do
  $T --mode logicalunit --op new --tid 1 --lun $lun -b "$dir/notape" --device-type tape
  $T --mode logicalunit --op update --tid 1 --lun $lun --params online=0
done
$T --mode logicalunit --op new --tid 1 --lun 3 -b "$dir/smc" --device-type changer
L="$T --mode logicalunit --op update --tid 1 --lun 3 --params"
$L media_home="$dir"
$L element_type=1,start_address=1,quantity=1
$L element_type=2,start_address=1000,quantity="$slots"
$L element_type=3,start_address=10,quantity=1
$L element_type=4,start_address=500,quantity=2
$L element_type=4,address=500,tid=1,lun=1
$L element_type=4,address=501,tid=1,lun=2
for n in 1 2 3 4 5 6; do
  $L element_type=2,address=$((999 + n)),barcode="TGT00${n}L8",sides=1
done
$L element_type=2,address=1009,barcode=CLN001L1,sides=1
$T --op bind --mode target --tid 1 -I ALL
