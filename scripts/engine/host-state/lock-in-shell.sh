# shellcheck shell=sh
# The run lock taken by the persistent login shell itself (sent as text, not run as a file): the shell
# keeps fd 9 on the lock file open and flocked for as long as it lives, so a dropped connection, which
# ends the shell, frees the lock. Commands run in subshells that close fd 9 first. Prints one line:
# LOCKED <previous holder or nothing>, BUSY <holder>, or ERROR <why>.
# Input: __waptops_holder (this run, as JSON). Leaves: __waptops_lock (the lock file).
__waptops_lock=/run/lock
[ -d "$__waptops_lock" ] && [ -w "$__waptops_lock" ] || __waptops_lock=/tmp
__waptops_lock="$__waptops_lock/waptops.lock"
(
  umask 000
  [ -e "$__waptops_lock" ] || : >"$__waptops_lock" 2>/dev/null
  [ -e "$__waptops_lock.info" ] || : >"$__waptops_lock.info" 2>/dev/null
)
# `command` keeps a failed redirection from ending the shell, as it would for the special builtin exec.
if ! [ -r "$__waptops_lock" ] || ! command exec 9<"$__waptops_lock"; then
  echo "ERROR cannot open $__waptops_lock"
elif ! flock -n 9; then
  echo "BUSY $(cat "$__waptops_lock.info" 2>/dev/null)"
  exec 9<&-
else
  echo "LOCKED $(cat "$__waptops_lock.info" 2>/dev/null)"
  # shellcheck disable=SC2154 # set by the code that sends this text
  printf '%s\n' "$__waptops_holder" >"$__waptops_lock.info"
fi
