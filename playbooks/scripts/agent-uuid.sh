#!/bin/sh
# The host id the WAPT 1.8.2 Linux agent registers with, from wapt-get.ini ($1), in its order of precedence
# (common.py:2921-2925 and host_uuid :3227-3266), as one line:
#   forced UUID    [global] uuid is set: it wins over everything (written by generate-uuid as rnd-<uuid4>, or by
#                  the agent itself when DMI gave no UUID)
#   fqdn NAME      use_fqdn_as_uuid is true: the host's FQDN, lower case
#   bios UUID      the DMI (BIOS) UUID
#   none           no DMI UUID: the agent writes a random [global] uuid at its next start
set -u
global() { sed -n '/^\[global\]/,/^\[/p' "$1" | sed -n "s/^[ \t]*$2[ \t]*[=:][ \t]*//Ip" | head -n 1 | tr -d '\r'; }
forced=$(global "$1" uuid)
fqdn=$(global "$1" use_fqdn_as_uuid | tr '[:upper:]' '[:lower:]')
bios=$(cat /sys/class/dmi/id/product_uuid 2>/dev/null || true)
if [ -n "$forced" ]; then echo "forced $forced"
elif [ "$fqdn" = 1 ] || [ "$fqdn" = true ] || [ "$fqdn" = yes ] || [ "$fqdn" = on ]; then echo "fqdn $(hostname -f | tr '[:upper:]' '[:lower:]')"
elif [ -n "$bios" ]; then echo "bios $bios"
else echo none; fi
