#!/bin/sh
# What WAPT 1.8.2's `postconf.sh -q` would change on this server (postconf.py:420-700), as one JSON line, from
# waptserver.ini ($1), the waptwua folder ($2) and PostgreSQL's configuration ($3; empty: the file PostgreSQL
# names, as postconf.py:352-355 asks it; it may be absent). Values of
# secrets are never printed: only whether they are set.
set -u
ini=$1 wua=$2 pgconf=$3
value() { sed -n '/^\[options\]/,/^\[/p' "$ini" | sed -n "s/^$1[ \t]*=[ \t]*//p" | head -n 1 | tr -d '\r'; }
set_or_not() { [ -n "$(value "$1")" ] && echo true || echo false; }
reg=$(value allow_unauthenticated_registration)
ca=$(value clients_signing_certificate)
[ -n "$ca" ] && [ -f "$ca" ] && ca_ok=true || ca_ok=false
subdirs=0
[ -d "$wua" ] && subdirs=$(find "$wua" -mindepth 1 -type d ! -path "$wua/.stfolder" ! -path "$wua/.stfolder/*" | wc -l)
if [ -z "$pgconf" ] && command -v psql >/dev/null; then
  pgconf=$(su postgres -s /bin/sh -c "psql -Atc 'SHOW config_file'" 2>/dev/null || true)
fi
max=$( { [ -f "$pgconf" ] && sed -n 's/^[ \t]*max_connections[ \t]*=[ \t]*\([0-9]*\).*/\1/p' "$pgconf" | head -n 1; } || true)
printf '{"registration": "%s", "password_set": %s, "secret_key_set": %s, "server_uuid_set": %s, "clients_ca": %s, "waptwua_subfolders": %s, "max_connections": "%s"}\n' \
  "$reg" "$(set_or_not wapt_password)" "$(set_or_not secret_key)" "$(set_or_not server_uuid)" "$ca_ok" "$subdirs" "$max"
