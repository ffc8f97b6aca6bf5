// The run lock held on each host for the whole run: flock on a file under /run/lock.
import os from 'node:os';
import { LockError } from '../../core/errors.js';
import { raw, sh, shQuote } from '../../transport/command.js';
import { hostScriptText } from '../../transport/host-script.js';
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
// The holder's line is written right after its flock (a builtin read, no process in between), and a
// refused run retries an empty read briefly, so it names the holder. Files are made in append mode, so
// a run starting at the same moment never empties the line another has just written.
const LOCK_SCRIPT = `d=/run/lock; [ -d "$d" ] && [ -w "$d" ] || d=/tmp
f="$d/waptops.lock"; umask 000
[ -e "$f" ] || : >> "$f" 2>/dev/null; [ -e "$f.info" ] || : >> "$f.info" 2>/dev/null
exec 9<"$f" || { echo "ERROR cannot open $f"; exit 1; }
if ! flock -n 9; then
  i=; for t in 1 2 3 4 5; do IFS= read -r i 2>/dev/null < "$f.info"; [ -n "$i" ] && break; sleep 0.05; done
  echo "BUSY $i"; exit 0
fi
i=; IFS= read -r i 2>/dev/null < "$f.info"; printf '%s\\n' "$1" > "$f.info"; echo "LOCKED $i"
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

const LOCK_IN_SHELL = new URL('./lock-in-shell.sh', import.meta.url);
// Clears the holder, then closes the lock's fd in the shell (which frees the lock).
const UNLOCK_IN_SHELL = ': >"$__waptops_lock.info" 2>/dev/null; exec 9<&-';

/**
 * Takes the host's run lock or throws LockError naming the holder. Over SSH the persistent login shell
 * holds it (no extra channel or process); elsewhere a held `sh` process does.
 */
export async function acquireLock(t: Transport, holder: LockHolder): Promise<HeldLock> {
  const held = t.runInShell ? await lockInShell(t, holder) : await lockInProcess(t, holder);
  const [word, ...rest] = held.line.split(' ');
  const info = rest.join(' ').trim();
  if (word === 'LOCKED') {
    const stale = info ? parseHolder(info) : undefined;
    return { stale, release: held.release };
  }
  await held.giveUp();
  if (word === 'BUSY') {
    throw new LockError(
      `${t.host}: locked by ${describeHolder(parseHolder(info))}`,
      'wait for that run to end; the lock is released when its connection closes',
    );
  }
  throw new LockError(`${t.host}: cannot take the run lock: ${held.line || 'no answer'}`);
}

/** A lock attempt: the first line it printed, how to let go of a lock it took, and how to end one that did not. */
interface LockAttempt {
  line: string;
  release(): Promise<void>;
  giveUp(): Promise<void>;
}

async function lockInShell(t: Transport, holder: LockHolder): Promise<LockAttempt> {
  const runInShell = t.runInShell?.bind(t) as NonNullable<Transport['runInShell']>;
  const take = raw(`__waptops_holder=${shQuote(JSON.stringify(holder))}\n${hostScriptText(LOCK_IN_SHELL)}`);
  const r = await runInShell(take);
  return {
    line: r.stdout.split('\n')[0] ?? '',
    release: async () => {
      await runInShell(raw(UNLOCK_IN_SHELL)).catch(() => undefined); // a lost shell has freed it already
    },
    // A refused attempt closed its fd already; clearing the holder's line here would erase another run's.
    giveUp: async () => {},
  };
}

async function lockInProcess(t: Transport, holder: LockHolder): Promise<LockAttempt> {
  const proc: HeldProcess = await t.hold(sh`sh -c ${LOCK_SCRIPT} waptops-lock ${JSON.stringify(holder)}`);
  return { line: await proc.firstLine, release: () => proc.release(), giveUp: () => proc.release() };
}
