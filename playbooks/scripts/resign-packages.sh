#!/bin/sh
# Re-signing of WAPT repository folders with a new certificate, judged from the packages themselves (the
# SHA-256 fingerprint of the DER form of each WAPT/certificate.crt, as WAPT computes it), never from the
# tool's output text:
#   list FP FOLDER...                         one FOLDER/FILE a line for each package not signed by FP (those
#                                             whose control WAPT cannot read are named on stderr, left alone)
#   sign WRAPPER CERT KEY FP FOLDER...        re-signs those with `WRAPPER -c CERT -k KEY -m sha256 --if-needed`,
#                                             one package at a time; a file the tool renamed to its canonical
#                                             name gets its name back; the version must not change. Prints
#                                             resigned|failed<TAB>FOLDER/FILE[<TAB>why]; exit 1 on any failure
#   verify FP FOLDER...                       exit 1 naming each package not signed by FP, and each disagreement
#                                             between a folder's Packages index and its files
# The WAPT 1.8 wrappers pass their arguments unquoted ($@), so no path may hold a space or a glob character.
set -u
fingerprint() { unzip -p "$1" WAPT/certificate.crt 2>/dev/null | openssl x509 -outform DER 2>/dev/null | sha256sum | cut -d ' ' -f 1; }
field() { unzip -p "$1" WAPT/control 2>/dev/null | awk -v k="$2" '!NF { exit } { n = $0; sub(/[ \t]*:.*/, "", n) } tolower(n) == k { sub(/^[^:]*:[ \t]*/, ""); sub(/[ \t\r]+$/, ""); print; exit }'; }
plain() {
  case $1 in *[[:space:]\*\?\[]*)
    echo "refusing $1: the WAPT tools' wrappers split arguments on spaces and expand globs" >&2
    exit 2 ;;
  esac
}
readable() { # WAPT reads WAPT/control as UTF-8 without a BOM (waptpackage.py:1293); it cannot sign it otherwise
  unzip -p "$1" WAPT/control > "$WORK/control" 2>/dev/null || return 1
  [ "$(od -An -N3 -tx1 "$WORK/control" | tr -d ' \n')" != efbbbf ] || return 1
  ! command -v iconv >/dev/null || iconv -f UTF-8 -t UTF-8 "$WORK/control" >/dev/null 2>&1
}
unsigned() { # packages WAPT cannot read are left alone, named on stderr (agents cannot install them anyway)
  fp=$1; shift
  for folder in "$@"; do
    for f in "$folder"/*.wapt; do
      [ -f "$f" ] || continue
      [ "$(fingerprint "$f")" != "$fp" ] || continue
      if readable "$f"; then printf '%s\n' "$f"; else
        echo "left alone: $f (WAPT cannot read its WAPT/control: a BOM, not UTF-8, or missing; make lint-repo)" >&2
      fi
    done
  done
}
failed() { printf 'failed\t%s\t%s\n' "$1" "$2" | tee -a "$WORK/failed"; }
sign_one() { # WRAPPER CERT KEY FILE WORK
  dir=${4%/*} name=${4##*/} version=$(field "$4" version)
  ls -1 "$dir" > "$5/before"
  "$1" -c "$2" -k "$3" -m sha256 --if-needed "$4" < /dev/null > "$5/out" 2>&1
  rc=$?
  cat "$5/out" >> "$5/log"
  if [ ! -e "$4" ]; then
    for f in "$dir"/*.wapt; do
      grep -Fxq -- "${f##*/}" "$5/before" || { mv -- "$f" "$4" && printf 'renamed-back\t%s\t%s\n' "$f" "$name"; break; }
    done
  fi
  why=$(grep -E '^(Error|ERROR|WARNING)' "$5/out" | head -n 1)
  if [ "$rc" -ne 0 ] || [ ! -e "$4" ]; then failed "$4" "${why:-exit $rc}"; return 1; fi
  if [ "$(field "$4" version)" != "$version" ]; then failed "$4" "version changed from $version"; return 1; fi
  if [ "$(fingerprint "$4")" != "$FP" ]; then failed "$4" 'still not signed by the new certificate'; return 1; fi
  printf 'resigned\t%s\n' "$4"
}
packages_disagree() { # FOLDER: Packages against the files (host packages are never listed)
  [ -f "$1/Packages" ] || return 0
  unzip -p "$1/Packages" Packages 2>/dev/null | awk 'BEGIN { RS = "" } {
    file = ""; sum = ""; n = split($0, l, "\n")
    for (i = 1; i <= n; i++) { k = l[i]; sub(/[ \t]*:.*/, "", k); v = l[i]; sub(/^[^:]*:[ \t]*/, "", v); sub(/[ \t\r]+$/, "", v)
      if (k == "filename") file = v; if (k == "md5sum") sum = v }
    print file "\t" sum }' > "$WORK/index"
  for f in "$1"/*.wapt; do
    [ -f "$f" ] || continue
    [ "$(field "$f" section)" = host ] && continue
    readable "$f" || continue
    sum=$(md5sum < "$f" | cut -d ' ' -f 1)
    grep -Fxq -- "${f##*/}	$sum" "$WORK/index" || echo "$f: not listed in $1/Packages with its current md5sum"
  done
  while IFS="	" read -r file _; do
    [ -e "$1/$file" ] || echo "$1/Packages lists $file, which is not in the folder"
  done < "$WORK/index"
}
WORK=$(mktemp -d) || exit 3
trap 'rm -rf -- "$WORK"' EXIT
case ${1:-} in
  list) shift; FP=$1; shift; unsigned "$FP" "$@" ;;
  sign)
    shift; wrapper=$1 cert=$2 key=$3 FP=$4; shift 4
    unsigned "$FP" "$@" > "$WORK/todo"
    for p in "$cert" "$key" "$@"; do plain "$p"; done
    while IFS= read -r f; do plain "$f"; done < "$WORK/todo"
    failed=0
    while IFS= read -r f; do sign_one "$wrapper" "$cert" "$key" "$f" "$WORK" || failed=1; done < "$WORK/todo"
    [ "$failed" -eq 0 ] || { echo "wapt-signpackages said:" >&2; cat "$WORK/log" "$WORK/failed" >&2; exit 1; }
    ;;
  verify)
    shift; FP=$1; shift
    bad=$( { unsigned "$FP" "$@" | sed 's/$/: not signed by the new certificate/'
             for folder in "$@"; do packages_disagree "$folder"; done; } )
    [ -z "$bad" ] || { echo "$bad" >&2; exit 1; }
    ;;
  *) echo "resign-packages.sh: list, sign or verify, not '${1:-}'" >&2; exit 2 ;;
esac
