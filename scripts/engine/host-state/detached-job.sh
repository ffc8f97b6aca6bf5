#!/bin/sh
# Detached jobs on a host, sent as `sh -c SCRIPT detached-job MODE ...` (as root):
#   launch DIR UNIT     the job's script comes on stdin: DIR is made afresh (root only) with the script and its
#                       wrapper, then the wrapper runs under systemd-run as UNIT (outside the SSH session), or
#                       under setsid where systemd does not run the host
#   poll DIR PROGRESS   prints `done RC`, `running [LAST PROGRESS LINE]` then the log's last line, `starting` or
#                       `absent`; PROGRESS is a shell command printing the bytes done so far (`true` for none)
#   stop JOBS PREFIX    kills the whole process group of every job JOBS/PREFIX-* (TERM, then KILL after 5 s)
#                       and removes its directory
set -u

# The wrapper (DIR/run, argument 1 = DIR) records its pid, runs the script with its output in log, then
# publishes rc atomically. It is a file, not an `sh -c` argument: systemd-run would expand the `$` signs of a
# command line (`$$` becomes `$`).
write_wrapper() {
  cat >"$1/run" <<'WRAPPER'
echo $$ > "$1/pid"; sh "$1/script" > "$1/log" 2>&1; echo $? > "$1/rc.tmp"; mv "$1/rc.tmp" "$1/rc"; sync "$1/rc"
WRAPPER
}

case ${1:-} in
  launch)
    d=$2 unit=$3
    umask 077
    rm -rf "$d"
    mkdir -p "$d" && cat >"$d/script" && write_wrapper "$d" || exit 1
    if command -v systemd-run >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
      systemd-run --quiet --collect --unit="$unit" /bin/sh "$d/run" "$d"
    else
      setsid -f /bin/sh "$d/run" "$d" </dev/null >/dev/null 2>&1
    fi
    ;;
  poll)
    d=$2 progress=$3
    if [ -f "$d/rc" ]; then
      echo "done $(cat "$d/rc")"
    elif [ -f "$d/pid" ] && kill -0 "$(cat "$d/pid")" 2>/dev/null; then
      echo "running $(sh -c "$progress" 2>/dev/null | tail -n 1)"
      tail -n 1 "$d/log" 2>/dev/null
    elif [ -d "$d" ]; then
      echo starting
    else
      echo absent
    fi
    ;;
  stop)
    for d in "$2/$3"-*; do
      [ -f "$d/pid" ] || continue
      pid=$(cat "$d/pid")
      pkill -TERM -g "$pid"
      n=0
      while pgrep -g "$pid" >/dev/null && [ $n -lt 50 ]; do
        sleep 0.1
        n=$((n + 1))
      done
      pkill -KILL -g "$pid"
      rm -rf "$d"
    done
    true
    ;;
  *)
    echo "detached-job.sh: launch, poll or stop, not '${1:-}'" >&2
    exit 2
    ;;
esac
