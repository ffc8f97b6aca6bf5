// One host of a run: connect (or go on offline), take its lock, run the steps and the rescue, account.
import { actions as defaultActions } from '../../actions/index.js';
import type { Action } from '../../actions/types.js';
import { ConnectError, LockError, WaptopsError } from '../../core/errors.js';
import type { Transport } from '../../transport/types.js';
import type { HostRecap } from '../events.js';
import { HostSession } from '../host-session.js';
import { acquireLock, currentHolder, describeHolder } from '../host-state/lock.js';
import type { SharedLocks } from '../host-state/shared-lock.js';
import type { Transaction } from '../host-state/transaction.js';
import type { HostEntry, Step } from '../model.js';
import type { RunRequest } from './request.js';
import { openTransaction, rollBack } from './run-transaction.js';
import { newScope, type Scope } from './scope.js';
import { deferredInCheck, runStep, type StepOutcome } from './step.js';

/** Where a host's steps run: its session and scope, and its transaction when the playbook has one. */
interface HostRun {
  session: HostSession;
  scope: Scope;
  recap: HostRecap;
  offline?: string;
  tx?: Transaction;
}

/** Runs steps in order on one host until one fails (unless ignored) or Ctrl-C; false when stopped early. */
async function runSteps(req: RunRequest, hr: HostRun, steps: Step[], rescue: boolean): Promise<boolean> {
  const { session, scope, recap, offline } = hr;
  const tx = rescue ? undefined : hr.tx;
  const host = session.entry.name;
  const registry = req.actions ?? defaultActions;
  let wouldChange = false;
  for (const [index, step] of steps.entries()) {
    if (req.signal.aborted) return false;
    req.sink({ kind: 'step:start', host, index, name: step.name, rescue });
    const started = Date.now();
    const notes: string[] = [];
    const action = registry[step.action] as Action;
    const resumed = tx?.doneData(index);
    const stepRun = {
      session,
      action,
      scope,
      signal: req.signal,
      diff: req.diff,
      index,
      playbook: req.playbook.name,
      tx,
      hooks: {
        onCommand: (command: string) => req.sink({ kind: 'cmd', host, index, command }),
        onOutput: (line: string) => req.sink({ kind: 'output', host, index, line }),
        onProgress: (done: number, total: number) => req.sink({ kind: 'progress', host, index, done, total }),
        onNote: (line: string) => notes.push(line),
      },
    };
    const outcome = resumed
      ? doneEarlier(tx, resumed)
      : offline && !action.controller
        ? offlineSkip(offline)
        : tx && wouldChange
          ? await deferredInCheck(stepRun, step)
          : await runStep(stepRun, step);
    if (req.check && outcome.status === 'changed') wouldChange = true;
    // A step re-run after a cut keeps what its first attempt saw before changing anything.
    const planned = tx?.plannedData(index);
    if (planned && !resumed && outcome.status !== 'failed') Object.assign(outcome.data, planned);
    if (step.id)
      scope.steps[step.id] = {
        status: outcome.status,
        changed: outcome.status === 'changed',
        ...outcome.data,
      };
    const ignored = outcome.status === 'failed' && step.ignore_errors;
    recap[ignored ? 'ok' : outcome.status]++;
    if (ignored) recap.ignored = (recap.ignored ?? 0) + 1;
    req.sink({
      kind: 'step:end',
      host,
      index,
      name: step.name,
      status: outcome.status,
      changes: outcome.changes,
      diffs: outcome.diffs,
      message: outcome.message,
      ...(outcome.status === 'failed' ? { reason: failureReason(outcome), ignored } : {}),
      notes,
      data: outcome.data,
      durationMs: Date.now() - started,
      check: req.check,
    });
    if (outcome.status === 'failed' && !step.ignore_errors) {
      recap.error ??= `${step.name}: ${failureReason(outcome)}`;
      return false;
    }
    if (tx && !resumed) await tx.stepDone(index, step.name, outcome.data);
  }
  return true;
}

/** A failure in words, one line: the action's own reason, else the first line of its message. */
function failureReason(outcome: StepOutcome): string {
  return outcome.reason ?? (outcome.message ?? 'failed').split('\n', 1)[0] ?? 'failed';
}

/** A step an interrupted run of the transaction finished: not run again, its data restored. */
function doneEarlier(tx: Transaction | undefined, data: Record<string, unknown>): StepOutcome {
  const was = tx?.interrupted;
  return {
    status: 'ok',
    changes: [],
    diffs: [],
    message: `done by the interrupted run ${was?.runId ?? ''} of ${was?.time ?? ''}`,
    data,
  };
}

/** Runs the playbook on one host and returns its recap; never throws. */
export async function runHost(
  req: RunRequest,
  entry: HostEntry,
  locks: SharedLocks,
  runId: string,
): Promise<HostRecap> {
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
      await runAllSteps(req, {
        session: new HostSession(entry, transport, req.check),
        scope,
        recap,
        offline: recap.error,
      });
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
      const session = new HostSession(entry, transport, req.check);
      const tx = await openTransaction(req, session, runId);
      await runAllSteps(req, { session, scope: newScope(req, entry), recap, tx });
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

/** The playbook's steps (a transaction rolled back when they fail), then its rescue steps when one failed. */
async function runAllSteps(req: RunRequest, hr: HostRun): Promise<void> {
  const { tx, recap } = hr;
  if (tx && (req.rollbackOnly || tx.interrupted?.rollingBack)) {
    await rollBack(req, hr.session, tx, req.rollbackOnly ? '--rollback' : 'finishing a cut rollback', recap);
    if (!req.rollbackOnly) {
      recap.failed++;
      recap.error =
        'an interrupted rollback was finished: the host is as before this playbook ran; run it again';
    }
    return;
  }
  if (req.rollbackOnly) {
    req.sink({
      kind: 'warn',
      host: hr.session.entry.name,
      message: 'nothing to roll back: no transaction journaled',
    });
    return;
  }
  const ok = await runSteps(req, hr, req.playbook.steps, false);
  if (tx) {
    if (ok) await tx.commit();
    else
      await rollBack(
        req,
        hr.session,
        tx,
        req.signal.aborted ? 'interrupted (Ctrl-C)' : (recap.error ?? 'a step failed'),
        recap,
      );
  }
  if (!ok && recap.failed > 0 && req.playbook.rescue.length > 0 && !req.signal.aborted) {
    await runSteps(req, hr, req.playbook.rescue, true);
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
