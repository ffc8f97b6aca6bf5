// The contract every action implements: read the current state, then plan the changes.
import type { Static, TSchema } from '@sinclair/typebox';
import type { Fact } from '../facts/types.js';
import type { Command } from '../transport/command.js';
import type { RunResult, TransferProgress } from '../transport/types.js';

/** Before/after text of one file, for --diff. */
export interface FileDiff {
  path: string;
  before: string;
  after: string;
}

/** One change an action would make: what a person reads, and how to do and undo it. */
export interface Change {
  /** One line, e.g. `restart nginx` or `set [options] wapt_password`. */
  summary: string;
  diff?: FileDiff;
  /** A local file or bytes uploaded over SFTP before `commands` run; `resume` continues a partial `path`. */
  upload?: { source: string | Buffer; path: string; mode?: number; resume?: boolean };
  /** Run in order; each must exit 0. */
  commands: Command[];
  /** Run in order to put things back if a later step fails. */
  undo?: Command[];
  /** For a long change run detached (step `detach: true`): a command printing one integer, the units done so far, and the total in the same units. */
  progress?: { command: Command; total: number };
}

/** What an action decided: changes to make, or why there is nothing to do, or why it failed. */
export interface Plan {
  changes: Change[];
  /** Why nothing needs to change (shown on an ok step). */
  reason?: string;
  /** A read-only action (probe) that found a problem fails the step with this message. */
  failed?: string;
  /** Exposed to later steps as `steps.<id>.data` and to the JSON report. */
  data?: Record<string, unknown>;
}

/** What an action may do on its host; every command goes through the step's become shell. */
export interface ActionContext {
  /** Inventory name of the host. */
  host: string;
  /** Address used to reach the host from the controller (for tcp/http probes). */
  address: string;
  /** Host variables merged from inventory defaults, groups and host. */
  vars: Record<string, unknown>;
  check: boolean;
  /** A fact, fetched once per host per run. */
  fact<T>(f: Fact<T>): Promise<T>;
  /** Runs a read-only command; a non-zero exit is returned, not thrown. */
  run(cmd: Command, opts?: { timeoutMs?: number }): Promise<RunResult>;
  /** Reads a file over SFTP (or locally); undefined when it does not exist. */
  readFile(path: string): Promise<Buffer | undefined>;
  /** Progress of a long change (bytes copied, files done). */
  progress: TransferProgress;
  /** A line for the report (e.g. collected logs). */
  note(line: string): void;
  signal: AbortSignal;
}

/** One action: its params schema beside its code, a read phase and a pure plan phase. */
export interface Action<S extends TSchema = TSchema, State = unknown> {
  name: string;
  description: string;
  schema: S;
  /** Probes (tcp, http, wait, logs) never change anything and always run, also in --check. */
  probe?: boolean;
  /** Keys of `with` naming a controller file relative to the playbook's folder: the loader resolves and checks them. */
  playbookFiles?: string[];
  /** Runs entirely on the controller (tcp, http, ...): it can run while the host is unreachable over SSH. */
  controller?: boolean;
  /** Keys of `with` that may carry a secret param; the action receives a Secret there and must send it on stdin. */
  secretParams?: string[];
  read(ctx: ActionContext, params: Static<S>): Promise<State>;
  plan(state: State, params: Static<S>): Plan;
}

/** Declares an action with its schema so the params type is derived from the schema. */
export function defineAction<S extends TSchema, State>(a: Action<S, State>): Action<S, State> {
  return a;
}
