#!/bin/sh
# Joins each cgroup directory named before `--`, then runs the command after it (systemd-nspawn for a lab host),
# so that the command and everything it starts live in cgroups of their own.
set -eu
while [ "$#" -gt 0 ] && [ "$1" != -- ]; do
  echo "$$" >"$1/cgroup.procs"
  shift
done
[ "$#" -gt 0 ] || { echo "usage: boot-in-cgroups.sh CGROUP_DIR... -- COMMAND..." >&2; exit 2; }
shift
exec "$@"
