#!/bin/sh
# The .wapt files of FOLDER ($2) whose WAPT/certificate.crt is not the certificate with SHA-256 FINGERPRINT ($3,
# of its DER form, as WAPT computes fingerprints):
#   list FOLDER FINGERPRINT    prints one file name a line
#   verify FOLDER FINGERPRINT  exits 1 naming them on stderr when there is any
set -u
not_signed() {
  for f in "$1"/*.wapt; do
    [ -e "$f" ] || continue
    fp=$(unzip -p "$f" WAPT/certificate.crt 2>/dev/null | openssl x509 -outform DER 2>/dev/null | sha256sum | cut -d ' ' -f 1)
    [ "$fp" = "$2" ] || printf '%s\n' "${f##*/}"
  done
}
case $1 in
  list) not_signed "$2" "$3" ;;
  verify)
    left=$(not_signed "$2" "$3") || exit 1
    [ -z "$left" ] || {
      echo "not signed by the new certificate: $(echo "$left" | tr '\n' ' ' | sed 's/ $//')" >&2
      exit 1
    }
    ;;
  *)
    echo "not-signed-by.sh: list or verify, not '$1'" >&2
    exit 2
    ;;
esac
