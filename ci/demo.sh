#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make demo: one life of a tape, narrated. Starts vtld (the default library: an IBM
# TS4300-like changer, 2 LTO-8 drives, 20 data cartridges and a cleaner) and rsmd in a
# temporary directory, then drives them with the rsm and vtlctl commands an operator
# would type. Everything listens on loopback or on sockets in that directory, and nothing
# is left behind, even on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-build}
BIN=$B/bin
work=$(mktemp -d "${TMPDIR:-/tmp}/openrsm-demo-XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
# A step whose failure is part of the story (exit 1 with the NTMS error shown), or that
# this build's rsmd cannot serve yet (exit 4, ERROR_NOT_SUPPORTED): the narration goes on.
try() {
  printf '$ %s\n' "$*"
  local rc=0
  "$@" || rc=$?
  case $rc in
    0) ;;
    4) echo "(not served by this version's rsmd yet: ERROR_NOT_SUPPORTED)" ;;
    *) echo "(exit $rc)" ;;
  esac
  return 0
}

say "Start the virtual library (vtld) and the RSM service (rsmd)"
"$BIN/vtld" --state-dir "$work/vtl" --listen 127.0.0.1:0 --port-file "$work/port" \
  --control "$work/vtl.sock" 2>"$work/vtld.log" &
pids+=($!)
"$BIN/rsmd" --db "$work/db" --socket "$work/rsmd.sock" 2>"$work/rsmd.log" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/port" ] && [ -S "$work/rsmd.sock" ] && break; sleep 0.05; done
port=$(cat "$work/port")
export RSM_SOCKET=$work/rsmd.sock VTL_CONTROL=$work/vtl.sock
url=iscsi://127.0.0.1:$port/iqn.2026-11.org.openrsm:default
echo "vtld serves $url (LUN 0 changer, LUN 1-2 drives); rsmd listens on $RSM_SOCKET"
run iscsi-ls -s "iscsi://127.0.0.1:$port"

say "RSM takes over the library: discovery, drive mapping by serial, inventory"
run "$BIN/rsm" library add "$url/0"
run "$BIN/rsm" view libraries
run "$BIN/rsm" view drives

say "New cartridges arrive Unrecognized; the operator frees two for use"
run "$BIN/rsm" view pools
run "$BIN/rsm" movetopool 'Free\LTO Ultrium' A00000L8 A00001L8

say "A backup application creates its pool and allocates a scratch tape"
run "$BIN/rsm" createpool Weekly --type 'LTO Ultrium' --scratch
lmid=$("$BIN/rsm" allocate Weekly)
echo "logical medium: $lmid"

say "Mount it for writing: the robot moves it, the drive threads it, RSM writes its MAM"
run "$BIN/rsm" mount "$lmid" --write
run "$BIN/vtlctl" status

say "The application writes an ANSI VOL1 label and a file of data, as any tape program would"
hex() { od -An -v -tx1 | tr -d ' \n'; }
lun=
for l in 1 2; do # the drive that is ready holds the tape
  if "$BIN/xport-raw" "$url/$l" 000000000000 >/dev/null 2>&1; then lun=$l; break; fi
done
if [ -n "$lun" ]; then
  label=$(printf 'VOL1%-6s %-13s%-13s%-14s%-28s4' DEMO01 '' OPENRSM-DEMO DEMO '' | hex)
  data=$(printf 'one life of a tape: %s\n' "$(date -u +%FT%TZ)" | hex)
  n=$(( ${#data} / 2 ))
  run "$BIN/xport-raw" --out "$label" "$url/$lun" 0a0000005000        # WRITE(6), 80 bytes
  run "$BIN/xport-raw" "$url/$lun" 100000000100                          # WRITE FILEMARKS(6)
  run "$BIN/xport-raw" --out "$data" "$url/$lun" "$(printf '0a0000%02x%02x00' $((n >> 8)) $((n & 255)))"
  run "$BIN/xport-raw" "$url/$lun" 100000000100
  echo "READ POSITION (short form): the tape is at block 4 (label, filemark, data, filemark)"
  run "$BIN/xport-raw" --in 20 "$url/$lun" 34000000000000000000
else
  echo "(no ready drive found for the write)"
fi

say "Dismount: the cartridge goes home"
run "$BIN/rsm" dismount "$lmid"
run "$BIN/rsm" view media

say "The operator puts a new cartridge into a mail slot; RSM finds it on the next inventory"
run "$BIN/vtlctl" inject NEW001L8
lib=$("$BIN/rsm" --json view libraries | sed -n 's/.*"name": *"\(IBM[^"]*\)".*/\1/p' | head -1)
run "$BIN/rsm" inventory "$lib"
run "$BIN/rsm" view media

say "A drive asks for cleaning (TapeAlert 20): vtlctl makes it dirty"
run "$BIN/vtlctl" dirty 0
try "$BIN/rsm" clean Drive1
echo "No cleaning cartridge is reserved yet, so RSM asks the operator for one:"
run "$BIN/rsm" opreq list

say "RSM opens the mail slots for a cleaner (slot 24 is reserved for it); the operator puts one in"
echo "\$ $BIN/rsm inject \"$lib\" --cleaner --slot 24 --uses 50"
op=$("$BIN/rsm" inject "$lib" --cleaner --slot 24 --uses 50) || op=
echo "operation: ${op:-(none)}"
run "$BIN/vtlctl" inject CLN001L1 --cleaner
[ -n "$op" ] && try "$BIN/rsm" inject "$lib" --cleaner --stop "$op"
try "$BIN/rsm" clean Drive1
echo "The drive is clean (no TapeAlert flags), the cleaner is back in slot 24, and RSM closed"
echo "its request for a cleaner:"
run "$BIN/vtlctl" status
run "$BIN/rsm" opreq list

say "The tape leaves the library: eject through the mail slot"
try "$BIN/rsm" eject "$lmid"
echo "The mail slot now holds the cartridge, for the operator to take away:"
run "$BIN/vtlctl" status
run "$BIN/rsm" requests

say "Done: the tape was inventoried, allocated, mounted, labelled and written, dismounted and ejected"
