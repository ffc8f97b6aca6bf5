#!/bin/sh
# The WAPT server's HTTPS pair (SSL_DIR/cert.pem and key.pem), made the way WAPT 1.8.2's postconf makes it when
# it makes one (postconf.py:204-233 with waptcrypto.py build_sign_certificate: RSA 2048, self-signed, 10
# years, CN and SAN DNS the FQDN), without postconf's other effects:
#   make SSL_DIR FQDN GROUP     the old pair moved aside as cert.pem.waptops-TS / key.pem.waptops-TS (kept), the
#                               new one in place, owner root:GROUP, mode 440; nginx -t must accept it, or the old
#                               pair goes back (exit 1). Prints TS.
#   restore SSL_DIR TS          the pair moved aside as TS put back (the new one removed)
set -eu
case ${1:-} in
  make)
    dir=$2 fqdn=$3 group=$4
    ts=$(date -u +%Y%m%dT%H%M%SZ)
    umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=$fqdn" -addext "subjectAltName=DNS:$fqdn" \
      -keyout "$dir/key.pem.waptops-new" -out "$dir/cert.pem.waptops-new" 2>/dev/null
    chown "root:$group" "$dir/key.pem.waptops-new" "$dir/cert.pem.waptops-new"
    chmod 440 "$dir/key.pem.waptops-new" "$dir/cert.pem.waptops-new"
    for f in cert key; do [ ! -e "$dir/$f.pem" ] || mv -- "$dir/$f.pem" "$dir/$f.pem.waptops-$ts"; done
    mv -- "$dir/key.pem.waptops-new" "$dir/key.pem"
    mv -- "$dir/cert.pem.waptops-new" "$dir/cert.pem"
    if ! out=$(nginx -t 2>&1); then
      for f in cert key; do [ ! -e "$dir/$f.pem.waptops-$ts" ] || mv -f -- "$dir/$f.pem.waptops-$ts" "$dir/$f.pem"; done
      printf 'nginx -t refused the new pair; the old one is back:\n%s\n' "$out" >&2
      exit 1
    fi
    echo "$ts"
    ;;
  restore)
    dir=$2 ts=$3
    for f in cert key; do [ ! -e "$dir/$f.pem.waptops-$ts" ] || mv -f -- "$dir/$f.pem.waptops-$ts" "$dir/$f.pem"; done
    ;;
  *) echo "https-pair.sh: make or restore, not '${1:-}'" >&2; exit 2 ;;
esac
