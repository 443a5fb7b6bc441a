#!/bin/sh
# SPDX-License-Identifier: MIT
# tcmu-setup.sh — serves the library inside the guest through LIO TCMU + tcm_loop, with
# raw configfs writes (no targetcli, no tcmu-runner), in the order the kernel needs:
#
#   up NLUNS [vtl-tcmu args...]
#     1. configfs mounted; one TCMU backstore per LUN: core/user_0/lunN with
#        dev_config=openrsm/lunN (its UIO name tcm-user/0/lunN/openrsm/lunN is how
#        vtl-tcmu finds it); before export: cmd_time_out (a robot move or a long locate
#        must not be failed by LIO), pgr_support=0 and alua_support=0 (reservations and
#        ALUA commands reach the simulator instead of being answered by LIO),
#        tmr_notification=1 (LIO tells vtl-tcmu about ABORT TASK and LUN RESET through
#        the ring; kernels before 5.9 have no such attribute and skip it); enable
#     2. vtl-tcmu started on those UIO devices; wait for its ready file
#     3. tcm_loop: one WWN, TPG 1 (= SCSI target id 1), nexus, LUN 0..N-1 linked in order;
#        each link scans the LUN synchronously through the handler, so the changer
#        (LUN 0) is attached before the drives and ch maps them (LU VALID in its DTE
#        descriptors, same target id)
#   down
#     unlinks the LUNs, removes the nexus, TPG, WWN and fabric, stops vtl-tcmu (SIGTERM:
#     it saves the library state), then removes the backstores and the HBA; checks that
#     no UIO device and no tcm_loop SCSI device is left
#   restart [vtl-tcmu args...]
#     kills vtl-tcmu with SIGKILL and starts a new one on the same UIO devices, LUNs left
#     linked (the ring and the persisted state carry over)
#
# env: VTL_TCMU (default /usr/bin/vtl-tcmu), TCMU_STATE (/tmp/vtl-state),
#      TCMU_TIMEOUT (cmd_time_out in s, default 900), TCMU_LOG (/tmp/vtl-tcmu.log)
# Exit status 0 when every configfs write succeeded; what failed goes to stderr.
# It runs as root in the QEMU guest (busybox) and on any Linux host with LIO (plain
# coreutils; sim/tcmu/README.md says how).
BB=/bin/busybox
[ -x $BB ] || BB=""
C=/sys/kernel/config/target
WWN=naa.5001405000000a01
INI=naa.5001405000000b01
TPG=$C/loopback/$WWN/tpgt_1
VTL_TCMU=${VTL_TCMU:-/usr/bin/vtl-tcmu}
STATE=${TCMU_STATE:-/tmp/vtl-state}
TMO=${TCMU_TIMEOUT:-900}
LOG=${TCMU_LOG:-/tmp/vtl-tcmu.log}
PIDF=/run/vtl-tcmu.pid
READY=/run/vtl-tcmu.ready

err=0
w() {   # w VALUE FILE: one configfs write, reported when it fails
  if ! printf '%s' "$1" > "$2" 2>/dev/null; then echo "tcmu-setup: write '$1' > $2 failed" >&2; err=1; return 1; fi
}
x() {   # x CMD...: one configfs mkdir/rmdir/ln/rm, reported when it fails
  if ! "$@" 2>/dev/null; then echo "tcmu-setup: $* failed" >&2; err=1; return 1; fi
}

start_handler() {
  $BB rm -f $READY
  "$VTL_TCMU" --state-dir "$STATE" --ready-file $READY --control /run/vtl-tcmu.sock "$@" >> "$LOG" 2>&1 &
  echo $! > $PIDF
  i=0
  while [ ! -s $READY ] && [ $i -lt 200 ]; do
    $BB kill -0 "$($BB cat $PIDF)" 2>/dev/null || { echo "tcmu-setup: vtl-tcmu exited:" >&2; $BB tail -n 5 "$LOG" >&2; return 1; }
    $BB sleep 0.05; i=$((i + 1))
  done
  [ -s $READY ] || { echo "tcmu-setup: vtl-tcmu not ready after 10 s" >&2; return 1; }
}

up() {
  n=$1; shift
  $BB grep -q configfs /proc/mounts || x $BB mount -t configfs configfs /sys/kernel/config
  [ -d $C ] || { echo "tcmu-setup: $C missing (target_core_mod not loaded)" >&2; return 1; }
  x $BB mkdir -p $C/core/user_0 || return 1
  l=0
  while [ $l -lt "$n" ]; do
    d=$C/core/user_0/lun$l
    x $BB mkdir $d || return 1
    w "dev_config=openrsm/lun$l" $d/control
    # a size: without one LIO thinks the LUN has more than 2^32 blocks and builds its
    # own sense data (unit attentions) in descriptor format, which mtx cannot read
    w "dev_size=1048576" $d/control
    w "$TMO" $d/attrib/cmd_time_out
    # LIO emulates PR and ALUA unless told otherwise; the simulator owns them
    w 0 $d/attrib/pgr_support
    w 0 $d/attrib/alua_support
    # task management reaches the simulator as a notice in the ring (LIO still answers
    # the initiator itself, once the aborted commands are back)
    [ -e $d/attrib/tmr_notification ] && w 1 $d/attrib/tmr_notification
    w 1 $d/enable || return 1
    l=$((l + 1))
  done
  $BB mkdir -p "$STATE"
  start_handler "$@" || return 1
  x $BB mkdir -p $C/loopback || return 1
  x $BB mkdir -p $TPG || return 1
  w $INI $TPG/nexus || return 1
  l=0
  while [ $l -lt "$n" ]; do
    x $BB mkdir $TPG/lun/lun_$l && x $BB ln -s $C/core/user_0/lun$l $TPG/lun/lun_$l/lun$l
    l=$((l + 1))
  done
  # ch maps its DTEs to SCSI devices once, when it probes the changer, and the drives
  # did not exist yet then: probe it again now. The new probe also takes in LIO's
  # REPORTED LUNS DATA HAS CHANGED unit attention (one per LUN added after the changer),
  # which mtx would otherwise get on its first command.
  for s in /sys/bus/scsi/drivers/ch/*:*; do
    [ -e "$s" ] || continue
    dev=${s##*/}
    w "$dev" /sys/bus/scsi/drivers/ch/unbind && w "$dev" /sys/bus/scsi/drivers/ch/bind
  done
  return $err
}

down() {
  for lk in $TPG/lun/lun_*/lun*; do [ -L "$lk" ] && x $BB rm "$lk"; done
  for ld in $TPG/lun/lun_*; do [ -d "$ld" ] && x $BB rmdir "$ld"; done
  if [ -d $TPG ]; then
    [ -n "$($BB cat $TPG/nexus 2>/dev/null)" ] && w NULL $TPG/nexus
    x $BB rmdir $TPG
  fi
  [ -d $C/loopback/$WWN ] && x $BB rmdir $C/loopback/$WWN
  [ -d $C/loopback ] && x $BB rmdir $C/loopback
  if [ -s $PIDF ]; then
    pid=$($BB cat $PIDF)
    $BB kill -TERM "$pid" 2>/dev/null
    i=0
    while $BB kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do $BB sleep 0.05; i=$((i + 1)); done
    $BB kill -0 "$pid" 2>/dev/null && { echo "tcmu-setup: vtl-tcmu ignored SIGTERM" >&2; $BB kill -KILL "$pid"; err=1; }
    $BB rm -f $PIDF $READY
  fi
  for d in $C/core/user_0/lun*; do [ -d "$d" ] && x $BB rmdir "$d"; done
  [ -d $C/core/user_0 ] && x $BB rmdir $C/core/user_0
  left=$($BB ls /sys/class/uio 2>/dev/null)
  [ -z "$left" ] || { echo "tcmu-setup: UIO devices left: $left" >&2; err=1; }
  for h in /sys/class/scsi_host/host*; do
    [ "$($BB cat $h/proc_name 2>/dev/null)" = tcm_loopback ] || continue
    [ -z "$($BB ls -d $h/device/target* 2>/dev/null)" ] || { echo "tcmu-setup: SCSI devices left on ${h##*/}" >&2; err=1; }
  done
  return $err
}

restart() {
  [ -s $PIDF ] && $BB kill -KILL "$($BB cat $PIDF)" 2>/dev/null
  $BB sleep 0.1
  start_handler "$@"
}

cmd=$1; shift
case $cmd in
  up) up "$@" ;;
  down) down ;;
  restart) restart "$@" ;;
  *) echo "usage: tcmu-setup.sh up NLUNS [vtl-tcmu args] | down | restart [args]" >&2; exit 2 ;;
esac
