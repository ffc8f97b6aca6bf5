#!/bin/sh
# One benchmark host, run inside its network namespace by `ip netns exec` (which gives it its own
# mount namespace): a private /run/lock and its own data directory at /srv/waptops-bench, then sshd.
# usage: farm-host.sh DATA_DIR SSHD_ARGUMENTS...
set -eu
data=$1
shift
mount -t tmpfs -o mode=1777,size=1m waptops-bench-lock /run/lock
mount --bind "$data" /srv/waptops-bench
# sshd forks into the background once it listens; the namespace lives as long as it does.
exec /usr/sbin/sshd "$@"
