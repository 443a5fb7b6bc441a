#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs every CUnit test program given on the command line, then replays each fuzz corpus
# (fuzz/corpus/<target>/) through its plain replay driver in $B/fuzz-replay/.
# Prints one closing line: "tests: N passed, N failed". Exits non-zero on any failure.
set -u
B=${B:-build}
passed=0 failed=0 bad_progs=()
for t in "$@"; do
  name=$(basename "$t")
  log=$(mktemp)
  start=$(date +%s.%N)
  "$t" >"$log" 2>&1
  rc=$?
  secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }')
  # CUnit's basic run summary: "tests      N      N    N    N    n/a"  (total ran passed failed)
  line=$(grep -E '^ +tests +[0-9]+' "$log" | tail -1)
  if [ -n "$line" ]; then
    p=$(echo "$line" | awk '{print $4}'); f=$(echo "$line" | awk '{print $5}')
  else
    p=0; f=1
  fi
  # A program that fails without a failed assertion (crash, suite setup error, sanitizer
  # report) still counts as one failure in the closing line.
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then
    bad_progs+=("$name")
    echo "FAIL  $name (exit $rc, $p passed, $f failed, ${secs}s)"
    sed -n '1,200p' "$log" | grep -vE '^\s*$' | tail -60
  else
    printf "ok    %-28s %5d passed  %ss\n" "$name" "$p" "$secs"
  fi
  rm -f "$log"
done

# Fuzz corpus replay: every file ever found interesting (or crashing) stays harmless.
for r in "$B"/fuzz-replay/*; do
  [ -x "$r" ] || continue
  name=$(basename "$r")
  dir=fuzz/corpus/$name
  [ -d "$dir" ] || continue
  n=$(find "$dir" -type f | wc -l)
  if "$r" "$dir" >/tmp/replay.$$ 2>&1; then
    passed=$((passed + 1))
    printf "ok    %-28s %5d inputs replayed\n" "replay:$name" "$n"
  else
    failed=$((failed + 1)); bad_progs+=("replay:$name")
    echo "FAIL  replay:$name"; tail -30 /tmp/replay.$$
  fi
  rm -f /tmp/replay.$$
done

echo
[ ${#bad_progs[@]} -eq 0 ] || echo "failing: ${bad_progs[*]}"
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ ${#bad_progs[@]} -eq 0 ]
