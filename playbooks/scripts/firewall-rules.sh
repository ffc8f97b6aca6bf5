#!/bin/sh
# Prints the host's firewall rules that drop or reject TCP port $1 (nothing when none does), read with
# `nft list ruleset`, else `iptables-save`. When neither can be read, says why in one line on stderr and
# exits 3: the tool is missing, or it was refused (root without CAP_NET_ADMIN, e.g. in a container).
set -u
port=$1
errors=$(mktemp) || exit 1
trap 'rm -f "$errors"' EXIT
why=''
for tool in 'nft list ruleset' iptables-save; do
  name=${tool%% *}
  if ! command -v "$name" >/dev/null 2>&1; then
    why="$why${why:+; }$name is not installed"
    continue
  fi
  # $tool is one of the two fixed commands above: split into its words on purpose
  # shellcheck disable=SC2086
  if rules=$($tool 2>"$errors"); then
    printf '%s\n' "$rules" | grep -E -i "dport ($port|https)\b.*(drop|reject)" || true
    exit 0
  fi
  err=$(head -n 1 "$errors")
  case $err in
  *'not permitted'* | *'ermission denied'*) err="refused ($err), reading the rules needs CAP_NET_ADMIN" ;;
  esac
  why="$why${why:+; }$name: ${err:-failed}"
done
echo "cannot read the firewall rules: $why" >&2
exit 3
