#!/bin/sh
# The read-only probes of `migration_preflight`, sent as `sh -c SCRIPT migration-preflight PROBE ARG`; each prints
# key=value lines and never mounts anything:
#   device DEVICE        existence, type, identifiers (blkid -p), size, its lsblk chain and where it is mounted
#   source DIR           owner, group, mode, SELinux context, size in use, the mount holding it, the devices under
#                        it and under /
#   content-ext4 DEVICE  root entries and free blocks of an unmounted ext4 (debugfs, dumpe2fs)
#   content-xfs DEVICE   root entries and free blocks of an unmounted xfs (xfs_db -r)

device_probe() {
  d=$1
  if [ ! -e "$d" ]; then echo exists=no; exit 0; fi
  echo exists=yes
  if [ -b "$d" ]; then echo block=yes; else echo block=no; exit 0; fi
  echo "resolved=$(readlink -e -- "$d")"
  blkid -p -o export -- "$d" 2>/dev/null | sed -n 's/^\(TYPE\|UUID\|LABEL\|PART_ENTRY_UUID\)=/blkid_&/p'
  echo "size=$(blockdev --getsize64 -- "$d" 2>/dev/null)"
  lsblk -snrpo NAME -- "$d" 2>/dev/null | sed 's/^/chain=/'
  lsblk -nrpo NAME -- "$d" 2>/dev/null | while read -r n; do findmnt -n -r -o SOURCE,TARGET --source "$n"; done | sed 's/^/mounted=/'
}

source_probe() {
  s=$1
  echo "stamp=$(date +%Y%m%d-%H%M%S)"
  chain() { h=$(findmnt -n -r -o SOURCE -T "$1" | sed 's/\[.*//'); [ -b "$h" ] && lsblk -snrpo NAME -- "$h" 2>/dev/null | sed "s/^/$2=/"; true; }
  chain / root_chain
  if [ ! -d "$s" ]; then echo exists=no; exit 0; fi
  echo exists=yes
  stat -c 'stat=%U|%G|%a' -- "$s"
  # shellcheck disable=SC2012 # the context of one named directory: `ls -Zd` is what every distribution has
  echo "context=$(ls -Zd -- "$s" 2>/dev/null | awk '{ print $1 }')"
  echo "used=$(du -sxB1 -- "$s" | cut -f1)"
  echo "mount_target=$(findmnt -n -r -o TARGET -T "$s")"
  echo "mount_uuid=$(findmnt -n -r -o UUID -T "$s")"
  chain "$s" source_chain
}

content_ext4() {
  d=$1
  command -v debugfs >/dev/null || { echo 'problem=debugfs is not installed (e2fsprogs)'; exit 0; }
  debugfs -R 'ls -p /' "$d" 2>/dev/null | awk -F/ 'NF >= 6 { print "entry=" $6 }'
  dumpe2fs -h "$d" 2>/dev/null | sed -n 's/^Free blocks: *\([0-9]*\)$/free_blocks=\1/p; s/^Block size: *\([0-9]*\)$/block_size=\1/p'
}

content_xfs() {
  d=$1
  command -v xfs_db >/dev/null || { echo 'problem=xfs_db is not installed (xfsprogs)'; exit 0; }
  xfs_db -r -c 'sb 0' -c 'p icount ifree fdblocks blocksize' "$d" 2>/dev/null | sed 's/ = /=/'
  xfs_db -r -c 'ls /' "$d" 2>/dev/null | sed -n 's/^ *[0-9][0-9]* *[0-9][0-9]* *[a-z]* *0x[0-9a-f]* *[0-9][0-9]* \(.*\) ([a-z]*)$/entry=\1/p'
}

case ${1:-} in
  device) device_probe "$2" ;;
  source) source_probe "$2" ;;
  content-ext4) content_ext4 "$2" ;;
  content-xfs) content_xfs "$2" ;;
  *) echo "migration-preflight.sh: unknown probe '${1:-}' (device, source, content-ext4, content-xfs)" >&2; exit 2 ;;
esac
