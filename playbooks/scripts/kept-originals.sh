#!/bin/sh
# The originals migrate-repo kept beside SOURCE ($2) as SOURCE.pre-migrate-<time>:
#   list SOURCE    prints "<size> <dir>" for each; fails when SOURCE is not a mount point of its own (the
#                  migration is not finished, so nothing may be removed)
#   remove SOURCE  removes each (never crossing into another filesystem) and prints "removed <dir>"
set -u
source=$2
case $1 in
  list)
    mountpoint -q "$source" || {
      echo "$source is not a mount point: the migration is not finished, nothing removed" >&2
      exit 1
    }
    for d in "$source".pre-migrate-*; do
      [ -d "$d" ] || continue
      du -sh --one-file-system "$d"
    done
    ;;
  remove)
    for d in "$source".pre-migrate-*; do
      [ -d "$d" ] || continue
      rm -rf --one-file-system -- "$d"
      echo "removed $d"
    done
    ;;
  *)
    echo "kept-originals.sh: list or remove, not '$1'" >&2
    exit 2
    ;;
esac
