#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs each libFuzzer target for a bounded time, seeded from fuzz/corpus/<target>/.
# New interesting inputs go to a scratch copy, never into the tree; a crash leaves its
# reproducer in build/fuzz-crashes/<target>/ and fails the run.
# Usage: ci/fuzz-smoke.sh BINDIR SECONDS TARGET...
set -u
dir=$1 secs=$2; shift 2
rc=0
for t in "$@"; do
  work=$(mktemp -d)
  crashes=build/fuzz-crashes/$t
  mkdir -p "$crashes"
  [ -d "fuzz/corpus/$t" ] && cp -r "fuzz/corpus/$t/." "$work/"
  if "$dir/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="$crashes/" -print_final_stats=1 "$work" >"$work.log" 2>&1; then
    runs=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$work.log" | grep -oE '[0-9]+$' | tail -1)
    printf "ok    fuzz-smoke:%-20s %9s runs in %ss, no crash\n" "$t" "${runs:-?}" "$secs"
  else
    # A "timeout" on a loaded 2-core machine may be the machine, not the code: replay each
    # such input once; only one that is slow again (or any crash, leak, OOM) fails.
    real_failure=0
    for a in "$crashes"/*; do
      [ -e "$a" ] || continue
      case $(basename "$a") in
        timeout-*) timeout 10 "$dir/$t" "$a" >/dev/null 2>&1 || real_failure=1 ;;
        *) real_failure=1 ;;
      esac
    done
    if [ $real_failure -eq 0 ] && ls "$crashes"/timeout-* >/dev/null 2>&1; then
      echo "ok    fuzz-smoke:$t (a slow input under load replayed quickly: $(ls "$crashes" | tr '\n' ' '))"
      rm -f "$crashes"/timeout-*
    else
      echo "FAIL  fuzz-smoke:$t — reproducer in $crashes/"; tail -40 "$work.log"; rc=1
    fi
  fi
  rm -rf "$work" "$work.log"
done
exit $rc
