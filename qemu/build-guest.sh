#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# qemu/build-guest.sh — builds the test guest from the Debian packages on this machine:
#
#   build/qemu/vmlinux            Debian's kernel as an uncompressed ELF (QEMU boots it
#                                 through its PVH entry point: no XZ decompression under TCG)
#   build/qemu/initramfs.cpio.gz  busybox (static) + dash as /bin/sh, the kernel modules the
#                                 guest needs (virtio_scsi, sg, st, ch and their dependencies,
#                                 in insmod order from modules.dep; target_core_user,
#                                 tcm_loop and theirs apart in /mods/tcmu.order for the
#                                 TCMU front end), the real clients (mtx,
#                                 mt-st, sg3-utils, GNU tar, coreutils' md5sum/dd/date),
#                                 Bacula's btape with mtx-changer, and, when they are built,
#                                 the project's rsm-conform, rsmd, rsm, vtl-tcmu and vtlctl;
#                                 plus /init and the
#                                 suite from qemu/guest/.
#   build/qemu/inputs.sha256      hash of every input; the guest is rebuilt only when it
#                                 changes (or with --force).
#
# Usage: qemu/build-guest.sh [--force] [--out DIR]   (env: KVER=6.1.0-56-amd64; B=build:
#        the build directory whose bin/ is copied and whose qemu/ is OUT, as build/ above)
# Needs the packages of qemu/install-deps.sh. Prints the two output paths on success.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
# B: the build directory (as for make; default build): its bin/ gives the project's
# programs and its qemu/ holds the guest, so two build directories never share a guest.
BUILD=$TOP/${B:-build}
OUT=$BUILD/qemu
FORCE=0
while [ $# -gt 0 ]; do
  case $1 in
    --force) FORCE=1 ;;
    --out) OUT=$2; shift ;;
    -h|--help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 0 ;;
    *) echo "build-guest: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

die() { echo "build-guest: $*" >&2; exit 1; }

[ -d /lib/modules ] || die "no /lib/modules: run qemu/install-deps.sh (linux-image-amd64)"
KVER=${KVER:-$(ls /lib/modules | sort -V | tail -1)}
MODDIR=/lib/modules/$KVER
BZIMAGE=/boot/vmlinuz-$KVER
[ -r "$BZIMAGE" ] || die "no $BZIMAGE"
[ -r "$MODDIR/modules.dep" ] || die "no $MODDIR/modules.dep"

# Real tools copied into the guest (absolute host paths; same path in the guest).
TOOLS=(
  /usr/sbin/mtx /usr/sbin/tapeinfo /usr/sbin/loaderinfo
  /usr/bin/mt-st
  /usr/bin/sg_inq /usr/bin/sg_logs /usr/bin/sg_read_attr /usr/bin/sg_turs /usr/bin/sg_raw
  /usr/bin/sg_modes /usr/bin/sg_vpd /usr/bin/sg_luns /usr/bin/sg_requests
  /usr/bin/sg_read_block_limits /usr/bin/sg_decode_sense /usr/bin/sg_map /usr/bin/sg_reset
  /usr/bin/sg_prevent
  /usr/bin/lsscsi
  /usr/bin/tar /usr/bin/md5sum /usr/bin/dd /usr/bin/date /usr/bin/cmp
  /usr/bin/dash
  /usr/sbin/btape
)
# Kernel modules wanted (their dependencies are added from modules.dep).
MODULES="virtio_pci virtio_scsi sg st ch"
# The LIO TCMU front end's modules (run.sh --frontend tcmu): loaded after MODULES, and
# only in that mode, from /mods/tcmu.order.
TCMU_MODULES="target_core_user tcm_loop"
# The project's own programs, copied when built (vtl-tcmu is linked statically).
PROJECT_BINS="rsm-conform rsmd rsm vtl-tcmu vtlctl"

for t in "${TOOLS[@]}"; do [ -x "$t" ] || die "missing $t: run qemu/install-deps.sh"; done
[ -x /bin/busybox ] || die "missing /bin/busybox (busybox-static)"
[ -r /etc/bacula/scripts/mtx-changer ] || die "missing mtx-changer (bacula-sd)"

# ---- input hash: package versions, kernel, guest scripts, this builder, project binaries
hash_inputs() {
  {
    echo "kver=$KVER"
    dpkg-query -W -f='${Package}=${Version}\n' busybox-static mtx mt-st sg3-utils tar \
      coreutils dash bacula-sd bacula-common lsscsi libc6 "linux-image-$KVER" 2>/dev/null || true
    (cd "$HERE" && sha256sum build-guest.sh guest/*)
    for b in $PROJECT_BINS; do
      if [ -x "$BUILD/bin/$b" ]; then echo "$b $(sha256sum < "$BUILD/bin/$b")"; fi
    done
  } | sha256sum | cut -d' ' -f1
}

mkdir -p "$OUT"
# one builder at a time (parallel runs share build/qemu/)
exec 9> "$OUT/.lock"
flock 9
HASH=$(hash_inputs)
if [ $FORCE = 0 ] && [ -f "$OUT/inputs.sha256" ] && [ "$(cat "$OUT/inputs.sha256")" = "$HASH" ] \
   && [ -s "$OUT/vmlinux" ] && [ -s "$OUT/initramfs.cpio.gz" ]; then
  echo "build-guest: up to date ($OUT)" >&2
  echo "$OUT/vmlinux"; echo "$OUT/initramfs.cpio.gz"
  exit 0
fi
T0=$(date +%s.%N)

# ---- kernel: pull the ELF vmlinux out of the bzImage (Debian's is XZ-compressed)
if [ $FORCE = 1 ] || [ ! -s "$OUT/vmlinux" ] || [ "$(cat "$OUT/vmlinux.kver" 2>/dev/null)" != "$KVER" ]; then
  found=0
  for off in $(grep -abo $'\xfd7zXZ\x00' "$BZIMAGE" | cut -d: -f1); do
    tail -c +$((off + 1)) "$BZIMAGE" | xz -dc 2>/dev/null > "$OUT/vmlinux.tmp" || true
    if [ "$(head -c 4 "$OUT/vmlinux.tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
      mv "$OUT/vmlinux.tmp" "$OUT/vmlinux"; found=1; break
    fi
  done
  rm -f "$OUT/vmlinux.tmp"
  [ $found = 1 ] || die "no XZ-compressed ELF kernel inside $BZIMAGE"
  echo "$KVER" > "$OUT/vmlinux.kver"
fi

# ---- initramfs tree
R=$(mktemp -d "$OUT/rootfs.XXXXXX")
chmod 755 "$R"
trap 'rm -rf "$R"' EXIT
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,lib64,proc,sys,dev,tmp,etc,root,mods,run/bacula} \
         "$R"/var/lib/bacula "$R"/etc/bacula/scripts "$R"/suite

# copy one file and the shared libraries ldd reports, at their host paths
copy_with_libs() {
  local src=$1 dst=${2:-$1}
  mkdir -p "$R$(dirname "$dst")"
  cp -L "$src" "$R$dst"
  # (ldd fails on a static program such as vtl-tcmu: nothing to copy then)
  { ldd "$src" 2>/dev/null || true; } | awk '/=> \// {print $3} /^[ \t]*\/lib/ {print $1}' | while read -r lib; do
    [ -f "$lib" ] || continue
    [ -f "$R$lib" ] && continue
    mkdir -p "$R$(dirname "$lib")"
    cp -L "$lib" "$R$lib"
  done
}

# dash first, so /bin/sh is dash (mtx-changer and btape's shell-outs need a real sh
# whose commands come from $PATH, not busybox ash's built-in applets)
copy_with_libs /usr/bin/dash /bin/dash
ln -s dash "$R/bin/sh"
# busybox: the applets as symlinks in /bin and /sbin, never over a real tool
cp /bin/busybox "$R/bin/busybox"
for a in $("$R/bin/busybox" --list); do
  [ -e "$R/bin/$a" ] || [ -L "$R/bin/$a" ] || ln -s busybox "$R/bin/$a"
done
for t in "${TOOLS[@]}"; do copy_with_libs "$t"; done
ln -sf mt-st "$R/usr/bin/mt"            # mt-st is "mt" (busybox mt has no status)
[ -f "$R/lib64/ld-linux-x86-64.so.2" ] || cp -L /lib64/ld-linux-x86-64.so.2 "$R/lib64/"
# Bacula: the changer script, its config, a working directory; bacula-sd.conf is
# written by the suite once it knows which /dev/sgN is the changer
cp /etc/bacula/scripts/mtx-changer /etc/bacula/scripts/mtx-changer.conf "$R/etc/bacula/scripts/"
chmod +x "$R/etc/bacula/scripts/mtx-changer"
[ -f /etc/debian_version ] && cp /etc/debian_version "$R/etc/"
printf 'root:x:0:0:root:/root:/bin/sh\nbacula:x:0:0:bacula:/var/lib/bacula:/bin/sh\n' > "$R/etc/passwd"
printf 'root:x:0:\ntape:x:26:\nbacula:x:0:\n' > "$R/etc/group"

# project binaries, when built
for b in $PROJECT_BINS; do
  if [ -x "$BUILD/bin/$b" ]; then copy_with_libs "$BUILD/bin/$b" "/usr/bin/$b"; fi
done

# kernel modules: wanted ones and their dependencies, dependencies first
resolve() {
  local m=$1 line path deps d
  line=$(grep -E "(^|/)${m}\.ko(\.xz|\.zst)?:" "$MODDIR/modules.dep" | head -1)
  [ -n "$line" ] || die "module $m not in $MODDIR/modules.dep"
  path=${line%%:*}; deps=${line#*:}
  # modules.dep lists a module's dependencies so that the last one loads first
  for d in $(echo $deps | tr ' ' '\n' | tac); do echo "$d"; done
  echo "$path"
}
for m in $MODULES; do resolve "$m"; done | awk '!seen[$0]++' > "$OUT/modules.order"
for m in $TCMU_MODULES; do resolve "$m"; done | awk '!seen[$0]++' \
  | { grep -vxF -f "$OUT/modules.order" || true; } > "$OUT/tcmu-modules.order"
: > "$R/mods/load.order"
: > "$R/mods/tcmu.order"
# copy_module FILE ORDER: one module, decompressed, appended to an insmod order file
copy_module() {
  local f=$1 order=$2 base
  base=$(basename "$f")
  case $base in
    *.ko.xz) xz -dc "$MODDIR/$f" > "$R/mods/${base%.xz}"; base=${base%.xz} ;;
    *.ko.zst) zstd -qdc "$MODDIR/$f" > "$R/mods/${base%.zst}"; base=${base%.zst} ;;
    *) cp "$MODDIR/$f" "$R/mods/$base" ;;
  esac
  echo "$base" >> "$order"
}
while read -r f; do copy_module "$f" "$R/mods/load.order"; done < "$OUT/modules.order"
while read -r f; do copy_module "$f" "$R/mods/tcmu.order"; done < "$OUT/tcmu-modules.order"

# /init and the suite
cp "$HERE/guest/init" "$R/init"; chmod +x "$R/init"
cp "$HERE"/guest/* "$R/suite/"
chmod +x "$R"/suite/*.sh

(cd "$R" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet -R 0:0) \
  | gzip -1 > "$OUT/initramfs.cpio.gz.tmp"
mv "$OUT/initramfs.cpio.gz.tmp" "$OUT/initramfs.cpio.gz"
echo "$HASH" > "$OUT/inputs.sha256"
rm -rf "$R"
echo "build-guest: kernel $KVER, modules: $(sed 's#.*/##; s#\.ko.*##' "$OUT/modules.order" | tr '\n' ' ')" >&2
echo "build-guest: TCMU modules: $(sed 's#.*/##; s#\.ko.*##' "$OUT/tcmu-modules.order" | tr '\n' ' ')" >&2
echo "build-guest: initramfs $(du -h "$OUT/initramfs.cpio.gz" | cut -f1), built in $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N)-$T0}") s" >&2
echo "$OUT/vmlinux"; echo "$OUT/initramfs.cpio.gz"
