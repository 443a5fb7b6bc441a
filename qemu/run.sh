#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# qemu/run.sh — runs the real-client suite: a Debian kernel booted under QEMU (TCG) with
# a tape library attached over iSCSI, driven by the Linux st/ch/sg drivers, mtx, mt-st,
# GNU tar, sg3_utils and Bacula's btape (qemu/guest/suite.sh).
#
#   1. builds (or reuses) the guest: qemu/build-guest.sh -> build/qemu/
#   2. starts the target on 127.0.0.1, on a free port:
#        vtld (default): build/bin/vtld with a fresh state directory; LUN 0 changer,
#                        LUN 1 and 2 drives; expectations from `vtlctl --json status`
#        tgt:            Debian's tgtd as a comparison peer with the same layout as the
#                        default library (LUN 0 is tgt's controller: changer on LUN 3)
#   3. boots QEMU with the changer and the drives as scsi-generic devices (scsi-id 0, 1,
#      2) through QEMU's libiscsi driver, io_timeout raised
#   4. follows the serial console: "@@STEP name PASS|FAIL|SKIP detail" lines are printed
#      as they come, then "qemu: N passed, M failed"; serves the guest's operator
#      requests (vtlctl dirty / inject) on a second serial port
#   5. stops everything it started (trap EXIT), also on failure or Ctrl-C
#
# By default (make test-qemu) the suite runs twice against vtld's library, one guest
# each: over iSCSI, then through TCMU, and the two are reported side by side in
# $B/qemu/results-both.md (B: the build directory, default build).
#
# With --frontend tcmu the library is served inside the guest instead: vtl-tcmu (a static
# build in the initramfs) answers LIO TCMU backstores that tcm_loop exports as SCSI
# target 1, LUN 0 the changer and LUN 1..N the drives (qemu/guest/tcmu-setup.sh). The host
# starts vtld only to read the library's expectations (`vtlctl --json status`), then stops
# it; the operator actions go to vtl-tcmu's control socket inside the guest. After the
# suite come the TCMU steps of qemu/guest/tcmu-steps.sh: restarts after SIGKILL (one
# mid-write), LUN RESET and ABORT TASK reaching the library, teardown.
#
# Usage: qemu/run.sh [--target vtld|tgt] [--frontend both|iscsi|tcmu] [--config FILE.yaml]
#                    [--keep] [--only "STEPS"] [--timeout SECS] [--rebuild]
#                    [--bacula-offline] [--bench] [--bench-only [--rows FILE]]
#                    [--junit FILE] [--verbose]
#   --frontend both (default with vtld): one run over iSCSI, then one through TCMU, and
#              the side-by-side table; iscsi (default with tgt): QEMU's iSCSI driver to
#              the target on the host; tcmu: vtl-tcmu inside the guest through LIO
#              TCMU + tcm_loop (vtld only)
#   --bench    after the suite, measure TUR round trips (sg_turs -n 1000 -t) and 256 KiB
#              writes to /dev/nst0 (qemu/guest/bench.sh)
#   --bench-only  no suite: one guest with both front ends at once (vtld's LUNs over
#              iSCSI and vtl-tcmu's through TCMU) runs only bench.sh, so the two paths
#              are measured in the same guest run; --rows FILE appends them as
#              `make bench` rows (bench/run.sh does this)
#   --config   a vtld library configuration (default: vtld's default library)
#   --keep     keep the console log, target log and config in build/qemu/logs/ (they are
#              also kept when the suite fails)
#   --only     run only these suite steps (space separated; the others are SKIP)
#   --verbose  print the whole guest console, not only the step lines
#   --bacula-offline  run Bacula's mtx-changer with offline=1 ("mt offline" before every
#              unload) instead of its shipped offline=0
#   --rebuild  rebuild the guest even when its inputs did not change
#   --junit    also write the steps as a JUnit XML report to FILE
# env: B (build directory, default build), VTLD (default $B/bin/vtld), VTLCTL
#      ($B/bin/vtlctl), QEMU_MEM (512M; 1536M when vtl-tcmu runs in the guest)
# Exit status: 0 when every step passed, 1 when one failed or the guest did not finish,
# 2 on bad usage or missing prerequisites.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
BUILD=$TOP/${B:-build}
ORIG_ARGS=("$@")
TARGET=vtld KEEP=0 ONLY='' TMO=900 REBUILD=0 VERBOSE=0 CONFIG='' BACULA_OFFLINE=0 JUNIT=''
FRONTEND='' BENCH=0 BENCH_ONLY=0 ROWS='' STEPS_OUT=''
while [ $# -gt 0 ]; do
  case $1 in
    --target) TARGET=$2; shift ;;
    --target=*) TARGET=${1#*=} ;;
    --config) CONFIG=$(realpath "$2"); shift ;;
    --frontend) FRONTEND=$2; shift ;;
    --frontend=*) FRONTEND=${1#*=} ;;
    --bench) BENCH=1 ;;
    --bench-only) BENCH_ONLY=1 ;;
    --rows) ROWS=$(realpath -m "$2"); shift ;;
    --steps-out) STEPS_OUT=$(realpath -m "$2"); shift ;;   # internal: --frontend both
    --keep) KEEP=1 ;;
    --only) ONLY=$2; shift ;;
    --timeout) TMO=$2; shift ;;
    --rebuild) REBUILD=1 ;;
    --bacula-offline) BACULA_OFFLINE=1 ;;
    --junit) JUNIT=$(realpath -m "$2"); shift ;;
    --verbose|-v) VERBOSE=1 ;;
    -h|--help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 0 ;;
    *) echo "qemu/run.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
case $TARGET in vtld|tgt) ;; *) echo "qemu/run.sh: --target vtld|tgt" >&2; exit 2 ;; esac
if [ -z "$FRONTEND" ]; then
  if [ $TARGET = vtld ]; then FRONTEND=both; else FRONTEND=iscsi; fi
fi
case $FRONTEND in both|iscsi|tcmu) ;; *) echo "qemu/run.sh: --frontend both|iscsi|tcmu" >&2; exit 2 ;; esac
[ $FRONTEND != iscsi ] && [ $TARGET != vtld ] && { echo "qemu/run.sh: --frontend $FRONTEND serves vtld's library only" >&2; exit 2; }
[ -n "$ROWS" ] && [ $BENCH_ONLY = 0 ] && { echo "qemu/run.sh: --rows goes with --bench-only" >&2; exit 2; }
if [ $BENCH_ONLY = 1 ]; then
  [ $TARGET = vtld ] || { echo "qemu/run.sh: --bench-only measures vtld's library" >&2; exit 2; }
  # one guest, both front ends at once: "bench" below
  FRONTEND=bench BENCH=1
fi

# ---- both front ends: this script once per front end, then the side-by-side table --------
if [ $FRONTEND = both ]; then
  mkdir -p "$BUILD/qemu"
  BOTH=$(mktemp -d "$BUILD/qemu/both.XXXXXX")
  trap 'rm -rf "$BOTH"' EXIT
  rc=0
  for f in iscsi tcmu; do
    args=("${ORIG_ARGS[@]}" --frontend $f --steps-out "$BOTH/steps-$f")
    [ -n "$JUNIT" ] && args+=(--junit "$BOTH/junit-$f.xml")
    echo "qemu: ---- front end $f ----"
    "$0" "${args[@]}" || rc=1
    [ -s "$BOTH/steps-$f" ] || echo "guest-finished FAIL no step reported" > "$BOTH/steps-$f"
  done
  TABLE=$BUILD/qemu/results-both.md
  # one row per step in first-seen order; a cell is the result and its detail, clipped
  awk -F'\t' -v when="$(date -u '+%Y-%m-%d %H:%M UTC')" -v cmd="qemu/run.sh ${ORIG_ARGS[*]}" '
    function cell(s) { gsub(/\|/, "\\|", s); if (length(s) > 240) s = substr(s, 1, 237) "..."; return s }
    FNR == 1 { col++ }
    { if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 }
      r[$1, col] = "**" $2 "**" ($3 != "" ? " " cell($3) : "")
      if ($2 == "PASS") p[col]++; else if ($2 == "FAIL") f[col]++; else s[col]++ }
    END {
      printf "Run of %s, `%s`: the same suite in two guests, one per front end.\n\n", when, cmd
      print "| step | vtld over iSCSI (QEMU libiscsi) | vtld'"'"'s library through LIO TCMU (vtl-tcmu in the guest) |"
      print "|---|---|---|"
      for (i = 1; i <= n; i++) {
        a = r[order[i], 1]; b = r[order[i], 2]
        printf "| %s | %s | %s |\n", order[i], a == "" ? "-" : a, b == "" ? "-" : b
      }
      printf "| **total** | %d passed, %d failed, %d skipped | %d passed, %d failed, %d skipped |\n", p[1], f[1], s[1], p[2], f[2], s[2]
    }' "$BOTH/steps-iscsi" "$BOTH/steps-tcmu" > "$TABLE"
  echo "qemu: side by side: ${TABLE#$TOP/}"
  if [ -n "$JUNIT" ]; then
    mkdir -p "$(dirname "$JUNIT")"
    { echo '<?xml version="1.0" encoding="UTF-8"?>'; echo '<testsuites>'
      for f in iscsi tcmu; do
        [ -s "$BOTH/junit-$f.xml" ] && sed -n 's#^<testsuites>##; s#</testsuites>$##; /^<?xml/d; /./p' "$BOTH/junit-$f.xml"
      done
      echo '</testsuites>'; } > "$JUNIT"
    echo "qemu: JUnit report: $JUNIT"
  fi
  tail -n 1 "$TABLE" | awk -F'|' '{ print "qemu: iSCSI:" $3 "; TCMU:" $4 }'
  P=$(cat "$BOTH"/steps-* | awk -F'\t' '$2 == "PASS"' | wc -l)
  F=$(cat "$BOTH"/steps-* | awk -F'\t' '$2 == "FAIL"' | wc -l)
  echo "qemu: $P passed, $F failed"
  exit $rc
fi

VTLD=${VTLD:-$BUILD/bin/vtld}
VTLCTL=${VTLCTL:-$BUILD/bin/vtlctl}
VTL_TCMU=$BUILD/bin/vtl-tcmu
# Through TCMU the library, its tape images included, lives inside the guest, in RAM:
# btape's test writes a few hundred MB, stored as sent (compress_images is off).
case $FRONTEND in tcmu|bench) MEM=${QEMU_MEM:-1536M} ;; *) MEM=${QEMU_MEM:-512M} ;; esac
T_START=$EPOCHREALTIME

say() { echo "qemu: $*"; }
die() { echo "qemu/run.sh: $*" >&2; exit 2; }
secs_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}'; }

# ---- prerequisites ------------------------------------------------------------------
for c in qemu-system-x86_64 iscsi-ls cpio gzip jq; do
  command -v $c >/dev/null || die "$c not found: run qemu/install-deps.sh (as root)"
done
if [ $TARGET = tgt ]; then
  for c in tgtd tgtadm tgtimg; do command -v $c >/dev/null || die "$c not found: run qemu/install-deps.sh"; done
else
  [ -x "$VTLD" ] || die "$VTLD not built (make), or run with --target tgt"
  [ -x "$VTLCTL" ] || die "$VTLCTL not built (make)"
fi
[ -n "$CONFIG" ] && [ $TARGET = tgt ] && die "--config is for --target vtld"
[ $FRONTEND != iscsi ] && { [ -x "$VTL_TCMU" ] || die "$VTL_TCMU not built (make)"; }
# logs and work directories are named after what served the suite
RUN_NAME=$TARGET
[ $FRONTEND != iscsi ] && RUN_NAME=$FRONTEND

# ---- guest ----------------------------------------------------------------------------
BG_ARGS=()
[ $REBUILD = 1 ] && BG_ARGS+=(--force)
mapfile -t GUEST < <(B=${B:-build} "$HERE/build-guest.sh" "${BG_ARGS[@]}")
KERNEL=${GUEST[0]} INITRD=${GUEST[1]}
[ -s "$KERNEL" ] && [ -s "$INITRD" ] || die "guest build failed"

# ---- work directory, cleanup ------------------------------------------------------------
mkdir -p "$BUILD/qemu/logs"
WORK=$(mktemp -d "$BUILD/qemu/run-$RUN_NAME.XXXXXX")
QPID='' TGTD_PID='' TGT_CTL='' VTLD_PID='' AGENT_PID='' WATCH_PID='' RESULT=1
cleanup() {
  local rc=$?
  set +e
  if [ -n "$QPID" ] && kill -0 "$QPID" 2>/dev/null; then
    # QPID is timeout(1), which passes SIGTERM on to QEMU; SIGKILL goes to both
    kill -TERM "$QPID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$QPID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$QPID" 2>/dev/null; then
      for p in $(pgrep -P "$QPID"); do kill -KILL "$p" 2>/dev/null; done
      kill -KILL "$QPID" 2>/dev/null
    fi
  fi
  [ -n "$QPID" ] && wait "$QPID" 2>/dev/null
  if [ -n "$WATCH_PID" ]; then kill -TERM "$WATCH_PID" 2>/dev/null; wait "$WATCH_PID" 2>/dev/null; fi
  if [ -n "$AGENT_PID" ]; then kill -TERM "$AGENT_PID" 2>/dev/null; wait "$AGENT_PID" 2>/dev/null; fi
  if [ -n "$TGTD_PID" ]; then
    # tgtd ignores SIGTERM: delete the target, then the system; SIGKILL as a last resort
    tgtadm -C "$TGT_CTL" --lld iscsi --mode target --op delete --force --tid 1 >/dev/null 2>&1
    tgtadm -C "$TGT_CTL" --op delete --mode system >/dev/null 2>&1
    for _ in $(seq 30); do
      st=$(ps -o stat= -p "$TGTD_PID" 2>/dev/null | tr -d ' ')
      case $st in ''|Z*) break ;; esac
      sleep 0.1
    done
    kill -KILL "$TGTD_PID" 2>/dev/null
    wait "$TGTD_PID" 2>/dev/null
    rm -f "/var/run/tgtd/socket.$TGT_CTL" "/var/run/tgtd/socket.$TGT_CTL.lock"
  fi
  if [ -n "$VTLD_PID" ]; then
    kill -TERM "$VTLD_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$VTLD_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$VTLD_PID" 2>/dev/null
    wait "$VTLD_PID" 2>/dev/null
  fi
  if [ $KEEP = 1 ] || [ $RESULT != 0 ]; then
    local dest
    dest="$BUILD/qemu/logs/$RUN_NAME-$(date -u +%Y%m%dT%H%M%SZ)"
    mkdir -p "$dest"
    cp "$WORK"/*.log "$WORK"/suite.conf "$dest/" 2>/dev/null
    [ -n "$CONFIG" ] && cp "$CONFIG" "$dest/" 2>/dev/null
    echo "qemu: logs in ${dest#$TOP/}"
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# a free TCP port on 127.0.0.1 (for tgtd, which cannot pick one itself)
free_port() {
  local p used
  used=$(ss -Htan 2>/dev/null | awk '{print $4}' | sed 's/.*://' | sort -u)
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 40000))
    grep -qx "$p" <<<"$used" || { echo $p; return 0; }
  done
  return 1
}

# ---- targets ----------------------------------------------------------------------------
# Each sets PORT IQN LUN_CHG LUN_D0 LUN_D1 and the expectations written to suite.conf.
EXPECT_DTE='' EXPECT_STORAGE='' EXPECT_IE='' EXPECT_BARCODES='' CLEANER=''

start_tgt() {
  local T d a b i
  TGT_CTL=$((1000 + RANDOM % 30000))
  PORT=$(free_port)
  IQN=iqn.2026-11.org.openrsm:tgt-peer
  LUN_CHG=3 LUN_D0=1 LUN_D1=2
  local V=$WORK/vtl
  mkdir -p "$V"
  T="tgtadm -C $TGT_CTL --lld iscsi"
  # the default library's layout: 24 slots (A00000L8..A00019L8 in 1-20, CLN000L1 in 21),
  # 2 mail slots, 2 drives. Cartridges are files named as their barcode, thin 2 GiB (btape
  # test writes about 1.3 GB).
  dd if=/dev/zero of="$V/smc" bs=1k count=1 2>/dev/null
  for d in 1 2; do
    tgtimg --op new --device-type tape --barcode="" --size 1 --type clean --file "$V/notape$d" >/dev/null
  done
  local bcs=()
  for i in $(seq 0 19); do bcs+=("$(printf 'A%05dL8' "$i")"); done
  for b in "${bcs[@]}"; do
    tgtimg --op new --device-type tape --barcode="$b" --size 2048 --type data --file "$V/$b" \
      --thin-provisioning >/dev/null
  done
  tgtimg --op new --device-type tape --barcode=CLN000L1 --size 1 --type clean --file "$V/CLN000L1" >/dev/null

  tgtd -f -C "$TGT_CTL" --iscsi portal=127.0.0.1:$PORT > "$WORK/target.log" 2>&1 &
  TGTD_PID=$!
  for _ in $(seq 50); do $T --mode target --op show >/dev/null 2>&1 && break; sleep 0.1; done
  $T --mode target --op show >/dev/null 2>&1 || { cat "$WORK/target.log" >&2; die "tgtd did not start"; }
  $T --op new --mode target --tid 1 -T $IQN
  for d in 1 2; do
    $T --mode logicalunit --op new --tid 1 --lun $d -b "$V/notape$d" --device-type tape
    $T --mode logicalunit --op update --tid 1 --lun $d \
      --params vendor_id=IBM,product_id=ULT3580-TD8,product_rev=N9M1,scsi_sn=10WT00000$d,removable=1
    $T --mode logicalunit --op update --tid 1 --lun $d --params online=0
  done
  local U="$T --mode logicalunit --op update --tid 1 --lun $LUN_CHG --params"
  $T --mode logicalunit --op new --tid 1 --lun $LUN_CHG -b "$V/smc" --device-type changer
  $U vendor_id=IBM,product_id=3555L3A,product_rev=1060,scsi_sn=00L4U78A0001,removable=1
  $U media_home="$V"
  $U element_type=1,start_address=1,quantity=1
  $U element_type=2,start_address=1025,quantity=24
  $U element_type=3,start_address=769,quantity=2
  $U element_type=4,start_address=257,quantity=2
  $U element_type=4,address=257,tid=1,lun=1
  $U element_type=4,address=258,tid=1,lun=2
  a=1025
  for b in "${bcs[@]}"; do $U element_type=2,address=$a,barcode=$b,sides=1; a=$((a + 1)); done
  $U element_type=2,address=1045,barcode=CLN000L1,sides=1
  $T --op bind --mode target --tid 1 -I ALL
  EXPECT_DTE=2 EXPECT_STORAGE=24 EXPECT_IE=2 EXPECT_BARCODES="${bcs[*]} CLN000L1" CLEANER=CLN000L1
}

start_vtld() {
  local args=(--state-dir "$WORK/state" --listen 127.0.0.1:0 --port-file "$WORK/port"
              --control "$WORK/ctl.sock")
  [ -n "$CONFIG" ] && args+=(--config "$CONFIG")
  mkdir -p "$WORK/state"
  "$VTLD" "${args[@]}" > "$WORK/target.log" 2>&1 &
  VTLD_PID=$!
  for _ in $(seq 100); do [ -s "$WORK/port" ] && break; kill -0 $VTLD_PID 2>/dev/null || break; sleep 0.1; done
  [ -s "$WORK/port" ] || { cat "$WORK/target.log" >&2; die "vtld did not write its port file"; }
  PORT=$(tr -dc 0-9 < "$WORK/port")
  local st
  st=$("$VTLCTL" --control "$WORK/ctl.sock" --json status) || die "vtlctl status failed"
  echo "$st" > "$WORK/vtl-status.json"
  local L='.libraries[0]'
  IQN=iqn.2026-11.org.openrsm:$(jq -r "$L.name" <<<"$st")
  LUN_CHG=0 LUN_D0=1 LUN_D1=2
  EXPECT_DTE=$(jq "[$L.elements[] | select(.type==\"drive\")] | length" <<<"$st")
  EXPECT_STORAGE=$(jq "[$L.elements[] | select(.type==\"slot\")] | length" <<<"$st")
  EXPECT_IE=$(jq "[$L.elements[] | select(.type==\"mailslot\")] | length" <<<"$st")
  EXPECT_BARCODES=$(jq -r "[$L.elements[] | select(.full and .barcode != null) | .barcode] | join(\" \")" <<<"$st")
  CLEANER=$(jq -r "[$L.elements[] | select(.type==\"slot\" and .cleaning_uses_left != null) | .barcode][0] // \"\"" <<<"$st")
}

T_TARGET=$EPOCHREALTIME
start_$TARGET
# the target must answer an iSCSI discovery and report the three LUNs
iscsi-ls -s "iscsi://127.0.0.1:$PORT" > "$WORK/iscsi-ls.log" 2>&1 || true
for l in $LUN_CHG $LUN_D0 $LUN_D1; do
  grep -q "Lun:$l " "$WORK/iscsi-ls.log" || { cat "$WORK/iscsi-ls.log" >&2; die "$TARGET does not list LUN $l on 127.0.0.1:$PORT"; }
done
say "target $TARGET on 127.0.0.1:$PORT ($IQN; changer LUN $LUN_CHG, drives LUN $LUN_D0 $LUN_D1) up in $(secs_since "$T_TARGET") s"
if [ $FRONTEND = tcmu ]; then
  # the host's vtld only said what the library holds; the guest serves it itself
  kill -TERM "$VTLD_PID"; wait "$VTLD_PID" 2>/dev/null || true
  VTLD_PID=''
  say "frontend tcmu: vtl-tcmu serves the library inside the guest (tcm_loop target 1, LUN 0..$EXPECT_DTE)"
fi

# ---- per-run initramfs: the cached image + a cpio with /etc/suite.conf ------------------
mkdir -p "$WORK/extra/etc"
{
  echo "# written by qemu/run.sh"
  printf 'TARGET=%q\nEXPECT_DTE=%q\nEXPECT_STORAGE=%q\nEXPECT_IE=%q\n' "$TARGET" "$EXPECT_DTE" "$EXPECT_STORAGE" "$EXPECT_IE"
  printf 'EXPECT_BARCODES=%q\nCLEANER=%q\n' "$EXPECT_BARCODES" "$CLEANER"
  printf 'BTAPE_BLOCK=%q\nBACULA_OFFLINE=%q\nONLY=%q\n' "${BTAPE_BLOCK:-16384}" "$BACULA_OFFLINE" "$ONLY"
  printf 'FRONTEND=%q\nBENCH=%q\n' "$FRONTEND" "$BENCH"
} > "$WORK/suite.conf"
cp "$WORK/suite.conf" "$WORK/extra/etc/suite.conf"
[ $FRONTEND != iscsi ] && [ -n "$CONFIG" ] && cp "$CONFIG" "$WORK/extra/etc/vtl.yaml"
(cd "$WORK/extra" && find . | cpio -o -H newc --quiet -R 0:0) | gzip -1 > "$WORK/extra.cpio.gz"
cat "$INITRD" "$WORK/extra.cpio.gz" > "$WORK/initrd.gz"

# JUnit XML from the console's @@STEP lines (one testcase per step)
write_junit() {
  local out=$1 tmp
  mkdir -p "$(dirname "$out")"
  tmp=$(mktemp "$WORK/junit.XXXXXX")
  grep -a '@@STEP ' "$WORK/console.log" | sed 's/^.*@@STEP //; s/\r$//' | awk -v suite="qemu-$RUN_NAME" \
    -v done="${DONE:+1}" -v total="$(secs_since "$T_START")" '
    function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); gsub(/"/, "\\&quot;", s); return s }
    {
      name = $1; res = $2; detail = $0; sub(/^[^ ]+ [^ ]+ ?/, "", detail)
      t = 0; if (match(detail, /\(([0-9.]+)s\)$/)) t = substr(detail, RSTART + 1, RLENGTH - 3)
      n++; names[n] = name; ress[n] = res; dets[n] = detail; ts[n] = t
      if (res == "FAIL") f++; if (res == "SKIP") s++
    }
    END {
      if (!done) { n++; names[n] = "guest-finished"; ress[n] = "FAIL"; dets[n] = "the guest did not report @@DONE"; ts[n] = 0; f++ }
      printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      printf "<testsuites><testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" skipped=\"%d\" time=\"%s\">\n", suite, n, f, s, total
      for (i = 1; i <= n; i++) {
        printf "  <testcase classname=\"%s\" name=\"%s\" time=\"%s\">", suite, esc(names[i]), ts[i]
        if (ress[i] == "FAIL") printf "<failure message=\"%s\"/>", esc(dets[i])
        else if (ress[i] == "SKIP") printf "<skipped message=\"%s\"/>", esc(dets[i])
        else printf "<system-out>%s</system-out>", esc(dets[i])
        printf "</testcase>\n"
      }
      printf "</testsuite></testsuites>\n"
    }' > "$tmp"
  mv "$tmp" "$out"
  say "JUnit report: $out"
}

# ---- --bench-only: `make bench` rows from the guest's "@@BENCH key value" lines ----------
# keys: tur-FE-changer, tur-FE-drive (median ms of 3 x sg_turs -n 1000), write-FE (MB/s of
# dd 256 KiB blocks to /dev/nst0); FE is tcmu or iscsi. Aims from the issue: a TCMU TUR
# at most 0.3 ms; the peer is the iSCSI path measured in the same guest run.
bench_rows() {
  grep -a '@@BENCH ' "$WORK/console.log" | sed 's/^.*@@BENCH //; s/\r$//' | awk '
    { v[$1] = $2 }
    function ratio(a, b) { return (a > 0 && b > 0) ? sprintf("%.2fx", a / b) : "-" }
    function ms(k) { return (k in v) ? sprintf("%.3f ms", v[k]) : "not measured" }
    END {
      cmd = "qemu/run.sh --bench-only, one TCG guest, both front ends"
      for (i = 1; i <= 2; i++) {
        u = i == 1 ? "changer" : "drive"
        t = "tur-tcmu-" u; s = "tur-iscsi-" u
        printf "| QEMU guest: TEST UNIT READY round trip, %s LUN, through LIO TCMU (vtl-tcmu in the guest; %s) | %s | <= 0.3 ms | iSCSI path %s; TCMU/iSCSI %s |\n", \
          u, cmd, ms(t), ms(s), ratio(v[t], v[s])
      }
      for (i = 1; i <= 2; i++) {
        u = i == 1 ? "changer" : "drive"
        s = "tur-iscsi-" u
        printf "| QEMU guest: TEST UNIT READY round trip, %s LUN, over iSCSI (QEMU libiscsi to vtld on the host; %s) | %s | - | tgt on the same path 0.47-0.48 ms (qemu recipe) |\n", \
          u, cmd, ms(s)
      }
      w = (("write-tcmu" in v) ? sprintf("%.1f MB/s", v["write-tcmu"]) : "not measured")
      x = (("write-iscsi" in v) ? sprintf("%.1f MB/s", v["write-iscsi"]) : "not measured")
      printf "| QEMU guest: dd 256 KiB blocks to drive 0 (st) through LIO TCMU (%s) | %s | - | iSCSI path %s; TCMU/iSCSI %s |\n", cmd, w, x, ratio(v["write-tcmu"], v["write-iscsi"])
      printf "| QEMU guest: dd 256 KiB blocks to drive 0 (st) over iSCSI (%s) | %s | - | tgt on the same path 73-112 MB/s (qemu recipe) |\n", cmd, x
    }'
}

# ---- host requests from the guest --------------------------------------------------------
# The guest cannot reach vtlctl, so it asks the runner over a second serial port (its
# /dev/ttyS1, a QEMU pipe chardev here): one line "@@HOST CMD ARGS" per request, one line
# back, "OK ..." or "ERR why". Only these operator actions are served:
#   dirty DRIVE       the drive asks for cleaning (TapeAlert 14h)
#   inject BARCODE    an operator puts a cartridge into a free mail slot
host_request() {
  local cmd=$1 arg=${2:-} out
  case $TARGET:$cmd in
    vtld:dirty|vtld:inject)
      [[ $arg =~ ^[A-Za-z0-9]{1,16}$ ]] || { echo "ERR bad argument"; return; }
      if out=$("$VTLCTL" --control "$WORK/ctl.sock" "$cmd" "$arg" 2>&1); then echo "OK ${out//$'\n'/ }"
      else echo "ERR vtlctl $cmd: ${out//$'\n'/ }"; fi ;;
    tgt:inject)
      [[ $arg =~ ^[A-Za-z0-9]{1,10}$ ]] || { echo "ERR bad argument"; return; }
      # a new tape image named as its barcode, shown in the first mail slot (769)
      if out=$(tgtimg --op new --device-type tape --barcode="$arg" --size 64 --type data \
                 --file "$WORK/vtl/$arg" --thin-provisioning 2>&1 &&
               tgtadm -C "$TGT_CTL" --lld iscsi --mode logicalunit --op update --tid 1 --lun $LUN_CHG \
                 --params element_type=3,address=769,barcode=$arg,sides=1 2>&1); then echo "OK mail slot 769"
      else echo "ERR tgtadm: ${out//$'\n'/ }"; fi ;;
    tgt:dirty) echo "ERR tgt has no control to set a drive's TapeAlert flags" ;;
    *) echo "ERR unknown request '$cmd'" ;;
  esac
}
host_agent() {
  local line req
  exec 5<"$WORK/hostctl.out" 6>"$WORK/hostctl.in"
  while IFS= read -r -u 5 line; do
    line=${line%$'\r'}
    [[ $line == *"@@HOST "* ]] || continue
    req=${line#*@@HOST }
    reply=$(host_request $req)
    echo "$(date -u +%T) guest: $req -> $reply" >> "$WORK/host-requests.log"
    printf '%s\n' "$reply" >&6
  done
}
mkfifo "$WORK/hostctl.in" "$WORK/hostctl.out"
: > "$WORK/host-requests.log"
host_agent &
AGENT_PID=$!

# ---- boot -------------------------------------------------------------------------------
URL=iscsi://127.0.0.1:$PORT/$IQN
# the SCSI devices: the host target through QEMU's iSCSI driver, or none (tcmu: the guest
# serves the library itself)
SCSI_ARGS=(
  -iscsi initiator-name=iqn.2026-11.org.openrsm:qemu-guest
  -device virtio-scsi-pci,id=scsi0
  -drive if=none,id=chg,format=raw,file=$URL/$LUN_CHG
  -device scsi-generic,drive=chg,bus=scsi0.0,channel=0,scsi-id=0,lun=0,io_timeout=900
  -drive if=none,id=tape0,format=raw,file=$URL/$LUN_D0
  -device scsi-generic,drive=tape0,bus=scsi0.0,channel=0,scsi-id=1,lun=0,io_timeout=900
  -drive if=none,id=tape1,format=raw,file=$URL/$LUN_D1
  -device scsi-generic,drive=tape1,bus=scsi0.0,channel=0,scsi-id=2,lun=0,io_timeout=900
)
[ $FRONTEND = tcmu ] && SCSI_ARGS=()
: > "$WORK/console.log"
T_BOOT=$EPOCHREALTIME
timeout --kill-after=10 "$TMO" qemu-system-x86_64 \
  -accel tcg -cpu max -m "$MEM" -smp 1 -display none -monitor none -no-reboot -nic none \
  -serial stdio -chardev pipe,id=hostctl,path="$WORK/hostctl" -serial chardev:hostctl \
  -kernel "$KERNEL" -initrd "$WORK/initrd.gz" \
  -append "console=ttyS0 panic=-1 loglevel=4 quiet" \
  "${SCSI_ARGS[@]}" \
  < /dev/null >> "$WORK/console.log" 2>&1 &     # O_APPEND: the watchdog appends too
QPID=$!
# if the target dies, QEMU's iSCSI driver retries forever and the guest hangs: stop it
watch_target() {
  local pid=$1 st
  while kill -0 "$QPID" 2>/dev/null; do
    st=$(ps -o stat= -p "$pid" 2>/dev/null | tr -d ' ' || true)   # ps fails once it is gone
    case $st in
      ''|Z*) echo "@@STEP target-alive FAIL $TARGET (pid $pid) exited while the guest ran (0s)" >> "$WORK/console.log"
             kill -TERM "$QPID" 2>/dev/null; sleep 3
             for p in $(pgrep -P "$QPID"); do kill -KILL "$p" 2>/dev/null; done
             return ;;
    esac
    sleep 1
  done
}
if [ $FRONTEND != tcmu ]; then
  watch_target "${VTLD_PID:-$TGTD_PID}" &
  WATCH_PID=$!
fi

PASSED=0 FAILED=0 SKIPPED=0 DONE='' BOOT_S='' FAILS=()
while IFS= read -r line; do
  line=${line%$'\r'}
  [[ $line == ?*@@* ]] && line="@@${line#*@@}"   # a marker after firmware output
  [ $VERBOSE = 1 ] && printf '%s\n' "$line"
  case $line in
    @@BOOT*) BOOT_S=$(secs_since "$T_BOOT"); say "guest /init running after $BOOT_S s (${line#@@BOOT })" ;;
    @@MODULES*|@@INFO*|@@WARN*) [ $VERBOSE = 1 ] || say "${line#@@}" ;;
    @@STEP*)
      [ $VERBOSE = 1 ] || printf '  %s\n' "${line#@@STEP }"
      read -r sname sres _ <<<"${line#@@STEP }"
      case $sres in PASS) PASSED=$((PASSED + 1)) ;; FAIL) FAILED=$((FAILED + 1)); FAILS+=("$sname") ;; SKIP) SKIPPED=$((SKIPPED + 1)) ;; esac ;;
    @@DONE*) DONE=${line#@@DONE } ;;
  esac
done < <(tail -n +1 -F --pid=$QPID "$WORK/console.log" 2>/dev/null)
wait $QPID && QRC=0 || QRC=$?
QPID=
kill "$WATCH_PID" 2>/dev/null || true; wait "$WATCH_PID" 2>/dev/null || true

if [ -z "$DONE" ]; then
  FAILED=$((FAILED + 1)); FAILS+=("guest-finished")
  if [[ " ${FAILS[*]} " == *" target-alive "* ]]; then why="QEMU stopped after the target died"
  elif [ $QRC = 124 ] || [ $QRC = 137 ]; then why="timed out after $TMO s"
  else why="qemu exited with $QRC"; fi
  echo "  guest-finished FAIL the guest did not report @@DONE ($why); last console lines:"
  grep -v '^@@' "$WORK/console.log" | tail -n 15 | sed 's/^/    /'
fi
[ $FAILED = 0 ] && RESULT=0
[ -n "$JUNIT" ] && write_junit "$JUNIT"
if [ -n "$STEPS_OUT" ]; then
  # "name<TAB>RESULT<TAB>detail" per step, for the side-by-side table of --frontend both
  { grep -a '@@STEP ' "$WORK/console.log" | sed 's/^.*@@STEP //; s/\r$//' |
      awk '{ n = $1; r = $2; sub(/^[^ ]+ [^ ]+ ?/, ""); printf "%s\t%s\t%s\n", n, r, $0 }'
    [ -n "$DONE" ] || printf 'guest-finished\tFAIL\tthe guest did not report @@DONE\n'
  } > "$STEPS_OUT"
fi
if [ -n "$ROWS" ]; then bench_rows >> "$ROWS"; fi
say "target $RUN_NAME: boot $BOOT_S s, qemu $(secs_since "$T_BOOT") s, total $(secs_since "$T_START") s; skipped $SKIPPED${FAILS[*]:+; failed: ${FAILS[*]}}"
say "$PASSED passed, $FAILED failed"
exit $RESULT
