#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# example-tests.sh — stands in for a backup vendor's test suite under vendor-ci.sh: a few
# checks against the library it attached, written as JUnit XML to $JUNIT_DIR/example.xml.
# Attached mode (VTL_CHANGER set): mtx, mt and tar through the kernel's drivers.
# --no-attach mode: libiscsi's iscsi-inq on the URIs.
# Replace it with your own tests; keep the JUnit output.
set -uo pipefail
: "${JUNIT_DIR:?run me under vendor-ci.sh}"
CASES=() FAILS=0
check() {   # check NAME CMD...
  local name=$1 t0=$EPOCHREALTIME out rc; shift
  out=$("$@" 2>&1); rc=$?
  local t; t=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.2f", b-a}')
  if [ $rc = 0 ]; then CASES+=("<testcase classname=\"example\" name=\"$name\" time=\"$t\"/>"); echo "ok   $name"
  else
    FAILS=$((FAILS + 1))
    out=$(tail -n 5 <<<"$out" | tr '\n' ' ' | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g; s/"/\&quot;/g')
    CASES+=("<testcase classname=\"example\" name=\"$name\" time=\"$t\"><failure message=\"rc=$rc: $out\"/></testcase>")
    echo "FAIL $name (rc=$rc)"
  fi
}

if [ -n "${VTL_CHANGER:-}" ]; then
  TAPE=${VTL_DRIVES%% *}
  check inventory   sh -c "mtx -f $VTL_CHANGER status | grep -q 'Storage Element 1:Full'"
  check load        mtx -f "$VTL_CHANGER" load 1 0
  check write       sh -c "mt -f $TAPE rewind && tar -cf $TAPE /etc/hostname /etc/os-release"
  check read-back   sh -c "mt -f $TAPE rewind && tar -tf $TAPE | grep -q os-release"
  check offline     mt -f "$TAPE" offline
  check unload      mtx -f "$VTL_CHANGER" unload 1 0
  check inject      vtlctl --control "$VTL_CONTROL" inject NEW001L8
  check import      sh -c "mtx -f $VTL_CHANGER status | grep -q 'NEW001L8'"
else
  check changer-inquiry iscsi-inq "$VTL_CHANGER_URI"
  for u in $VTL_DRIVE_URIS; do check "drive-inquiry-${u##*/}" iscsi-inq "$u"; done
  check inject vtlctl --control "$VTL_CONTROL" inject NEW001L8
fi

{ echo '<?xml version="1.0" encoding="UTF-8"?>'
  echo "<testsuites><testsuite name=\"example\" tests=\"${#CASES[@]}\" failures=\"$FAILS\">"
  printf '  %s\n' "${CASES[@]}"
  echo '</testsuite></testsuites>'; } > "$JUNIT_DIR/example.xml"
[ $FAILS = 0 ]
