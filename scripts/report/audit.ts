// The audit trail: one JSON line per run appended to $XDG_STATE_HOME/waptops/audit.jsonl, never a secret.
import { appendFile, chmod, mkdir } from 'node:fs/promises';
import { homedir, hostname, userInfo } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { redactValue } from '../core/redact.js';
import type { HostRecap } from '../engine/events.js';

/** What the runner knows about a finished run; params must already be masked by the engine. */
export interface AuditRun {
  playbook: string;
  params: Record<string, unknown>;
  hosts: string[];
  check: boolean;
  exitCode: number;
  recaps: HostRecap[];
  durationMs: number;
}

/** One line of audit.jsonl. */
export interface AuditEntry extends Omit<AuditRun, 'recaps'> {
  time: string;
  user: string;
  controller: string;
  pid: number;
  recaps: Record<
    string,
    { ok: number; changed: number; failed: number; skipped: number; unreachable: boolean }
  >;
}

/** A key whose value is masked whatever it holds. */
const SECRET_KEY = /pass(word|wd|phrase)?|secret|token|key|credential/i;

/** Copy of `value` with the value of every secret-looking key (at any depth) replaced by `***`. */
export function maskSecretKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(maskSecretKeys) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '***' : maskSecretKeys(v);
    return out as T;
  }
  return value;
}

/** `$XDG_STATE_HOME/waptops/audit.jsonl`, or `~/.local/state/waptops/audit.jsonl` (XDG wants an absolute path). */
export function auditFile(env: NodeJS.ProcessEnv = process.env): string {
  const state =
    env.XDG_STATE_HOME && isAbsolute(env.XDG_STATE_HOME)
      ? env.XDG_STATE_HOME
      : join(homedir(), '.local', 'state');
  return join(state, 'waptops', 'audit.jsonl');
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? String(process.getuid?.() ?? 'unknown');
  }
}

/** Builds the audit line for a run: who, where, what, and how it ended; secret-looking keys masked. */
export function auditEntry(run: AuditRun, time = new Date()): AuditEntry {
  const recaps: AuditEntry['recaps'] = {};
  for (const r of run.recaps) {
    recaps[r.host] = {
      ok: r.ok,
      changed: r.changed,
      failed: r.failed,
      skipped: r.skipped,
      unreachable: r.unreachable,
    };
  }
  return redactValue({
    time: time.toISOString(),
    user: currentUser(),
    controller: hostname(),
    pid: process.pid,
    playbook: run.playbook,
    params: maskSecretKeys(run.params),
    hosts: run.hosts,
    check: run.check,
    exitCode: run.exitCode,
    recaps,
    durationMs: run.durationMs,
  });
}

/** Appends one line for `run` to the audit file (directory 0700, file 0600) and returns the file's path. */
export async function appendAudit(run: AuditRun, file = auditFile()): Promise<string> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await appendFile(file, `${JSON.stringify(auditEntry(run))}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}
