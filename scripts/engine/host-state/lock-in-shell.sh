# shellcheck shell=sh
# The run lock taken by the persistent login shell itself (sent as text, not run as a file): the shell
# keeps fd 9 on the lock file open and flocked for as long as it lives, so a dropped connection, which
# ends the shell, frees the lock. Commands run in subshells that close fd 9 first. Prints one line:
# LOCKED <previous holder or nothing>, BUSY <holder>, or ERROR <why>.
# Input: __waptops_holder (this run, as JSON). Leaves: __waptops_lock (the lock file).
__waptops_lock=/run/lock
[ -d "$__waptops_lock" ] && [ -w "$__waptops_lock" ] || __waptops_lock=/tmp
__waptops_lock="$__waptops_lock/waptops.lock"
# Made when missing, in append mode: a run starting at the same moment never empties what another wrote.
(
  umask 000
  [ -e "$__waptops_lock" ] || : >>"$__waptops_lock" 2>/dev/null
  [ -e "$__waptops_lock.info" ] || : >>"$__waptops_lock.info" 2>/dev/null
)
# `command` keeps a failed redirection from ending the shell, as it would for the special builtin exec.
if ! [ -r "$__waptops_lock" ] || ! command exec 9<"$__waptops_lock"; then
  echo "ERROR cannot open $__waptops_lock"
elif ! flock -n 9; then
  # The holder writes its line right after its flock: an empty read is retried briefly.
  __waptops_info=
  for __waptops_try in 1 2 3 4 5; do
    IFS= read -r __waptops_info 2>/dev/null <"$__waptops_lock.info"
    [ -n "$__waptops_info" ] && break
    sleep 0.05
  done
  echo "BUSY $__waptops_info"
  exec 9<&-
else
  # The previous holder is read with a builtin and this run written at once: no process runs in between.
  __waptops_info=
  IFS= read -r __waptops_info 2>/dev/null <"$__waptops_lock.info"
  # shellcheck disable=SC2154 # set by the code that sends this text
  printf '%s\n' "$__waptops_holder" >"$__waptops_lock.info"
  echo "LOCKED $__waptops_info"
fi
