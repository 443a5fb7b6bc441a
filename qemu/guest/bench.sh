#!/bin/dash
# SPDX-License-Identifier: MIT
# bench.sh — measurements run by /init after suite.sh when BENCH=1 (qemu/run.sh --bench),
# or alone with FRONTEND=bench (qemu/run.sh --bench-only), on every front end the guest
# has: "iscsi" (vtld's LUNs through QEMU's virtio-scsi) and "tcmu" (vtl-tcmu's LUNs on
# the tcm_loop host). Reported as @@STEP lines (PASS with the numbers) and, for run.sh's
# `make bench` rows, one "@@BENCH key value" line per number:
#   bench-tur    sg_turs -n 1000 -t on the changer and on drive 0, three rounds that
#                alternate the front ends (so both see the same guest and host load);
#                the median of the three, in ms per command (tur-FE-changer, tur-FE-drive)
#   bench-write  dd of 64 MiB of random data to drive 0's /dev/nstN in 256 KiB blocks
#                (one WRITE(6) per block, variable block mode), a data cartridge loaded
#                for it; MB/s as dd reports it (write-FE)
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

# find_devs PROC_NAME: CHG, TAPE0_SG and TAPE0 on the SCSI hosts of that driver (drive 0:
# the tape with the lowest target id and LUN, as in suite.sh)
find_devs() {
  CHG= TAPE0_SG= TAPE0= T0KEY=
  for d in /sys/class/scsi_generic/sg*; do
    h=$($BB basename "$($BB readlink -f "$d/device")")
    [ "$($BB cat /sys/class/scsi_host/host${h%%:*}/proc_name 2>/dev/null)" = "$1" ] || continue
    t=$($BB cat $d/device/type 2>/dev/null)
    [ "$t" = 8 ] && CHG=/dev/${d##*/}
    if [ "$t" = 1 ]; then
      key=$(( $(echo $h | $BB cut -d: -f3) * 1000 + $(echo $h | $BB cut -d: -f4) ))
      if [ -z "$T0KEY" ] || [ $key -lt $T0KEY ]; then
        T0KEY=$key TAPE0_SG=/dev/${d##*/}
        for s in "$d"/device/scsi_tape/nst*; do case ${s##*/} in nst[0-9]|nst[0-9][0-9]) TAPE0=/dev/${s##*/} ;; esac; done
      fi
    fi
  done
  [ -n "$CHG" ] && [ -n "$TAPE0_SG" ] && [ -n "$TAPE0" ]
}
proc_of() { case $1 in tcmu) echo tcm_loopback ;; iscsi) echo virtio_scsi ;; esac; }

FES=
for fe in tcmu iscsi; do find_devs "$(proc_of $fe)" && FES="$FES $fe"; done
echo "@@INFO bench: front ends present:${FES:- none}"

tur_ms() {   # tur_ms SG: ms per TUR from sg_turs -n 1000 -t (the log goes to stderr)
  { run /usr/bin/sg_turs -n 1000 -t "$1" || run /usr/bin/sg_turs -n 1000 -t "$1"; } >&2
  $BB sed -n 's/.*; *\([0-9.]*\) operations\/sec.*/\1/p' $OUT | $BB awk '$1 > 0 {printf "%.4f", 1000/$1}'
}
median3() { printf '%s\n%s\n%s\n' "$1" "$2" "$3" | $BB sort -n | $BB sed -n 2p; }

begin bench-tur
detail= ok=1
for fe in $FES; do eval "c_$fe=; d_$fe="; done
for round in 1 2 3; do
  for fe in $FES; do
    find_devs "$(proc_of $fe)"
    c=$(tur_ms "$CHG") d=$(tur_ms "$TAPE0_SG")
    [ -n "$c" ] && [ -n "$d" ] || ok=0
    eval "c_$fe=\"\$c_$fe $c\"; d_$fe=\"\$d_$fe $d\""
  done
done
for fe in $FES; do
  eval "set -- \$c_$fe"; c=$(median3 "$1" "$2" "$3")
  eval "set -- \$d_$fe"; d=$(median3 "$1" "$2" "$3")
  echo "@@BENCH tur-$fe-changer $c"
  echo "@@BENCH tur-$fe-drive $d"
  eval "cl=\$c_$fe dl=\$d_$fe"
  detail="$detail $fe: changer $c ms, drive 0 $d ms (rounds:$cl /$dl);"
done
if [ $ok = 1 ] && [ -n "$FES" ]; then pass "sg_turs -n 1000 -t, 3 rounds:$detail"
else fail "sg_turs failed or no front end:$detail"; fi

begin bench-write
$BB dd if=/dev/urandom of=/tmp/rand bs=1M count=64 2>/dev/null
detail= ok=1
for fe in $FES; do
  find_devs "$(proc_of $fe)"
  $BB timeout 120 $MTX -f "$CHG" status > /tmp/bench-status 2>&1 || $BB timeout 120 $MTX -f "$CHG" status > /tmp/bench-status 2>&1
  S=$($BB grep -v IMPORT /tmp/bench-status | $BB sed -n 's/^ *Storage Element \([0-9]*\):Full :VolumeTag=\([A-Z0-9]*L[0-9]\).*/\1 \2/p' | $BB grep -v ' CLN' | $BB head -n 1)
  SLOT=${S% *}
  if [ -z "$S" ] || ! run $MTX -f "$CHG" load "$SLOT" 0; then ok=0; detail="$detail $fe: no data cartridge loaded;"; continue; fi
  i=0; while [ $i -lt 60 ] && ! $MT -f "$TAPE0" status 2>/dev/null | $BB grep -q ONLINE; do $BB sleep 1; i=$((i + 1)); done
  run $MT -f "$TAPE0" rewind
  if run /usr/bin/dd if=/tmp/rand of="$TAPE0" bs=256k; then
    rate=$($BB grep -o '[0-9.,]* [kMG]*B/s' $OUT | $BB tail -n 1)
    mbs=$(echo "$rate" | $BB tr , . | $BB awk '{v = $1; if ($2 == "kB/s") v /= 1000; if ($2 == "GB/s") v *= 1000; if ($2 == "B/s") v /= 1e6; printf "%.1f", v}')
    echo "@@BENCH write-$fe $mbs"
    detail="$detail $fe: $rate to $TAPE0;"
  else ok=0; detail="$detail $fe: dd rc=$RC $($BB tail -n 1 $OUT);"; fi
  run $MT -f "$TAPE0" rewind; run $MT -f "$TAPE0" offline; run $MTX -f "$CHG" unload "$SLOT" 0
done
$BB rm -f /tmp/rand
if [ $ok = 1 ] && [ -n "$FES" ]; then pass "dd 64 MiB in 256 KiB blocks:$detail"
else fail "$detail"; fi
