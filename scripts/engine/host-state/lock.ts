// The run lock held on each host for the whole run: flock on a file under /run/lock.
import os from 'node:os';
import { LockError } from '../../core/errors.js';
import { sh } from '../../transport/command.js';
import type { HeldProcess, Transport } from '../../transport/types.js';

/** Who holds a lock: written on the host next to the lock file. */
export interface LockHolder {
  user: string;
  controller: string;
  pid: number;
  playbook: string;
  started: string;
}

/** A lock this run holds; `stale` names a previous holder that vanished without releasing. */
export interface HeldLock {
  stale?: LockHolder;
  release(): Promise<void>;
}

// The holder keeps fd 9 locked while it waits for EOF on stdin; a dropped connection ends it,
// so the kernel frees the lock. A leftover .info with a free lock is the trace of a stale holder.
const LOCK_SCRIPT = `d=/run/lock; [ -d "$d" ] && [ -w "$d" ] || d=/tmp
f="$d/waptops.lock"; umask 000
[ -e "$f" ] || : > "$f" 2>/dev/null; [ -e "$f.info" ] || : > "$f.info" 2>/dev/null
exec 9<"$f" || { echo "ERROR cannot open $f"; exit 1; }
if ! flock -n 9; then echo "BUSY $(cat "$f.info" 2>/dev/null)"; exit 0; fi
echo "LOCKED $(cat "$f.info" 2>/dev/null)"
printf '%s\\n' "$1" > "$f.info"
cat >/dev/null
: > "$f.info"`;

/** Describes this run as a lock holder. */
export function currentHolder(playbook: string): LockHolder {
  return {
    user: os.userInfo().username,
    controller: os.hostname(),
    pid: process.pid,
    playbook,
    started: new Date().toISOString(),
  };
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const h = JSON.parse(text) as LockHolder;
    return typeof h.user === 'string' ? h : undefined;
  } catch {
    return undefined;
  }
}

/** Formats a holder for a person. */
export function describeHolder(h: LockHolder | undefined): string {
  if (!h) return 'an unknown holder';
  return `${h.user}@${h.controller} pid ${h.pid} running ${h.playbook} since ${h.started}`;
}

/** Takes the host's run lock or throws LockError naming the holder. */
export async function acquireLock(t: Transport, holder: LockHolder): Promise<HeldLock> {
  const proc: HeldProcess = await t.hold(sh`sh -c ${LOCK_SCRIPT} waptops-lock ${JSON.stringify(holder)}`);
  const line = await proc.firstLine;
  const [word, ...rest] = line.split(' ');
  const info = rest.join(' ').trim();
  if (word === 'LOCKED') {
    const stale = info ? parseHolder(info) : undefined;
    return { stale, release: () => proc.release() };
  }
  await proc.release();
  if (word === 'BUSY') {
    throw new LockError(
      `${t.host}: locked by ${describeHolder(parseHolder(info))}`,
      'wait for that run to end; the lock is released when its connection closes',
    );
  }
  throw new LockError(`${t.host}: cannot take the run lock: ${line || 'no answer'}`);
}
