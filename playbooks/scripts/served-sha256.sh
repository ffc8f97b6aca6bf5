#!/bin/sh
# Prints the sha256 of what URL ($1) serves, fetched on the host with curl -k; prints nothing when the answer is
# not a 2xx (curl -f). Used by migrate-repo to prove nginx serves the same Packages before and after.
set -u
tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp"' EXIT
if curl -fsSk --max-time 20 "$1" -o "$tmp"; then
  sha256sum <"$tmp" | cut -d ' ' -f 1
fi
