#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs every benchmark program and appends one dated section to bench/RESULTS.md.
# Each program prints Markdown table rows on stdout:
#   | benchmark | result | aim | peer / ratio |
# and anything else on stderr. A program that exits non-zero fails `make bench`.
set -u
out=bench/RESULTS.md
rows=$(mktemp)
rc=0
for b in "$@"; do
  echo "bench: $(basename "$b")" >&2
  if ! "$b" >>"$rows"; then
    echo "bench: $(basename "$b") failed" >&2; rc=1
  fi
done
# The QEMU guest's rows: TCMU and iSCSI measured in one guest run (qemu/run.sh
# --bench-only); skipped when QEMU or the guest's packages are missing (exit 2).
if [ -x qemu/run.sh ] && command -v qemu-system-x86_64 >/dev/null 2>&1; then
  echo "bench: qemu guest (TCMU and iSCSI)" >&2
  qemu/run.sh --bench-only --rows "$rows" >&2
  case $? in 0) ;; 2) echo "bench: qemu guest skipped (prerequisites missing)" >&2 ;; *) echo "bench: qemu guest failed" >&2; rc=1 ;; esac
fi
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
{
  echo
  echo "## $(date -u '+%Y-%m-%d %H:%M UTC') — \`make bench\` (commit $(git rev-parse --short HEAD 2>/dev/null || echo none))"
  echo
  echo "Machine: ${cpu:-unknown CPU}, $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), Linux $(uname -r), $(${CC:-cc} --version | head -1)."
  echo
  echo "| benchmark | result | aim | peer / ratio |"
  echo "|---|---|---|---|"
  cat "$rows"
} >>"$out"
cat "$rows"
rm -f "$rows"
exit $rc
