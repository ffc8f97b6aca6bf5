#!/bin/sh
# Exit 0 when FOLDER/Packages ($1) lists FILE ($2) with the md5sum of FOLDER/FILE, else 1 saying why:
# wapt-scanpackages exits 0 even when it drops a package it cannot read (waptpackage.py:3300-3302).
set -u
m=$(md5sum < "$1/$2" | cut -d ' ' -f 1) || exit 1
unzip -p "$1/Packages" Packages 2>/dev/null | awk -v f="$2" -v m="$m" 'BEGIN { RS = "" } {
  file = ""; sum = ""; n = split($0, lines, "\n")
  for (i = 1; i <= n; i++) { k = lines[i]; sub(/[ \t]*:.*/, "", k); v = lines[i]; sub(/^[^:]*:[ \t]*/, "", v); sub(/[ \t\r]+$/, "", v)
    if (k == "filename") file = v; if (k == "md5sum") sum = v }
  if (file == f && sum == m) found = 1 } END { exit found ? 0 : 1 }' && exit 0
echo "$2 is not listed in $1/Packages with its md5sum $m after wapt-scanpackages, which exits 0 even when it drops a package (a BOM or non-UTF-8 WAPT/control is left out: make lint-repo)" >&2
exit 1
