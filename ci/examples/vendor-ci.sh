#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# vendor-ci.sh — an example CI step for backup software: serve a virtual tape library
# with vtld, attach it to this Linux host with open-iscsi (so the kernel's ch/st/sg
# drivers see a changer and tape drives), run the vendor's test command against it,
# collect JUnit reports, and tear everything down — also when the tests fail.
#
# Usage: vendor-ci.sh [options] -- TEST-COMMAND [ARGS...]
#   --config FILE    library configuration (default: vtld's default library)
#   --port N         iSCSI port on 127.0.0.1 (default: a free one)
#   --junit-dir DIR  where JUnit XML reports are collected (default: ./junit)
#   --no-attach      do not log in with iscsiadm: the tests use the iSCSI URIs through
#                    libiscsi (works in containers and without root)
#   --bin DIR        where vtld, vtlctl live (default: build/bin of this checkout, else $PATH)
#
# The test command gets, in its environment:
#   VTL_CONTROL      vtld's control socket (vtlctl --control "$VTL_CONTROL" inject X ...)
#   VTL_CHANGER_URI  iscsi://127.0.0.1:PORT/IQN/0
#   VTL_DRIVE_URIS   the drives' URIs, space separated (LUN 1..N)
#   VTL_CHANGER      /dev/sgN of the changer          (attached mode only)
#   VTL_DRIVES       /dev/nstN of the drives, bay order (attached mode only)
#   VTL_DRIVE_SGS    /dev/sgN of the drives, bay order (attached mode only)
#   JUNIT_DIR        write your JUnit XML files here
# This script adds JUNIT_DIR/vtl-setup.xml (one testcase per setup step) so that a
# broken setup shows up in the CI's test report, not only in its log.
#
# Needs: vtld/vtlctl (make), libiscsi-bin (iscsi-ls), jq; attached mode also needs root,
# open-iscsi, and the kernel modules iscsi_tcp, ch, st, sg. See qemu/ATTACH.md.
# Exit status: the test command's, or 2 when the library could not be set up.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CONFIG='' PORT='' JUNIT_DIR=$PWD/junit ATTACH=1 BIN=''
while [ $# -gt 0 ]; do
  case $1 in
    --config) CONFIG=$(realpath "$2"); shift ;;
    --port) PORT=$2; shift ;;
    --junit-dir) JUNIT_DIR=$(realpath -m "$2"); shift ;;
    --no-attach) ATTACH=0 ;;
    --bin) BIN=$(realpath "$2"); shift ;;
    --) shift; break ;;
    -h|--help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 0 ;;
    *) break ;;
  esac
  shift
done
[ $# -gt 0 ] || { echo "vendor-ci.sh: no test command (try --help)" >&2; exit 2; }
if [ -z "$BIN" ]; then
  if [ -x "$HERE/../../build/bin/vtld" ]; then BIN=$(cd "$HERE/../../build/bin" && pwd)
  else BIN=$(dirname "$(command -v vtld)"); fi
fi
VTLD=$BIN/vtld VTLCTL=$BIN/vtlctl
export PATH="$BIN:$PATH"     # vtlctl for the tests
mkdir -p "$JUNIT_DIR"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vtl-ci.XXXXXX")

# ---- setup steps, recorded for the JUnit report ------------------------------------------
CASES=()
record() {   # record NAME PASS|FAIL SECONDS MESSAGE
  local msg=${4//&/&amp;}; msg=${msg//</&lt;}; msg=${msg//>/&gt;}; msg=${msg//\"/&quot;}
  if [ "$2" = PASS ]; then CASES+=("<testcase classname=\"vtl-setup\" name=\"$1\" time=\"$3\"/>")
  else CASES+=("<testcase classname=\"vtl-setup\" name=\"$1\" time=\"$3\"><failure message=\"$msg\"/></testcase>"); fi
  echo "vendor-ci: $1 $2${4:+ ($4)}"
}
write_setup_junit() {
  local f=0 c
  for c in "${CASES[@]}"; do [[ $c == *"<failure"* ]] && f=$((f + 1)); done
  { echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo "<testsuites><testsuite name=\"vtl-setup\" tests=\"${#CASES[@]}\" failures=\"$f\">"
    printf '  %s\n' "${CASES[@]}"
    echo '</testsuite></testsuites>'; } > "$JUNIT_DIR/vtl-setup.xml"
}
step() {     # step NAME CMD...: run a setup command, record it, stop on failure
  local name=$1 t0=$EPOCHREALTIME; shift
  # not in a subshell: functions run as steps set variables for the rest of the script
  if "$@" > "$WORK/step.out" 2>&1; then
    record "$name" PASS "$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.2f", b-a}')" ""
  else
    record "$name" FAIL "$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.2f", b-a}')" "$(tail -n 3 "$WORK/step.out" | tr '\n' ' ')"
    cat "$WORK/step.out" >&2
    exit 2
  fi
}

VTLD_PID='' LOGGED_IN=0
cleanup() {
  local rc=$?
  set +e
  if [ $LOGGED_IN = 1 ]; then
    iscsiadm -m node -T "$IQN" -p "127.0.0.1:$PORT" --logout >/dev/null 2>&1
    iscsiadm -m node -T "$IQN" -p "127.0.0.1:$PORT" -o delete >/dev/null 2>&1
  fi
  if [ -n "$VTLD_PID" ]; then
    kill -TERM "$VTLD_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$VTLD_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$VTLD_PID" 2>/dev/null
  fi
  cp "$WORK/vtld.log" "$JUNIT_DIR/vtld.log" 2>/dev/null
  write_setup_junit
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- 1. start vtld ----------------------------------------------------------------------------
start_vtld() {
  local args=(--state-dir "$WORK/state" --control "$WORK/vtld.sock" --port-file "$WORK/port"
              --listen "127.0.0.1:${PORT:-0}")
  [ -n "$CONFIG" ] && args+=(--config "$CONFIG")
  "$VTLD" "${args[@]}" > "$WORK/vtld.log" 2>&1 &
  VTLD_PID=$!
  for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
  [ -s "$WORK/port" ] || { cat "$WORK/vtld.log"; return 1; }
  PORT=$(tr -dc 0-9 < "$WORK/port")
}
step start-vtld start_vtld
export VTL_CONTROL=$WORK/vtld.sock
STATUS=$("$VTLCTL" --control "$VTL_CONTROL" --json status)
IQN=iqn.2026-11.org.openrsm:$(jq -r '.libraries[0].name' <<<"$STATUS")
NDRIVES=$(jq '[.libraries[0].elements[] | select(.type=="drive")] | length' <<<"$STATUS")
step discover iscsi-ls -s "iscsi://127.0.0.1:$PORT"
export VTL_CHANGER_URI=iscsi://127.0.0.1:$PORT/$IQN/0
VTL_DRIVE_URIS=
for i in $(seq 1 "$NDRIVES"); do VTL_DRIVE_URIS+="${VTL_DRIVE_URIS:+ }iscsi://127.0.0.1:$PORT/$IQN/$i"; done
export VTL_DRIVE_URIS

# ---- 2. attach with open-iscsi ------------------------------------------------------------------
# the devices of our session, by LUN: /sys/class/scsi_host/hostH is the session's host
find_devices() {
  local host sid d hctl lun type t sgs=() nsts=()
  sid=$(iscsiadm -m session 2>/dev/null | awk -v t="$IQN" -v p="127.0.0.1:$PORT" '$3 ~ p && $4 == t {gsub(/[\[\]]/, "", $2); print $2}')
  host=$(iscsiadm -m session -r "$sid" -P 3 | awk '/Host Number:/ {print $3; exit}')
  [ -n "$host" ] || return 1
  VTL_CHANGER='' VTL_DRIVES='' VTL_DRIVE_SGS=''
  for lun in $(seq 0 "$NDRIVES"); do
    hctl="$host:0:0:$lun"
    [ -d "/sys/bus/scsi/devices/$hctl/scsi_generic" ] || return 1
    d=/dev/$(ls "/sys/bus/scsi/devices/$hctl/scsi_generic")
    type=$(cat "/sys/bus/scsi/devices/$hctl/type")
    if [ "$lun" = 0 ]; then
      [ "$type" = 8 ] || return 1
      VTL_CHANGER=$d
    else
      [ "$type" = 1 ] && [ -d "/sys/bus/scsi/devices/$hctl/scsi_tape" ] || return 1
      sgs+=("$d")
      for t in "/sys/bus/scsi/devices/$hctl"/scsi_tape/nst*; do
        case ${t##*/} in nst[0-9]|nst[0-9][0-9]) nsts+=("/dev/${t##*/}") ;; esac
      done
    fi
  done
  VTL_DRIVES="${nsts[*]}" VTL_DRIVE_SGS="${sgs[*]}"
}
wait_devices() { for _ in $(seq 100); do find_devices && return 0; sleep 0.2; done; return 1; }
if [ $ATTACH = 1 ]; then
  step modules modprobe -a iscsi_tcp ch st sg
  step discovery iscsiadm -m discovery -t sendtargets -p "127.0.0.1:$PORT"
  step login iscsiadm -m node -T "$IQN" -p "127.0.0.1:$PORT" --login
  LOGGED_IN=1
  command -v udevadm >/dev/null && udevadm settle || true
  step devices wait_devices
  find_devices
  export VTL_CHANGER VTL_DRIVES VTL_DRIVE_SGS
  echo "vendor-ci: changer $VTL_CHANGER, drives $VTL_DRIVES ($VTL_DRIVE_SGS)"
  step mtx-status mtx -f "$VTL_CHANGER" status
fi

# ---- 3. the vendor's tests -----------------------------------------------------------------------
export JUNIT_DIR
echo "vendor-ci: running $*"
set +e
"$@"
rc=$?
set -e
echo "vendor-ci: tests exited with $rc; JUnit reports in $JUNIT_DIR"
exit $rc
