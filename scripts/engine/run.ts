// Runs a playbook over the targeted hosts: batches, forks, locks, steps, rescue, recap, exit code.
import { randomUUID } from 'node:crypto';
import { actions as defaultActions } from '../actions/index.js';
import type { Action } from '../actions/types.js';
import type { Transport } from '../transport/types.js';
import { ConnectError, ExitCode, LockError, WaptopsError } from './errors.js';
import type { EventSink, HostRecap } from './events.js';
import { HostSession } from './host-session.js';
import { acquireLock, currentHolder, describeHolder } from './lock.js';
import type { HostEntry, Inventory, Playbook, Step } from './model.js';
import { mapLimit } from './pool.js';
import { maskParams, newScope, type Scope } from './scope.js';
import { SharedLocks } from './shared-lock.js';
import { runStep } from './step.js';

/** Everything a run needs; the CLI builds it, tests build it directly. */
export interface RunRequest {
  playbook: Playbook;
  inventory: Inventory;
  /** Hosts already selected (limit, shard applied), in order. */
  hosts: string[];
  params: Record<string, unknown>;
  check: boolean;
  diff: boolean;
  forks: number;
  serial?: number;
  maxFailPercent?: number;
  sink: EventSink;
  /** Aborted on Ctrl-C: no new step starts. */
  signal: AbortSignal;
  transportFor(entry: HostEntry): Transport;
  actions?: Record<string, Action>;
}

/** The run's result. */
export interface RunSummary {
  exitCode: number;
  recaps: HostRecap[];
  interrupted: boolean;
  durationMs: number;
}

async function runSteps(
  req: RunRequest,
  session: HostSession,
  scope: Scope,
  steps: Step[],
  recap: HostRecap,
  rescue: boolean,
): Promise<boolean> {
  const host = session.entry.name;
  const registry = req.actions ?? defaultActions;
  for (const [index, step] of steps.entries()) {
    if (req.signal.aborted) return false;
    req.sink({ kind: 'step:start', host, index, name: step.name, rescue });
    const started = Date.now();
    const notes: string[] = [];
    const outcome = await runStep(
      {
        session,
        action: registry[step.action] as Action,
        scope,
        signal: req.signal,
        diff: req.diff,
        hooks: {
          onCommand: (command) => req.sink({ kind: 'cmd', host, index, command }),
          onOutput: (line) => req.sink({ kind: 'output', host, index, line }),
          onProgress: (done, total) => req.sink({ kind: 'progress', host, index, done, total }),
          onNote: (line) => notes.push(line),
        },
      },
      step,
    );
    if (step.id)
      scope.steps[step.id] = {
        status: outcome.status,
        changed: outcome.status === 'changed',
        ...outcome.data,
      };
    recap[outcome.status === 'failed' && step.ignore_errors ? 'ok' : outcome.status]++;
    req.sink({
      kind: 'step:end',
      host,
      index,
      name: step.name,
      status: outcome.status,
      changes: outcome.changes,
      diffs: outcome.diffs,
      message: outcome.message,
      notes,
      data: outcome.data,
      durationMs: Date.now() - started,
      check: req.check,
    });
    if (outcome.status === 'failed' && !step.ignore_errors) {
      recap.error ??= `${step.name}: ${outcome.message ?? 'failed'}`;
      return false;
    }
  }
  return true;
}

async function runHost(req: RunRequest, entry: HostEntry, locks: SharedLocks): Promise<HostRecap> {
  const started = Date.now();
  const recap: HostRecap = {
    host: entry.name,
    ok: 0,
    changed: 0,
    failed: 0,
    skipped: 0,
    unreachable: false,
    durationMs: 0,
  };
  req.sink({ kind: 'host:start', host: entry.name });
  const transport = req.transportFor(entry);
  try {
    await transport.connect();
    req.sink({ kind: 'host:connect', host: entry.name, durationMs: Date.now() - started });
    const holder = currentHolder(req.playbook.name);
    // Local hosts are all this machine: the run takes its lock once for all of them.
    const lock =
      entry.connection === 'local'
        ? await locks.acquire('local', transport, holder)
        : await acquireLock(transport, holder);
    if (lock.stale) {
      req.sink({
        kind: 'warn',
        host: entry.name,
        message: `stale lock of ${describeHolder(lock.stale)} cleared`,
      });
    }
    try {
      const session = new HostSession(entry, transport, req.check);
      const scope = newScope(req, entry);
      const ok = await runSteps(req, session, scope, req.playbook.steps, recap, false);
      if (!ok && recap.failed > 0 && req.playbook.rescue.length > 0 && !req.signal.aborted) {
        await runSteps(req, session, scope, req.playbook.rescue, recap, true);
      }
    } finally {
      await lock.release().catch(() => undefined);
    }
  } catch (e) {
    if (e instanceof ConnectError) recap.unreachable = true;
    else if (e instanceof LockError) recap.locked = true;
    else recap.failed++;
    const message = e instanceof WaptopsError ? e.message : String(e);
    recap.error = message.startsWith(`${entry.name}: `) ? message.slice(entry.name.length + 2) : message;
  } finally {
    await transport.close().catch(() => undefined);
  }
  recap.durationMs = Date.now() - started;
  req.sink({ kind: 'host:end', host: entry.name, recap });
  return recap;
}

function exitCodeOf(ends: HostRecap[], interrupted: boolean): number {
  if (interrupted) return ExitCode.interrupted;
  if (ends.some((r) => r.failed > 0)) return ExitCode.hostFailed;
  if (ends.some((r) => r.locked)) return ExitCode.locked;
  if (ends.some((r) => r.unreachable)) return ExitCode.unreachable;
  return ExitCode.ok;
}

function batches(hosts: string[], serial?: number): string[][] {
  if (!serial || serial >= hosts.length) return [hosts];
  const out: string[][] = [];
  for (let i = 0; i < hosts.length; i += serial) out.push(hosts.slice(i, i + serial));
  return out;
}

/** Runs the playbook on every selected host and emits events; never prints. */
export async function runPlaybook(req: RunRequest): Promise<RunSummary> {
  const started = Date.now();
  req.sink({
    kind: 'run:start',
    runId: randomUUID(),
    playbook: req.playbook.name,
    hosts: req.hosts,
    check: req.check,
    params: maskParams(req.params),
    time: new Date().toISOString(),
  });
  const ends: HostRecap[] = [];
  const locks = new SharedLocks();
  for (const batch of batches(req.hosts, req.serial)) {
    if (req.signal.aborted) break;
    const entries = batch.map((h) => req.inventory.hosts.get(h) as HostEntry);
    ends.push(...(await mapLimit(entries, req.forks, (e) => runHost(req, e, locks))));
    const failedPct = (100 * ends.filter((r) => r.failed > 0 || r.unreachable).length) / ends.length;
    if (req.maxFailPercent !== undefined && failedPct > req.maxFailPercent) {
      const left = req.hosts.length - ends.length;
      if (left > 0) {
        req.sink({
          kind: 'warn',
          message: `${failedPct.toFixed(0)}% of hosts failed (max ${req.maxFailPercent}%): ${left} hosts not started`,
        });
      }
      break;
    }
  }
  const interrupted = req.signal.aborted;
  const exitCode = exitCodeOf(ends, interrupted);
  const recaps = ends;
  const durationMs = Date.now() - started;
  req.sink({ kind: 'run:end', recaps, exitCode, durationMs, interrupted });
  return { exitCode, recaps, interrupted, durationMs };
}
