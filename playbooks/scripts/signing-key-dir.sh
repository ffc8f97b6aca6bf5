#!/bin/sh
# The private tmpfs directory a signing key lives in while the WAPT tools (run as user wapt) read it:
#   create DIR GROUP   DIR made anew (a leftover of a cut run removed first): owner root, group GROUP, mode 750;
#                      refused when DIR's parent is not a tmpfs (a key must never reach a disk)
#   remove DIR         DIR and everything in it removed (nothing to do when it is absent)
set -eu
case ${1:-} in
  create)
    parent=$(dirname -- "$2")
    fs=$(stat -f -c %T -- "$parent")
    [ "$fs" = tmpfs ] || { echo "$parent is $fs, not tmpfs: the signing key would reach a disk" >&2; exit 1; }
    rm -rf -- "$2"
    mkdir -m 0750 -- "$2"
    chown "root:$3" -- "$2"
    ;;
  remove) rm -rf -- "$2" ;;
  *) echo "signing-key-dir.sh: create or remove, not '${1:-}'" >&2; exit 2 ;;
esac
