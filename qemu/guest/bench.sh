#!/bin/dash
# SPDX-License-Identifier: MIT
# bench.sh — measurements run by /init after suite.sh when BENCH=1 (qemu/run.sh --bench),
# on whichever front end the guest uses; reported as @@STEP lines (PASS with the numbers):
#   bench-tur    sg_turs -n 1000 -t on the changer and on drive 0: command round trips
#   bench-write  dd of 32 MiB of random data to /dev/nst0 in 256 KiB blocks (one WRITE(6)
#                per block, variable block mode), a data cartridge loaded for it
. /etc/suite.conf
BB=/bin/busybox
MTX=/usr/sbin/mtx
MT=/usr/bin/mt-st
OUT=/tmp/out
now() { $BB cut -d' ' -f1 /proc/uptime; }
begin() { STEP=$1 STEP_T0=$(now); echo "@@BEGIN $STEP"; }
elapsed() { $BB awk -v a="$STEP_T0" -v b="$(now)" 'BEGIN{printf "%.2f", b-a}'; }
pass() { echo "@@STEP $STEP PASS $* ($(elapsed)s)"; }
fail() { echo "@@STEP $STEP FAIL $* ($(elapsed)s)"; }
run() { echo "  + $*"; $BB timeout 300 "$@" > $OUT 2>&1 < /dev/null; RC=$?; $BB sed 's/^/  | /' $OUT | $BB head -n 60; [ $RC -eq 0 ]; }

CHG= TAPE0_SG= TAPE0= T0KEY=
for d in /sys/class/scsi_generic/sg*; do
  t=$($BB cat $d/device/type 2>/dev/null)
  [ "$t" = 8 ] && CHG=/dev/${d##*/}
  if [ "$t" = 1 ]; then
    h=$($BB basename "$($BB readlink -f "$d/device")")
    key=$(( $(echo $h | $BB cut -d: -f3) * 1000 + $(echo $h | $BB cut -d: -f4) ))
    if [ -z "$T0KEY" ] || [ $key -lt $T0KEY ]; then
      T0KEY=$key TAPE0_SG=/dev/${d##*/}
      for s in "$d"/device/scsi_tape/nst*; do case ${s##*/} in nst[0-9]|nst[0-9][0-9]) TAPE0=/dev/${s##*/} ;; esac; done
    fi
  fi
done

tur_rate() {   # tur_rate SG: "N/s (M ms)" from sg_turs -t (the log goes to stderr)
  { run /usr/bin/sg_turs -n 1000 -t "$1" || run /usr/bin/sg_turs -n 1000 -t "$1"; } >&2
  $BB sed -n 's/.*; *\([0-9.]*\) operations\/sec.*/\1/p' $OUT | $BB awk '{printf "%.0f/s (%.3f ms)", $1, 1000/$1}'
}
begin bench-tur
c=$(tur_rate "$CHG") d=$(tur_rate "$TAPE0_SG")
if [ -n "$c" ] && [ -n "$d" ]; then pass "sg_turs -n 1000: changer $c, drive 0 $d"
else fail "sg_turs: changer '$c' drive 0 '$d'"; fi

begin bench-write
$BB timeout 120 $MTX -f "$CHG" status > /tmp/bench-status 2>&1 || $BB timeout 120 $MTX -f "$CHG" status > /tmp/bench-status 2>&1
S=$($BB grep -v IMPORT /tmp/bench-status | $BB sed -n 's/^ *Storage Element \([0-9]*\):Full :VolumeTag=\([A-Z0-9]*L[0-9]\).*/\1 \2/p' | $BB grep -v ' CLN' | $BB head -n 1)
SLOT=${S% *}
$BB dd if=/dev/urandom of=/tmp/rand bs=1M count=32 2>/dev/null
if [ -z "$S" ] || ! run $MTX -f "$CHG" load "$SLOT" 0; then fail "no data cartridge loaded"
else
  i=0; while [ $i -lt 60 ] && ! $MT -f "$TAPE0" status 2>/dev/null | $BB grep -q ONLINE; do $BB sleep 1; i=$((i + 1)); done
  run $MT -f "$TAPE0" rewind
  if run /usr/bin/dd if=/tmp/rand of="$TAPE0" bs=256k; then
    rate=$($BB grep -o '[0-9.,]* [kMG]*B/s' $OUT | $BB tail -n 1)
    pass "dd 32 MiB in 256 KiB blocks to $TAPE0: $rate"
  else fail "dd rc=$RC: $($BB tail -n 1 $OUT)"; fi
  run $MT -f "$TAPE0" rewind; run $MT -f "$TAPE0" offline; run $MTX -f "$CHG" unload "$SLOT" 0
fi
$BB rm -f /tmp/rand
