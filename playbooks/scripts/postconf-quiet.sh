#!/bin/sh
# Runs WAPT's postconf.sh ($1) with the other arguments, its output with the admin password it prints when it
# makes one (postconf.py:471, :695-696) shown as (secret). Exits with postconf's code.
set -u
postconf=$1; shift
out=$(mktemp) || exit 3
trap 'rm -f -- "$out"' EXIT
"$postconf" "$@" > "$out" 2>&1
rc=$?
sed -E 's/(admin password[ \t]*:[ \t]*).+$/\1(secret)/' "$out"
exit "$rc"
