#!/bin/sh
# The host side of `repo_lint`, sent as `sh -c SCRIPT repo-lint REPO TRUSTED_DIR...`: a read-only scan of a
# WAPT repository with POSIX sh, unzip, openssl, od and awk (iconv for UTF-8), printing tab-separated records:
#   trusted<TAB>FINGERPRINT<TAB>FILE              a certificate of a trusted directory
#   package<TAB>FILE<TAB>CONTROL<TAB>AUDIT<TAB>FP  a package: control ok|bom|notutf8|missing|notzip,
#                                                 audit ok|register, the signer's SHA-256 fingerprint or -
#   warning<TAB>TEXT, or norepo when REPO is not a directory. Exit 3 when a tool is missing.
repo=$1; shift
for tool in unzip openssl awk od; do
  command -v "$tool" >/dev/null || { echo "the repository scan needs $tool on the host: install it" >&2; exit 3; }
done
command -v iconv >/dev/null || printf 'warning\tno iconv on the host: WAPT/control was not checked for UTF-8\n'
[ -d "$repo" ] || { echo norepo; exit 0; }
fingerprint() { openssl x509 -noout -fingerprint -sha256 2>/dev/null | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'; }
for d in "$@"; do
  for c in "$d"/*.crt "$d"/*.pem; do
    [ -f "$c" ] || continue
    fp=$(fingerprint < "$c")
    [ -n "$fp" ] && printf 'trusted\t%s\t%s\n' "$fp" "$c"
  done
done
for p in "$repo"/*.wapt; do
  [ -f "$p" ] || continue
  n=${p##*/}
  if ! unzip -l "$p" >/dev/null 2>&1; then printf 'package\t%s\tnotzip\tok\t-\n' "$n"; continue; fi
  if ! unzip -l "$p" WAPT/control >/dev/null 2>&1; then control=missing
  elif [ "$(unzip -p "$p" WAPT/control | od -An -N3 -tx1 | tr -d ' \n')" = efbbbf ]; then control=bom
  elif command -v iconv >/dev/null && ! unzip -p "$p" WAPT/control | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1; then control=notutf8
  else control=ok; fi
  audit=ok
  unzip -p "$p" setup.py 2>/dev/null | awk '
    /^[ \t]*def[ \t]+audit[ \t]*\(/ { match($0, /^[ \t]*/); indent = RLENGTH; inside = 1; next }
    inside && !/^[ \t]*(#.*)?$/ { match($0, /^[ \t]*/); if (RLENGTH <= indent) inside = 0 }
    inside && !/^[ \t]*#/ && /(^|[^A-Za-z0-9_.])register[ \t]*\(/ { found = 1 }
    END { exit found ? 0 : 1 }' && audit=register
  fp=$(unzip -p "$p" WAPT/certificate.crt 2>/dev/null | fingerprint)
  printf 'package\t%s\t%s\t%s\t%s\n' "$n" "$control" "$audit" "${fp:--}"
done
