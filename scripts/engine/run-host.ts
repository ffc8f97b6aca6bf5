// One host of a run: connect (or go on offline), take its lock, run the steps and the rescue, account.
import { actions as defaultActions } from '../actions/index.js';
import type { Action } from '../actions/types.js';
import type { Transport } from '../transport/types.js';
import { ConnectError, LockError, WaptopsError } from './errors.js';
import type { HostRecap } from './events.js';
import { HostSession } from './host-session.js';
import { acquireLock, currentHolder, describeHolder } from './lock.js';
import type { HostEntry, Step } from './model.js';
import type { RunRequest } from './run.js';
import { newScope, type Scope } from './scope.js';
import type { SharedLocks } from './shared-lock.js';
import { runStep, type StepOutcome } from './step.js';

/** Runs steps in order on one host until one fails (unless ignored) or Ctrl-C; false when stopped early. */
async function runSteps(
  req: RunRequest,
  session: HostSession,
  scope: Scope,
  steps: Step[],
  recap: HostRecap,
  rescue: boolean,
  offline: string | undefined,
): Promise<boolean> {
  const host = session.entry.name;
  const registry = req.actions ?? defaultActions;
  for (const [index, step] of steps.entries()) {
    if (req.signal.aborted) return false;
    req.sink({ kind: 'step:start', host, index, name: step.name, rescue });
    const started = Date.now();
    const notes: string[] = [];
    const action = registry[step.action] as Action;
    const outcome =
      offline && !action.controller
        ? offlineSkip(offline)
        : await runStep(
            {
              session,
              action,
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

/** Runs the playbook on one host and returns its recap; never throws. */
export async function runHost(req: RunRequest, entry: HostEntry, locks: SharedLocks): Promise<HostRecap> {
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
    const offline = await connectOrOffline(req, transport);
    if (offline) {
      recap.unreachable = true;
      recap.error = withoutHostPrefix(entry.name, offline.message);
      req.sink({
        kind: 'warn',
        host: entry.name,
        message: `unreachable over SSH: only controller-side steps run`,
      });
      const scope = newScope(req, entry);
      scope.host.reachable = false;
      await runAllSteps(req, new HostSession(entry, transport, req.check), scope, recap, recap.error);
      return finish(req, recap, started);
    }
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
      await runAllSteps(req, new HostSession(entry, transport, req.check), newScope(req, entry), recap);
    } finally {
      await lock.release().catch(() => undefined);
    }
  } catch (e) {
    if (e instanceof ConnectError) recap.unreachable = true;
    else if (e instanceof LockError) recap.locked = true;
    else recap.failed++;
    recap.error = withoutHostPrefix(entry.name, e instanceof WaptopsError ? e.message : String(e));
  } finally {
    await transport.close().catch(() => undefined);
  }
  return finish(req, recap, started);
}

/** Closes a host's account: its duration and the host:end event. */
function finish(req: RunRequest, recap: HostRecap, started: number): HostRecap {
  recap.durationMs = Date.now() - started;
  req.sink({ kind: 'host:end', host: recap.host, recap });
  return recap;
}

/** A host step that cannot run because SSH failed (playbooks with on_unreachable: continue). */
function offlineSkip(reason: string): StepOutcome {
  return {
    status: 'skipped',
    changes: [],
    diffs: [],
    message: `needs the host, unreachable: ${reason}`,
    data: {},
  };
}

/** The playbook's steps, then its rescue steps when one failed. */
async function runAllSteps(
  req: RunRequest,
  session: HostSession,
  scope: Scope,
  recap: HostRecap,
  offline?: string,
): Promise<void> {
  const ok = await runSteps(req, session, scope, req.playbook.steps, recap, false, offline);
  if (!ok && recap.failed > 0 && req.playbook.rescue.length > 0 && !req.signal.aborted) {
    await runSteps(req, session, scope, req.playbook.rescue, recap, true, offline);
  }
}

/** Connects; on a connection failure of an on_unreachable: continue playbook, returns it instead of throwing. */
async function connectOrOffline(req: RunRequest, transport: Transport): Promise<ConnectError | undefined> {
  try {
    await transport.connect();
    return undefined;
  } catch (e) {
    if (e instanceof ConnectError && req.playbook.onUnreachable === 'continue') return e;
    throw e;
  }
}

function withoutHostPrefix(host: string, message: string): string {
  return message.startsWith(`${host}: `) ? message.slice(host.length + 2) : message;
}
