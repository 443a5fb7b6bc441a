#!/bin/dash
# SPDX-License-Identifier: MIT
# tcmu-steps.sh — the steps only the TCMU front end has, run by /init after suite.sh when
# FRONTEND=tcmu (same @@STEP lines):
#   tcmu-restart   a cartridge is moved, vtl-tcmu is killed with SIGKILL and a new one
#                  attaches to the same UIO devices with the LUNs left linked: the move
#                  is still there (state saved before the status went out), the changer
#                  answers TEST UNIT READY and drive 0 INQUIRY
#   tcmu-kill-write  a 96 MiB dd to drive 0 (after a 1 MiB file 0) is 0.5 s under way when
#                  vtl-tcmu is killed with SIGKILL and restarted: the cartridge is still
#                  in drive 0, file 0 reads back identical, file 1 holds exactly the
#                  first blocks of the data (at least every block dd was told was
#                  written, at most one more: the one in flight), and a new file written
#                  after it reads back identical
#   tcmu-lun-reset-drive  PREVENT MEDIUM REMOVAL on drive 0 makes its UNLOAD fail
#                  (05/53/02); sg_reset -d (LUN RESET through tcm_loop and LIO) reaches
#                  vtl-tcmu as a TMR notice, the drive drops the PREVENT, the UNLOAD works
#   tcmu-slow-move vtl-tcmu restarted on a library with a real clock and 3 s moves: a
#                  MOVE MEDIUM completes from the clock (pending), and commands sent
#                  during it (drive 0, and the changer's own ring) are answered at once
#   tcmu-lun-reset-move  sg_reset -d on the changer 0.5 s into a 3 s MOVE MEDIUM: the
#                  reset reaches the library, which stops the motion; the move ends at
#                  once and the cartridge is still in its source slot
#   tcmu-abort-task  a MOVE MEDIUM sent with a 1 s timeout (sg_raw -t 1): the kernel
#                  aborts it (ABORT TASK through tcm_loop and LIO), vtl-tcmu logs the TMR
#                  notice naming it; the motion runs to its end as on vtld's iSCSI path
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
# the first UNIT ATTENTION after a restart (a new I_T nexus) is reported once; after a LUN
# RESET two come (LIO's own, then the library's)
mtx_status() {
  for _ in 1 2 3; do $BB timeout 120 $MTX -f "$CHG" status > $STATUS 2>&1 && return 0; done
  return 1
}
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

# Kill mid-write. The restarted handler opens a new I_T nexus, so the WRITE left in the
# ring (or the next one) gets a UNIT ATTENTION: st marks the position unknown and dd
# fails, as with a drive that lost power. What was written must be on the tape, once.
begin tcmu-kill-write
MT=/usr/bin/mt-st
tape0() {   # drive 0's non-rewinding st device and its sg
  TAPE0= TAPE0_SG= key0=
  for d in /sys/class/scsi_generic/sg*; do
    [ "$($BB cat $d/device/type 2>/dev/null)" = 1 ] || continue
    h=$($BB basename "$($BB readlink -f "$d/device")")
    key=$(( $(echo $h | $BB cut -d: -f3) * 1000 + $(echo $h | $BB cut -d: -f4) ))
    [ -n "$key0" ] && [ $key -ge $key0 ] && continue
    key0=$key TAPE0_SG=/dev/${d##*/}
    for t in "$d"/device/scsi_tape/nst*; do case ${t##*/} in nst[0-9]|nst[0-9][0-9]) TAPE0=/dev/${t##*/} ;; esac; done
  done
}
tape0
mt_ok() { $MT -f "$TAPE0" "$@" > $OUT 2>&1 || $MT -f "$TAPE0" "$@" > $OUT 2>&1; }   # a UA once
size_of() { $BB stat -c %s "$1" 2>/dev/null || echo 0; }
BLK=262144
mtx_status
S=$($BB grep -v IMPORT $STATUS | $BB sed -n 's/^ *Storage Element \([0-9]*\):Full :VolumeTag=\([A-Z0-9]*L[0-9]\).*/\1 \2/p' | $BB grep -v ' CLN' | $BB head -n 1)
SLOT=${S% *} BC=${S#* }
$BB dd if=/dev/urandom of=/tmp/kw-a bs=1M count=1 2>/dev/null
$BB dd if=/dev/urandom of=/tmp/kw-b bs=1M count=96 2>/dev/null
$BB dd if=/dev/urandom of=/tmp/kw-c bs=1M count=1 2>/dev/null
why=
if [ -z "$S" ] || [ -z "$TAPE0" ]; then why="no data cartridge or no drive 0 (TAPE0=$TAPE0)"
elif ! run $MTX -f "$CHG" load "$SLOT" 0; then why="mtx load $SLOT 0 failed"
else
  i=0; while [ $i -lt 60 ] && ! $MT -f "$TAPE0" status 2>/dev/null | $BB grep -q ONLINE; do $BB sleep 1; i=$((i + 1)); done
  if ! mt_ok rewind || ! run /usr/bin/dd if=/tmp/kw-a of="$TAPE0" bs=256k; then why="file 0 not written"
  else
    /usr/bin/dd if=/tmp/kw-b of="$TAPE0" bs=256k > /tmp/kw-dd 2>&1 &
    ddpid=$!
    $BB sleep 0.5   # about a fifth of the way at the 40 MB/s this path writes
    $BB kill -0 $ddpid 2>/dev/null && running=1 || running=0
    old=$($BB cat /run/vtl-tcmu.pid)
    /bin/dash /suite/tcmu-setup.sh restart $CFG; rrc=$?
    new=$($BB cat /run/vtl-tcmu.pid)
    wait $ddpid; ddrc=$?
    $BB sed 's/^/  | dd: /' /tmp/kw-dd
    # the new handler put drive 0 back where the old one left it
    back=$($BB grep 'drive 0: .* back at partition' /tmp/vtl-tcmu.log | $BB tail -n 1)
    echo "  | $back"
    told=$($BB sed -n 's/^\([0-9]*\)+[0-9]* records out.*/\1/p' /tmp/kw-dd)
    if [ $running = 0 ]; then why="dd had finished before the kill: nothing was in flight"
    elif [ $rrc != 0 ]; then why="vtl-tcmu did not come back"
    else
      mtx_status
      dline=$($BB grep 'Data Transfer Element 0:' $STATUS)
      mt_ok status; $BB sed 's/^/  | /' $OUT | $BB head -n 12
      online=$($BB grep -c ONLINE $OUT)
      mt_ok rewind
      /usr/bin/dd if="$TAPE0" of=/tmp/kw-a.back bs=256k > /tmp/kw-rd 2>&1
      /usr/bin/dd if="$TAPE0" of=/tmp/kw-b.back bs=256k > /tmp/kw-rd2 2>&1
      $BB sed 's/^/  | read: /' /tmp/kw-rd /tmp/kw-rd2
      n=$(size_of /tmp/kw-b.back)
      blocks=$((n / BLK))
      if ! echo "$back" | $BB grep -q "$BC back at .*: done"; then why="the new handler did not put drive 0 back: '$back'"
      elif ! echo "$dline" | $BB grep -q "VolumeTag *= *$BC"; then why="after the restart drive 0 is '$dline', not $BC"
      elif [ "$online" = 0 ]; then why="after the restart mt status is not ONLINE"
      elif ! /usr/bin/cmp /tmp/kw-a /tmp/kw-a.back; then why="file 0 differs after the restart"
      elif [ $((n % BLK)) != 0 ] || [ $n = 0 ]; then why="file 1 holds $n bytes, not whole 256 KiB blocks"
      elif ! /usr/bin/cmp -n $n /tmp/kw-b /tmp/kw-b.back; then why="file 1's $blocks blocks are not the first $blocks blocks written"
      # st may have acknowledged one block it was still writing (asynchronous writes), and
      # the one in flight at the kill may have reached the tape without its status
      elif [ -z "$told" ] || [ $blocks -lt $((told - 1)) ] || [ $blocks -gt $((told + 1)) ]; then why="file 1 has $blocks blocks, dd was told $told were written"
      elif ! mt_ok eod || ! mt_ok status; then why="mt eod after the restart failed"
      else
        # st closed file 1 with a filemark if it could; if not, EOD is inside file 1
        eod_file=$($BB sed -n 's/^File number=\([0-9]*\), block number=\([0-9]*\).*/\1 \2/p' $OUT)
        nf=${eod_file% *}
        [ "${eod_file#* }" = 0 ] || { mt_ok weof 1; nf=$((nf + 1)); }
        if ! run /usr/bin/dd if=/tmp/kw-c of="$TAPE0" bs=256k; then why="a new file after the restart could not be written"
        elif ! mt_ok rewind || ! mt_ok fsf "$nf" || ! /usr/bin/dd if="$TAPE0" of=/tmp/kw-c.back bs=256k 2>/dev/null || ! /usr/bin/cmp /tmp/kw-c /tmp/kw-c.back; then why="the new file $nf does not read back identical"
        fi
      fi
    fi
  fi
  mt_ok rewind
fi
if [ -z "$why" ]; then
  pass "SIGKILL pid $old 0.5 s into a 96 MiB dd (dd rc=$ddrc, told $told blocks written), new pid $new put drive 0 back (${back#*back at }): $BC still in drive 0, file 0 identical, file 1 = the first $blocks blocks of the data, a new file $nf written and read back"
else fail "$why"; fi
$BB rm -f /tmp/kw-*

# LUN RESET on drive 0 (still loaded): PREVENT makes UNLOAD fail until the reset, which
# only vtl-tcmu can undo (LIO passes PREVENT ALLOW MEDIUM REMOVAL through).
begin tcmu-lun-reset-drive
tur_uas() {   # TURs until one is GOOD; prints the additional sense of each one before
  k=0 seen=
  while [ $k -lt 5 ]; do
    /usr/bin/sg_turs -v "$1" > /tmp/tur-ua 2>&1 && break
    seen="$seen[$($BB sed -n 's/^ *Additional sense: //p' /tmp/tur-ua | $BB head -n 1)]"
    k=$((k + 1))
  done
  echo "$k ${seen:-none}"
}
unload_raw() { /usr/bin/sg_raw "$TAPE0_SG" 1b 00 00 00 00 00 > $OUT 2>&1; }   # LOAD UNLOAD, LOAD=0
resets_before=$($BB grep -c 'LUN 1: LUN RESET' /tmp/vtl-tcmu.log)
tur_uas "$TAPE0_SG" > /dev/null
if [ -z "$TAPE0_SG" ]; then fail "no drive 0"
elif ! run /usr/bin/sg_prevent --prevent=1 "$TAPE0_SG"; then fail "PREVENT MEDIUM REMOVAL on drive 0 failed"
elif unload_raw; then fail "UNLOAD worked under PREVENT: nothing to prove"
elif ! $BB grep -qi 'removal prevented' $OUT; then fail "UNLOAD under PREVENT: $($BB tr '\n' ' ' < $OUT)"
elif ! run /usr/bin/sg_reset -d "$TAPE0_SG"; then fail "sg_reset -d rc=$RC"
else
  uas=$(tur_uas "$TAPE0_SG")
  logged=$(( $($BB grep -c 'LUN 1: LUN RESET' /tmp/vtl-tcmu.log) - resets_before ))
  if unload_raw; then ul=0; else ul=1; $BB sed 's/^/  | /' $OUT; fi
  $BB grep 'LUN 1: LUN RESET' /tmp/vtl-tcmu.log | $BB tail -n 1 | $BB sed 's/^/  | /'
  if [ $ul = 0 ] && [ $logged -ge 1 ]; then
    pass "UNLOAD refused under PREVENT (53/02); after sg_reset -d vtl-tcmu logged the LUN RESET; TURs until GOOD: $uas; UNLOAD GOOD"
  else fail "after sg_reset -d: UNLOAD rc=$ul, LUN RESET notices logged: $logged, TURs until GOOD: $uas"; fi
fi
$BB timeout 120 $MTX -f "$CHG" unload "$SLOT" 0 > /dev/null 2>&1 || $BB timeout 120 $MTX -f "$CHG" unload "$SLOT" 0 > /dev/null 2>&1

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

# LUN RESET on the changer during a 3 s move (S00000L8 is in slot 3 now): the library's
# reset stops the motion, so the command comes back at once and the cartridge stays home.
begin tcmu-lun-reset-move
resets_before=$($BB grep -c 'LUN 0: LUN RESET' /tmp/vtl-tcmu.log)
mtx_status
t0=$(now)
$BB timeout 60 $MTX -f "$CHG" transfer 3 1 > /tmp/reset-move 2>&1 &
mpid=$!
$BB sleep 0.5
/usr/bin/sg_reset -d "$CHG" > $OUT 2>&1; rrc=$?
wait $mpid; mrc=$?
t1=$(now)
$BB sed 's/^/  | /' /tmp/reset-move $OUT
took=$($BB awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}')
logged=$(( $($BB grep -c 'LUN 0: LUN RESET' /tmp/vtl-tcmu.log) - resets_before ))
$BB grep 'LUN 0: LUN RESET' /tmp/vtl-tcmu.log | $BB tail -n 1 | $BB sed 's/^/  | /'
mtx_status
s1=$(slot_line 1) s3=$(slot_line 3)
if [ $rrc = 0 ] && [ $logged -ge 1 ] && $BB awk -v t="$took" 'BEGIN{exit !(t < 2.5)}' && \
   echo "$s3" | $BB grep -q 'VolumeTag=S00000L8' && echo "$s1" | $BB grep -q Empty; then
  pass "sg_reset -d 0.5 s into a 3 s move: vtl-tcmu logged the LUN RESET, mtx returned after ${took}s (rc=$mrc), S00000L8 still in its source slot 3"
else
  fail "sg_reset rc=$rrc, LUN RESET notices logged: $logged, mtx rc=$mrc after ${took}s; slot 1 '$s1', slot 3 '$s3'"
fi

# ABORT TASK: the SCSI midlayer aborts a command that outlives its timeout. MOVE MEDIUM
# transport 1, slot 3 (1027) -> slot 1 (1025) with a 1 s timeout on a 3 s motion.
begin tcmu-abort-task
aborts_before=$($BB grep -c 'LUN 0: ABORT TASK' /tmp/vtl-tcmu.log)
mtx_status
t0=$(now)
/usr/bin/sg_raw -t 1 "$CHG" a5 00 00 01 04 03 04 01 00 00 00 00 > $OUT 2>&1; arc=$?
t1=$(now)
$BB sed 's/^/  | /' $OUT
took=$($BB awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}')
$BB sleep 0.5
logged=$(( $($BB grep -c 'LUN 0: ABORT TASK' /tmp/vtl-tcmu.log) - aborts_before ))
$BB grep 'LUN 0: ABORT TASK\|aborted command' /tmp/vtl-tcmu.log | $BB tail -n 2 | $BB sed 's/^/  | /'
named=$($BB grep 'LUN 0: ABORT TASK' /tmp/vtl-tcmu.log | $BB tail -n 1 | $BB grep -c '(1 waiting here)')
mtx_status
s1=$(slot_line 1)
{ run /usr/bin/sg_turs "$CHG" || run /usr/bin/sg_turs "$CHG"; }; tur=$RC
if [ $arc != 0 ] && [ $logged -ge 1 ] && [ "$named" = 1 ] && [ $tur = 0 ] && echo "$s1" | $BB grep -q 'VolumeTag=S00000L8'; then
  pass "sg_raw -t 1 MOVE MEDIUM: aborted after ${took}s (rc=$arc), vtl-tcmu logged the ABORT TASK naming the waiting MOVE, the motion ran to its end (S00000L8 in slot 1), TUR GOOD"
else
  fail "sg_raw rc=$arc after ${took}s, ABORT TASK notices logged: $logged (naming a waiting command: $named), TUR rc=$tur, slot 1 '$s1'"
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
