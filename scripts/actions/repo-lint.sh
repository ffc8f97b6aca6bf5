#!/bin/sh
# The host side of `repo_lint`, sent as `sh -c SCRIPT repo-lint REPO`: a read-only scan of a WAPT repository's
# packages with POSIX sh, unzip, od and awk, printing tab-separated records for the controller to judge:
#   package<TAB>FILE<TAB>ZIP<TAB>AUDIT<TAB>CONTROL<TAB>CHAIN   a package: ZIP ok|notzip|nocontrol; AUDIT ok,
#        register or register_computer (called inside audit() in setup.py); CONTROL the bytes of WAPT/control in
#        hex or -; CHAIN the key of its WAPT/certificate.crt (a chain record) or -
#   chain<TAB>KEY<TAB>HEX    the bytes of a WAPT/certificate.crt, once per distinct content
#   norepo                   REPO is not a directory. Exit 3 when a tool is missing.
repo=$1
for tool in unzip awk od cksum; do
  command -v "$tool" >/dev/null || { echo "the repository scan needs $tool on the host: install it" >&2; exit 3; }
done
[ -d "$repo" ] || { echo norepo; exit 0; }
hex() { od -An -v -tx1 | tr -d ' \n'; }
seen=' '
for p in "$repo"/*.wapt; do
  [ -f "$p" ] || continue
  n=${p##*/}
  if ! unzip -l "$p" >/dev/null 2>&1; then printf 'package\t%s\tnotzip\tok\t-\t-\n' "$n"; continue; fi
  if unzip -l "$p" WAPT/control >/dev/null 2>&1; then zip=ok control=$(unzip -p "$p" WAPT/control | hex)
  else zip=nocontrol control=-; fi
  # Inside audit() (to the next line indented as much as its def), comments cut: which register call it makes.
  audit=$(unzip -p "$p" setup.py 2>/dev/null | awk '
    /^[ \t]*def[ \t]+audit[ \t]*\(/ { match($0, /^[ \t]*/); indent = RLENGTH; inside = 1; next }
    inside && !/^[ \t]*(#.*)?\r?$/ { match($0, /^[ \t]*/); if (RLENGTH <= indent) inside = 0 }
    !inside { next }
    { sub(/#.*/, "") }
    /register_computer[ \t]*\(/ { found = "register_computer"; exit }
    /(^|[^A-Za-z0-9_.])register[ \t]*\(/ && found == "" { found = "register" }
    END { print (found == "" ? "ok" : found) }')
  chain=-
  if unzip -l "$p" WAPT/certificate.crt >/dev/null 2>&1; then
    chain=$(unzip -p "$p" WAPT/certificate.crt | cksum | tr ' ' -)
    case $seen in *" $chain "*) ;; *)
      seen="$seen$chain "
      printf 'chain\t%s\t%s\n' "$chain" "$(unzip -p "$p" WAPT/certificate.crt | hex)" ;;
    esac
  fi
  printf 'package\t%s\t%s\t%s\t%s\t%s\n' "$n" "$zip" "$audit" "$control" "$chain"
done
