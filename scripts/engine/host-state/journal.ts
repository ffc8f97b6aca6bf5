// The host-side journal of a transaction: JSON lines appended (and synced) under /var/lib/waptops/journal.

import { StepError } from '../../core/errors.js';
import { sh } from '../../transport/command.js';
import type { HostSession } from '../host-session.js';

/** Where journals live on a host (root only). */
export const JOURNAL_DIR = '/var/lib/waptops/journal';

/** One line of a journal. */
export type JournalRecord =
  | {
      t: 'start';
      runId: string;
      playbook: string;
      /** sha256 of the run's non-secret inputs: a re-run with other inputs does not resume this one. */
      inputs: string;
      /** The inputs as shown to a person (secrets masked). */
      shown: Record<string, unknown>;
      by: string;
      time: string;
    }
  /**
   * A change is about to run; `undo` is its undo, rendered shell text run with `become`. The first change
   * of a step carries what the step saw before changing anything (`data`), kept if the step is re-run.
   */
  | {
      t: 'begin';
      step: number;
      change: number;
      summary: string;
      undo: string[];
      become: boolean | string;
      data?: Record<string, unknown>;
    }
  | { t: 'applied'; step: number; change: number }
  /** A step finished; `data` is what later steps read as `steps.<id>`. */
  | { t: 'done'; step: number; name: string; data: Record<string, unknown> }
  | { t: 'rollback'; reason: string }
  | { t: 'undone'; step: number; change: number };

/** The journal file of a playbook on a host. */
export function journalPath(playbook: string): string {
  return `${JOURNAL_DIR}/${playbook}.jsonl`;
}

/** Parses journal text; a torn last line (the host died mid-append) is ignored. */
export function parseJournal(text: string): JournalRecord[] {
  const out: JournalRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as JournalRecord);
    } catch {
      // Only a torn final append can be unparsable; what came before it stands.
    }
  }
  return out;
}

/** Reads, appends to and removes one playbook's journal on one host, always as root. */
export class HostJournal {
  constructor(
    private readonly session: HostSession,
    readonly playbook: string,
  ) {}

  /** The file on the host. */
  get path(): string {
    return journalPath(this.playbook);
  }

  /** The records of an interrupted run, or [] when none is journaled. */
  async read(): Promise<JournalRecord[]> {
    const r = await this.session.run(
      sh`if [ -e ${this.path} ]; then cat ${this.path}; else exit 3; fi`,
      true,
    );
    if (r.code === 3) return [];
    if (r.code !== 0) throw new StepError(`cannot read the journal ${this.path}: ${r.stderr.trim()}`);
    return parseJournal(r.stdout);
  }

  /** Appends records and syncs the file to disk before returning. */
  async append(...records: JournalRecord[]): Promise<void> {
    const lines = records.map((rec) => `${JSON.stringify(rec)}\n`).join('');
    const cmd = sh`umask 077; mkdir -p ${JOURNAL_DIR} && cat >> ${this.path} && sync ${this.path}`;
    const r = await this.session.run({ ...cmd, stdin: lines }, true);
    if (r.code !== 0) throw new StepError(`cannot write the journal ${this.path}: ${r.stderr.trim()}`);
  }

  /** Removes the journal: the transaction is over (committed or rolled back). */
  async remove(): Promise<void> {
    const r = await this.session.run(sh`rm -f ${this.path} && sync ${JOURNAL_DIR}`, true);
    if (r.code !== 0) throw new StepError(`cannot remove the journal ${this.path}: ${r.stderr.trim()}`);
  }
}
