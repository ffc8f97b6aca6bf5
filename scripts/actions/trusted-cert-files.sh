#!/bin/sh
# The host side of reading an agent's trusted certificates, sent as `sh -c SCRIPT trusted-cert-files INI DEFAULT
# [DIR...]`: the folder WAPT 1.8.2 loads them from is `[global] public_certs_dir` of INI (wapt-get.ini), else
# DEFAULT (common.py:2943-2946); every *.crt and *.pem of the DIRs and of that folder (waptcrypto.py:268) is
# printed whole, in hex, for the controller to read every certificate of it. Tab-separated records:
#   certs_dir<TAB>FOLDER<TAB>ini|default   the folder public_certs_dir names, and where that came from
#   nodir<TAB>FOLDER                        a folder that does not exist
#   file<TAB>PATH<TAB>HEX                   a *.crt or *.pem file and its bytes
# Exit 3 when od or awk is missing.
ini=$1 default=$2; shift 2
for tool in od awk; do
  command -v "$tool" >/dev/null || { echo "reading the trusted certificates needs $tool on the host: install it" >&2; exit 3; }
done
# Python 2 ConfigParser's reading: [global] only, keys case-insensitive, last one wins, " ;comment" cut.
dir=$(awk '
  /^\[/ { sub(/[ \t\r]+$/, ""); section = $0; next }
  section == "[global]" && /^[^#; \t]/ {
    line = $0; sub(/\r$/, "", line)
    if (!match(line, /[:=]/)) next
    key = tolower(substr(line, 1, RSTART - 1)); gsub(/^[ \t]+|[ \t]+$/, "", key)
    if (key != "public_certs_dir") next
    value = substr(line, RSTART + 1)
    if (match(value, /[ \t];/)) value = substr(value, 1, RSTART - 1)
    gsub(/^[ \t]+|[ \t]+$/, "", value); found = 1; last = value
  }
  END { if (found) print "ini\t" last }' "$ini" 2>/dev/null)
case $dir in
  ini"	"*) dir=${dir#ini	}; from=ini ;;
  *) dir=$default; from=default ;;
esac
printf 'certs_dir\t%s\t%s\n' "$dir" "$from"
for d in "$@" "$dir"; do
  [ -d "$d" ] || { printf 'nodir\t%s\n' "$d"; continue; }
  for f in "$d"/*.crt "$d"/*.pem; do
    [ -f "$f" ] || continue
    case $f in *'
'*|*'	'*) continue ;; esac
    printf 'file\t%s\t%s\n' "$f" "$(od -An -v -tx1 "$f" | tr -d ' \n')"
  done
done
