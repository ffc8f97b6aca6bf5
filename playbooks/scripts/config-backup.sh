#!/bin/sh
# Copies of configuration files kept beside them as FILE.waptops-TS, and what changed since:
#   backup FILE...        each existing FILE copied (cp -p) to FILE.waptops-TS; prints TS
#   diff TS FILE...       a unified diff of each FILE against its copy; the values of secret keys (password,
#                         secret, key = ...) are shown as (secret) so the report never holds them
#   restore TS FILE...    each copy put back over FILE
# A FILE that did not exist at backup time is noted as such (FILE.waptops-TS.absent).
set -u
case ${1:-} in
  backup)
    shift
    ts=$(date -u +%Y%m%dT%H%M%SZ)
    for f in "$@"; do
      if [ -e "$f" ]; then cp -p -- "$f" "$f.waptops-$ts" || exit 1; else : > "$f.waptops-$ts.absent" || exit 1; fi
    done
    echo "$ts"
    ;;
  diff)
    ts=$2; shift 2
    for f in "$@"; do
      if [ -e "$f.waptops-$ts.absent" ]; then old=/dev/null; else old=$f.waptops-$ts; fi
      diff -u --label "$f (before)" --label "$f (after)" -- "$old" "$f" |
        sed -E 's/^([-+ ][ \t]*[A-Za-z0-9_]*(password|secret|_key)[A-Za-z0-9_]*[ \t]*=[ \t]*).+$/\1(secret)/'
    done
    ;;
  restore)
    ts=$2; shift 2
    for f in "$@"; do
      if [ -e "$f.waptops-$ts.absent" ]; then rm -f -- "$f"; elif [ -e "$f.waptops-$ts" ]; then cp -p -- "$f.waptops-$ts" "$f"; fi
    done
    ;;
  *) echo "config-backup.sh: backup, diff or restore, not '${1:-}'" >&2; exit 2 ;;
esac
