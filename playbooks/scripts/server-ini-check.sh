#!/bin/sh
# Reads [options] of waptserver.ini ($1) the way WAPT 1.8's waptserver reads it (Python 2 RawConfigParser: keys
# case-insensitive, split at the first ':' or '=', ' ;comment' dropped, indented lines continue a value, the
# last one wins) and prints one JSON line:
#   {"secret_key_length": N, "server_uuid_length": N, "db_local": true|false}
# a length is -1 when the key is absent; db_local: db_host is absent, empty, localhost, 127.0.0.1 or ::1 (the
# database postconf runs on this host). secret_key's value is never printed: only its length
# in bytes, as Python 2 counts it. Exits 3 when the file cannot be read.
set -u
[ -r "$1" ] || {
  echo "cannot read $1" >&2
  exit 3
}
LC_ALL=C awk '
  function value_of(text, pos) {
    pos = index(text, ";")
    if (pos > 1 && substr(text, pos - 1, 1) ~ /[ \t]/) text = substr(text, 1, pos - 1)
    gsub(/^[ \t\r]+|[ \t\r]+$/, "", text)
    return text == "\"\"" ? "" : text
  }
  /^[#;]/ || (/^[rR]/ && tolower($1) == "rem") { next }
  /^[ \t]/ {
    line = $0; gsub(/^[ \t\r]+|[ \t\r]+$/, "", line)
    if (section == "options" && key != "" && line != "") val[key] = val[key] "\n" line
    next
  }
  /^\[[^]]+\]/ { section = substr($0, 2, index($0, "]") - 2); key = ""; next }
  section == "options" && match($0, /[:=]/) {
    key = substr($0, 1, RSTART - 1); gsub(/[ \t]+$/, "", key); key = tolower(key)
    if (key == "") next
    val[key] = value_of(substr($0, RSTART + 1)); seen[key] = 1
  }
  END {
    printf "{\"secret_key_length\": %d, ", ("secret_key" in seen) ? length(val["secret_key"]) : -1
    printf "\"server_uuid_length\": %d, ", ("server_uuid" in seen) ? length(val["server_uuid"]) : -1
    db = val["db_host"]
    printf "\"db_local\": %s}\n", (db == "" || db == "localhost" || db == "127.0.0.1" || db == "::1") ? "true" : "false"
  }
' "$1"
