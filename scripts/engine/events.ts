// Typed events the engine emits; every renderer (tree, plain, json, junit) only consumes them.
import type { FileDiff } from '../actions/types.js';

/** How a step ended. */
export type StepStatus = 'ok' | 'changed' | 'failed' | 'skipped';

/** Per-host totals shown in the recap. */
export interface HostRecap {
  host: string;
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  /** Steps that failed with ignore_errors (counted in `ok` too): warnings, not failures. */
  ignored?: number;
  unreachable: boolean;
  /** Refused because another run holds the host's lock (`error` names the holder). */
  locked?: boolean;
  /** Why the host failed or was unreachable, one line. */
  error?: string;
  /** A transaction's rollback after a failure: what was undone, and undos that failed. */
  rollback?: RollbackSummary;
  durationMs: number;
}

/** What a transaction's rollback did on a host: changes undone, kept (they have no undo), undos that failed. */
export interface RollbackSummary {
  reason: string;
  undone: string[];
  kept: string[];
  failed: string[];
}

/** Everything a renderer may be told, keyed on `kind`. */
export type RunEvent =
  | {
      kind: 'run:start';
      runId: string;
      playbook: string;
      hosts: string[];
      check: boolean;
      params: Record<string, unknown>;
      time: string;
    }
  | { kind: 'host:start'; host: string }
  | { kind: 'host:connect'; host: string; durationMs: number }
  | { kind: 'step:start'; host: string; index: number; name: string; rescue: boolean }
  | { kind: 'cmd'; host: string; index: number; command: string }
  | { kind: 'output'; host: string; index: number; line: string }
  | { kind: 'progress'; host: string; index: number; done: number; total: number }
  | {
      kind: 'step:end';
      host: string;
      index: number;
      name: string;
      status: StepStatus;
      changes: string[];
      diffs: FileDiff[];
      /** ok: why nothing changed; failed: why (may name the command and carry its stderr); skipped: why. */
      message?: string;
      /** failed: why in words, one line, never the command. */
      reason?: string;
      /** failed, and the step's ignore_errors lets the host go on: a warning, not a failure. */
      ignored?: boolean;
      notes: string[];
      data?: Record<string, unknown>;
      durationMs: number;
      check: boolean;
    }
  /** A transaction's changes were undone in reverse; `failed` lists undos that did not work. */
  | ({ kind: 'rollback'; host: string } & RollbackSummary)
  | { kind: 'host:end'; host: string; recap: HostRecap }
  | { kind: 'warn'; host?: string; message: string }
  | { kind: 'run:end'; recaps: HostRecap[]; exitCode: number; durationMs: number; interrupted: boolean };

/** Receives events; renderers implement it. */
export type EventSink = (e: RunEvent) => void;
