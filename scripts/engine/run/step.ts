// Runs one step on one host: when, expressions, read, plan, apply (or not, in --check), retries.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Action, Change, FileDiff, Plan } from '../../actions/types.js';
import { CommandError, StepError, WaptopsError } from '../../core/errors.js';
import { displayCommand } from '../../transport/command.js';
import type { RunResult } from '../../transport/types.js';
import type { StepStatus } from '../events.js';
import type { HostSession, StepHooks } from '../host-session.js';
import { runDetached } from '../host-state/detached.js';
import type { Transaction } from '../host-state/transaction.js';
import type { Step } from '../model.js';
import { resolveStepWith, type Scope, truthy } from './scope.js';

/** What one step did; `data` is what later steps read as `steps.<id>`. */
export interface StepOutcome {
  status: StepStatus;
  changes: string[];
  diffs: FileDiff[];
  message?: string;
  /** A failure's reason in words, one line, without the command (the message may carry it). */
  reason?: string;
  data: Record<string, unknown>;
}

/** Everything a step needs besides the step itself. */
export interface StepRun {
  session: HostSession;
  action: Action;
  scope: Scope;
  hooks: StepHooks;
  signal: AbortSignal;
  diff: boolean;
  /** The step's place in the playbook: names its detached jobs and its journal records. */
  index: number;
  playbook: string;
  /** Set in a transaction playbook: every change is journaled with its undo before it runs. */
  tx?: Transaction;
}

/** The longest live output line shown; a longer one (a host printing without newlines) is cut. */
const MAX_SHOWN_LINE = 400;

/**
 * What people see of a command's output as it runs: per chunk, its last complete non-empty line of each
 * stream, cut at MAX_SHOWN_LINE characters (a line without end is held, within that bound, until it ends).
 */
function liveLines(show: (line: string) => void): (stream: string, chunk: string) => void {
  const held = new Map<string, { text: string; more: number }>();
  return (stream, chunk) => {
    const pieces = chunk.split('\n');
    const part = held.get(stream) ?? { text: '', more: 0 };
    let last: string | undefined;
    for (const [i, piece] of pieces.entries()) {
      const room = MAX_SHOWN_LINE - part.text.length;
      part.text += piece.slice(0, Math.max(room, 0));
      part.more += Math.max(piece.length - Math.max(room, 0), 0);
      if (i === pieces.length - 1) break;
      const line = part.text.trimEnd();
      if (line) last = part.more ? `${line}… (${part.more} more characters)` : line;
      part.text = '';
      part.more = 0;
    }
    held.set(stream, part);
    if (last) show(last);
  };
}

/** Drops cached facts: the host may have changed (a change was applied, or a retry re-reads). */
function forgetFacts(run: StepRun): void {
  run.session.invalidateFacts();
  for (const k of Object.keys(run.scope.facts)) delete run.scope.facts[k];
}

function lastResultData(r: RunResult | undefined): Record<string, unknown> {
  return r ? { stdout: r.stdout, stderr: r.stderr, rc: r.code } : {};
}

async function applyChange(
  run: StepRun,
  step: Step,
  change: Change,
  changeIndex: number,
): Promise<RunResult | undefined> {
  const { session, hooks } = run;
  let last: RunResult | undefined;
  if (change.upload) {
    hooks.onCommand(
      `upload ${typeof change.upload.source === 'string' ? change.upload.source : '(bytes)'} -> ${change.upload.path}`,
    );
    await session.upload(change.upload.source, change.upload.path, step.become, {
      mode: change.upload.mode,
      onProgress: hooks.onProgress,
      resume: change.upload.resume,
    });
  }
  if (step.detach) return applyDetached(run, change, changeIndex);
  for (const cmd of change.commands) {
    const shown = displayCommand(cmd);
    hooks.onCommand(shown);
    last = await session.run(cmd, step.become, {
      timeoutMs: step.timeout ? step.timeout * 1000 : undefined,
      onOutput: liveLines(hooks.onOutput),
    });
    if (last.code !== 0 || last.timedOut) {
      throw new CommandError(session.entry.name, shown, last.timedOut ? null : last.code, last.stderr);
    }
  }
  return last;
}

/** Runs a change's commands as one detached job (attaching to it when an earlier run started it). */
async function applyDetached(run: StepRun, change: Change, changeIndex: number): Promise<RunResult> {
  // The job's script can be long: people see the change's summary (the script is in the job's directory).
  const shown = change.summary;
  run.hooks.onCommand(`(detached job) ${shown}`);
  const name = `${run.playbook}-${run.index}-${changeIndex}`;
  const job = { name, commands: change.commands, progress: change.progress };
  const r = await runDetached(run.session, job, run.hooks, run.signal);
  if (r.code !== 0) throw new CommandError(run.session.entry.name, shown, r.code, r.stderr);
  return r;
}

async function attempt(run: StepRun, step: Step): Promise<StepOutcome> {
  const { session, action, scope } = run;
  const params = await resolveStepWith(step, action, scope, session);
  const ctx = session.contextFor(
    step.become,
    run.hooks,
    run.signal,
    step.timeout ? step.timeout * 1000 : undefined,
  );
  const state = await action.read(ctx, params);
  const plan: Plan = action.plan(state, params);
  const data: Record<string, unknown> = { ...(plan.data ?? {}) };
  const base = {
    changes: plan.changes.map((c) => c.summary),
    diffs: run.diff ? plan.changes.flatMap((c) => (c.diff ? [c.diff] : [])) : [],
    data,
  };
  if (plan.failed) return { ...base, status: 'failed', message: plan.failed };
  if (plan.changes.length === 0) return { ...base, status: 'ok', message: plan.reason };
  const readOnlyCommand = step.changed_when === false;
  if (session.check && !readOnlyCommand)
    return { ...base, status: 'changed', message: 'would change (check mode)' };
  let last: RunResult | undefined;
  try {
    for (const [i, change] of plan.changes.entries()) {
      // A command declared read-only (changed_when: false) has nothing to undo: it is not journaled.
      const tx = readOnlyCommand ? undefined : run.tx;
      await tx?.begin(run.index, i, change, step.become, plan.data);
      last = (await applyChange(run, step, change, i)) ?? last;
      await tx?.applied(run.index, i);
    }
  } finally {
    forgetFacts(run);
  }
  Object.assign(data, lastResultData(last));
  // A command declared read-only (changed_when: false) ran, but changed nothing.
  if (readOnlyCommand) return { ...base, changes: [], status: 'ok' };
  return { ...base, status: 'changed' };
}

/** What `result` means in until/changed_when/failed_when: the status plus the step's data. */
function resultScope(run: StepRun, outcome: StepOutcome) {
  return { ...run.scope, result: { status: outcome.status, ...outcome.data } };
}

async function judge(run: StepRun, step: Step, outcome: StepOutcome): Promise<StepOutcome> {
  if (typeof step.changed_when === 'string' && outcome.status !== 'failed') {
    const changed = await truthy(step.changed_when, resultScope(run, outcome), run.session, step);
    outcome.status = changed ? 'changed' : 'ok';
  }
  if (step.failed_when && (await truthy(step.failed_when, resultScope(run, outcome), run.session, step))) {
    return { ...outcome, status: 'failed', message: `failed_when is true: ${step.failed_when}` };
  }
  if (outcome.status !== 'failed' && step.until) {
    if (!(await truthy(step.until, resultScope(run, outcome), run.session, step))) {
      return { ...outcome, status: 'failed', message: `until is still false: ${step.until}` };
    }
  }
  return outcome;
}

function failure(e: unknown): StepOutcome {
  const message = e instanceof WaptopsError ? e.message : `internal error: ${(e as Error)?.message ?? e}`;
  const reason = e instanceof CommandError ? e.reason : undefined;
  return { status: 'failed', changes: [], diffs: [], message, reason, data: {} };
}

/** The outcome of a step whose `when` is false (skipped) or cannot be judged (failed); undefined: run it. */
async function whenGate(run: StepRun, step: Step): Promise<StepOutcome | undefined> {
  if (step.when === undefined) return undefined;
  try {
    if (await truthy(step.when, run.scope, run.session, step)) return undefined;
    return { status: 'skipped', changes: [], diffs: [], message: `when is false: ${step.when}`, data: {} };
  } catch (e) {
    return failure(e);
  }
}

/**
 * In --check of a transaction, a step after one that would change reads a host those changes have not
 * touched: it is not read, only its `when` is judged, and it says it would run after them.
 */
export async function deferredInCheck(run: StepRun, step: Step): Promise<StepOutcome> {
  const gate = await whenGate(run, step);
  if (gate) return gate;
  const readOnly = run.action.probe === true || step.changed_when === false;
  return {
    status: readOnly ? 'ok' : 'changed',
    changes: [],
    diffs: [],
    message: 'would run after the changes above (not read now: they change what it reads)',
    data: {},
  };
}

/** Runs a step with its retries/until; a step failure is returned, never thrown. */
export async function runStep(run: StepRun, step: Step): Promise<StepOutcome> {
  const gate = await whenGate(run, step);
  if (gate) return gate;
  let outcome = failure(new StepError('not run'));
  for (let i = 0; i <= step.retries; i++) {
    if (i > 0) {
      run.hooks.onNote(`retry ${i}/${step.retries} after: ${outcome.message ?? 'failure'}`);
      await sleep(step.delay * 1000);
      forgetFacts(run);
    }
    try {
      outcome = await judge(run, step, await attempt(run, step));
    } catch (e) {
      outcome = failure(e);
    }
    if (outcome.status !== 'failed' || run.signal.aborted) return outcome;
  }
  return outcome;
}
