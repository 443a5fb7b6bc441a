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
