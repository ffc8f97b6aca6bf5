// A transaction on one host: changes journaled before and after they run, rolled back in reverse on
// failure, and resumed (or its rollback finished) by a re-run after a lost connection.
import { createHash } from 'node:crypto';
import type { Change } from '../../actions/types.js';
import { StepError } from '../../core/errors.js';
import { raw, renderCommand } from '../../transport/command.js';
import type { HostSession } from '../host-session.js';
import { HostJournal, type JournalRecord } from './journal.js';

/** A journaled change's undo, as the rollback replays it. */
interface UndoEntry {
  step: number;
  change: number;
  summary: string;
  undo: string[];
  become: boolean | string;
  /** Ran to the end; a change only begun may be half done, so its undo is tried and failures tolerated. */
  applied: boolean;
}

/** What a rollback did: the changes undone, those without an undo (kept), those whose undo failed (with why). */
export interface RollbackResult {
  reason: string;
  undone: string[];
  kept: string[];
  failed: string[];
}

/** Who and what started the run, recorded in the journal. */
export interface TransactionRun {
  runId: string;
  playbook: string;
  /** The run's inputs, secrets already masked. */
  inputs: Record<string, unknown>;
  by: string;
  check: boolean;
}

/** The journaled state of an interrupted run. */
export interface Interrupted {
  runId: string;
  time: string;
  by: string;
  /** Its rollback had started: a re-run only finishes the rollback. */
  rollingBack: boolean;
  steps: number;
  changes: number;
}

/** A stable hash of a run's inputs (keys sorted). */
export function inputsHash(inputs: Record<string, unknown>): string {
  const sorted = Object.fromEntries(Object.entries(inputs).sort(([a], [b]) => a.localeCompare(b)));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

/** Journal, rollback and resume for one transaction playbook on one host. */
export class Transaction {
  private readonly journal: HostJournal;
  private readonly done = new Map<number, Record<string, unknown>>();
  private readonly undos = new Map<string, UndoEntry>();
  private readonly planned = new Map<number, Record<string, unknown>>();
  private started = false;
  /** Steps finished before the first change: journaled with the first change, so a resume has their data. */
  private readonly doneBeforeStart: JournalRecord[] = [];
  /** Set when the host holds a journal of an interrupted run. */
  interrupted?: Interrupted;

  constructor(
    private readonly session: HostSession,
    private readonly run: TransactionRun,
  ) {
    this.journal = new HostJournal(session, run.playbook);
  }

  /** Reads the host's journal; refuses to resume a run that had other inputs. */
  async open(): Promise<void> {
    const records = await this.journal.read();
    if (records.length === 0) return;
    const head = records.find((r): r is Extract<JournalRecord, { t: 'start' }> => r.t === 'start');
    if (!head)
      throw new StepError(`the journal ${this.journal.path} has no start record; inspect and remove it`);
    if (head.inputs !== inputsHash(this.run.inputs)) {
      throw new StepError(
        `an interrupted run of ${head.playbook} (${head.time}, by ${head.by}) with other inputs ` +
          `(${JSON.stringify(head.shown)}) is journaled in ${this.journal.path}: re-run it with the same inputs ` +
          'to finish it, or with --rollback to undo it',
      );
    }
    let rollingBack = false;
    for (const r of records) this.replay(r, () => (rollingBack = true));
    this.started = true;
    this.interrupted = {
      runId: head.runId,
      time: head.time,
      by: head.by,
      rollingBack,
      steps: this.done.size,
      changes: this.undos.size,
    };
  }

  private replay(r: JournalRecord, onRollback: () => void): void {
    const key = (step: number, change: number) => `${step}:${change}`;
    if (r.t === 'begin') {
      if (r.data && !this.planned.has(r.step)) this.planned.set(r.step, r.data);
      this.undos.delete(key(r.step, r.change));
      this.undos.set(key(r.step, r.change), { ...r, applied: false });
    } else if (r.t === 'applied') {
      const entry = this.undos.get(key(r.step, r.change));
      if (entry) entry.applied = true;
    } else if (r.t === 'undone') this.undos.delete(key(r.step, r.change));
    else if (r.t === 'done') this.done.set(r.step, r.data);
    else if (r.t === 'rollback') onRollback();
  }

  /** The data of a step an interrupted run finished (it is not run again), or undefined. */
  doneData(step: number): Record<string, unknown> | undefined {
    return this.done.get(step);
  }

  private async write(...records: JournalRecord[]): Promise<void> {
    if (this.run.check) return;
    if (!this.started) {
      records.unshift({
        t: 'start',
        runId: this.run.runId,
        playbook: this.run.playbook,
        inputs: inputsHash(this.run.inputs),
        shown: this.run.inputs,
        by: this.run.by,
        time: new Date().toISOString(),
      });
      records.splice(1, 0, ...this.doneBeforeStart);
      this.started = true;
    }
    await this.journal.append(...records);
    for (const r of records) this.replay(r, () => undefined);
  }

  /**
   * What a step saw when it first planned its changes, before any of them ran. A step re-run after a
   * cut sees the host half-changed (services already stopped, say): the first view is the one that counts.
   */
  plannedData(step: number): Record<string, unknown> | undefined {
    return this.planned.get(step);
  }

  /** Journals a change (with its undo, and for the first change the step's planned data) before it runs. */
  async begin(
    step: number,
    change: number,
    c: Change,
    become: boolean | string | undefined,
    data?: Record<string, unknown>,
  ): Promise<void> {
    for (const u of c.undo ?? []) {
      if (u.stdin !== undefined)
        throw new StepError(`the undo of "${c.summary}" reads stdin: it cannot be journaled`);
    }
    await this.write({
      t: 'begin',
      step,
      change,
      summary: c.summary,
      undo: (c.undo ?? []).map(renderCommand),
      become: become ?? this.session.entry.become,
      ...(change === 0 && data ? { data } : {}),
    });
  }

  /** Journals that a change ran to the end. */
  async applied(step: number, change: number): Promise<void> {
    await this.write({ t: 'applied', step, change });
  }

  /** Journals a finished step with the data later steps read. */
  async stepDone(step: number, name: string, data: Record<string, unknown>): Promise<void> {
    if (this.started) await this.write({ t: 'done', step, name, data });
    else this.doneBeforeStart.push({ t: 'done', step, name, data });
  }

  /** True when something is journaled that a rollback would undo. */
  get hasChanges(): boolean {
    return this.undos.size > 0;
  }

  /** Undoes every journaled change in reverse; keeps the journal when an undo failed so a re-run retries. */
  async rollback(reason: string): Promise<RollbackResult> {
    const result: RollbackResult = { reason, undone: [], kept: [], failed: [] };
    if (this.run.check) return result;
    await this.write({ t: 'rollback', reason });
    for (const entry of [...this.undos.values()].reverse()) {
      const failure = await this.undoOne(entry);
      if (failure) {
        result.failed.push(`${entry.summary}: ${failure}`);
        continue;
      }
      await this.write({ t: 'undone', step: entry.step, change: entry.change });
      (entry.undo.length > 0 ? result.undone : result.kept).push(entry.summary);
    }
    if (result.failed.length === 0) await this.journal.remove();
    return result;
  }

  private async undoOne(entry: UndoEntry): Promise<string | undefined> {
    for (const text of entry.undo) {
      const r = await this.session.run(raw(text), entry.become);
      // A change that never finished may not have reached what this undo reverts: go on with the next.
      if ((r.code !== 0 || r.timedOut) && entry.applied) {
        return `undo \`${text}\` exited ${r.code}: ${r.stderr.trim().split('\n').slice(-2).join(' ')}`;
      }
    }
    return undefined;
  }

  /** The run succeeded: the journal goes. */
  async commit(): Promise<void> {
    if (!this.run.check && this.started) await this.journal.remove();
  }
}
