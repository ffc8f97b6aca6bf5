#!/bin/sh
# LAB STAND-IN for the Linux agent's wapt-get: only `generate-uuid` is implemented (it writes [global] uuid).
set -eu
INI=/opt/wapt/wapt-get.ini
case "${1:-}" in
  generate-uuid)
    if grep -Eiq '^use_fqdn_as_uuid *= *(1|true)' "$INI"; then uuid=$(hostname -f); else uuid=$(cat /proc/sys/kernel/random/uuid); fi
    if grep -q '^uuid *=' "$INI"; then sed -i "s/^uuid *=.*/uuid = $uuid/" "$INI"; else sed -i "/^\[global\]/a uuid = $uuid" "$INI"; fi
    echo "uuid: $uuid" ;;
  *) echo "wapt-get (lab stand-in): only 'generate-uuid' exists here" >&2; exit 2 ;;
esac
