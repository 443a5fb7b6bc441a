#!/bin/dash
# SPDX-License-Identifier: MIT
# tcmu-steps.sh — the steps only the TCMU front end has, run by /init after suite.sh when
# FRONTEND=tcmu (same @@STEP lines):
#   tcmu-restart   a cartridge is moved, vtl-tcmu is killed with SIGKILL and a new one
#                  attaches to the same UIO devices with the LUNs left linked: the move
#                  is still there (state saved before the status went out), the changer
#                  answers TEST UNIT READY and drive 0 INQUIRY
#   tcmu-slow-move vtl-tcmu restarted on a library with a real clock and 3 s moves: a
#                  MOVE MEDIUM completes from the clock (pending), and commands sent
#                  during it (drive 0, and the changer's own ring) are answered at once
#   tcmu-teardown  tcmu-setup.sh down: every configfs object removed, vtl-tcmu stopped by
#                  SIGTERM, no UIO device and no tcm_loop SCSI device left
. /etc/suite.conf
BB=/bin/busybox
MTX=/usr/sbin/mtx
OUT=/tmp/out
STATUS=/tmp/mtx-status
now() { $BB cut -d' ' -f1 /proc/uptime; }
begin() { STEP=$1 STEP_T0=$(now); echo "@@BEGIN $STEP"; }
elapsed() { $BB awk -v a="$STEP_T0" -v b="$(now)" 'BEGIN{printf "%.2f", b-a}'; }
pass() { echo "@@STEP $STEP PASS $* ($(elapsed)s)"; }
fail() { echo "@@STEP $STEP FAIL $* ($(elapsed)s)"; }
run() { echo "  + $*"; $BB timeout 120 "$@" > $OUT 2>&1 < /dev/null; RC=$?; $BB sed 's/^/  | /' $OUT | $BB head -n 100; [ $RC -eq 0 ]; }
CFG=
[ -r /etc/vtl.yaml ] && CFG="--config /etc/vtl.yaml"

CHG= TAPE0_SG=
for d in /sys/class/scsi_generic/sg*; do
  [ "$($BB cat $d/device/type 2>/dev/null)" = 8 ] && CHG=/dev/${d##*/}
  [ "$($BB cat $d/device/type 2>/dev/null)" = 1 ] && [ -z "$TAPE0_SG" ] && TAPE0_SG=/dev/${d##*/}
done
# the first UNIT ATTENTION after a restart (a new I_T nexus) is reported once
mtx_status() { $BB timeout 120 $MTX -f "$CHG" status > $STATUS 2>&1 || $BB timeout 120 $MTX -f "$CHG" status > $STATUS 2>&1; }
slot_line() { $BB grep "Storage Element $1:" $STATUS | $BB grep -v IMPORT; }

begin tcmu-restart
mtx_status
S=$($BB grep -v IMPORT $STATUS | $BB sed -n 's/^ *Storage Element \([0-9]*\):Full :VolumeTag=\([A-Z0-9]*L[0-9]\).*/\1 \2/p' | $BB grep -v ' CLN' | $BB head -n 1)
E=$($BB grep -v IMPORT $STATUS | $BB sed -n 's/^ *Storage Element \([0-9]*\):Empty.*/\1/p' | $BB head -n 1)
SLOT=${S% *} BC=${S#* }
if [ -z "$S" ] || [ -z "$E" ]; then fail "no full data slot or no empty slot"
elif ! run $MTX -f "$CHG" transfer "$SLOT" "$E"; then fail "mtx transfer $SLOT $E before the restart"
else
  old=$($BB cat /run/vtl-tcmu.pid)
  if ! /bin/dash /suite/tcmu-setup.sh restart $CFG; then fail "vtl-tcmu did not come back"
  else
    new=$($BB cat /run/vtl-tcmu.pid)
    mtx_status
    $BB sed 's/^/  | /' $STATUS | $BB head -n 40
    a=$(slot_line "$SLOT") b=$(slot_line "$E")
    # the changer answers TEST UNIT READY, the (empty) drive 0 INQUIRY
    { run /usr/bin/sg_turs "$CHG" || run /usr/bin/sg_turs "$CHG"; } && run /usr/bin/sg_inq "$TAPE0_SG"; tur=$RC
    case "$a|$b" in
      *:Empty*"|"*"VolumeTag=$BC"*)
        if [ $tur = 0 ] && run $MTX -f "$CHG" transfer "$E" "$SLOT"; then
          pass "SIGKILL pid $old, new pid $new: $BC still in slot $E (moved from $SLOT before the kill), changer TUR and drive 0 INQUIRY GOOD, moved back"
        else fail "after the restart: changer TUR / drive 0 INQUIRY rc=$tur, or the move back failed"; fi ;;
      *) fail "after the restart: slot $SLOT '$a', slot $E '$b' (want $BC in $E)" ;;
    esac
  fi
fi

# A slow library: the MOVE MEDIUM waits 3 s on the clock. Meanwhile an INQUIRY to drive 0
# (another ring) and a TEST UNIT READY to the changer (the same ring, so completed out of
# order, before the MOVE) must come back at once.
begin tcmu-slow-move
if ! /bin/dash /suite/tcmu-setup.sh restart --config /suite/tcmu-slow.yaml; then fail "vtl-tcmu with tcmu-slow.yaml did not start"
else
  mtx_status
  t0=$(now)
  $BB timeout 60 $MTX -f "$CHG" transfer 1 3 > /tmp/slow-move 2>&1 &
  mpid=$!
  $BB sleep 0.5
  t1=$(now)
  /usr/bin/sg_inq "$TAPE0_SG" > /dev/null 2>&1; inq=$?
  /usr/bin/sg_turs "$CHG" > /dev/null 2>&1 || /usr/bin/sg_turs "$CHG" > /dev/null 2>&1; tur=$?
  t2=$(now)
  $BB kill -0 $mpid 2>/dev/null && during=1 || during=0
  wait $mpid; mrc=$?
  t3=$(now)
  mtx_status
  $BB sed 's/^/  | /' /tmp/slow-move
  side=$($BB awk -v a="$t1" -v b="$t2" 'BEGIN{printf "%.2f", b-a}')
  move=$($BB awk -v a="$t0" -v b="$t3" 'BEGIN{printf "%.2f", b-a}')
  s3=$(slot_line 3)
  if [ $mrc = 0 ] && [ $inq = 0 ] && [ $tur = 0 ] && [ $during = 1 ] && \
     $BB awk -v m="$move" 'BEGIN{exit !(m >= 3)}' && echo "$s3" | $BB grep -q 'VolumeTag=S00000L8'; then
    pass "MOVE MEDIUM 1->3 took ${move}s (move_ms 3000); during it drive 0 INQUIRY and changer TUR answered in ${side}s"
  else
    fail "move rc=$mrc in ${move}s, INQUIRY rc=$inq TUR rc=$tur in ${side}s, move still running then: $during; slot 3 '$s3'"
  fi
fi

begin tcmu-teardown
if /bin/dash /suite/tcmu-setup.sh down > $OUT 2>&1; then
  left=$($BB ls /dev/sch0 /dev/nst0 /dev/nst1 2>/dev/null)
  if [ -z "$left" ]; then pass "configfs emptied, vtl-tcmu stopped by SIGTERM, no UIO or SCSI device left"
  else fail "devices left: $left"; fi
else
  $BB sed 's/^/  | /' $OUT
  fail "$($BB tail -n 1 $OUT)"
fi
$BB tail -n 3 /tmp/vtl-tcmu.log | $BB sed 's/^/  | /'
