// The one interface every transport (ssh2, local) implements.
import type { Command } from './command.js';

/** What a command produced; a non-zero code is a result, not an exception. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
}

/** Options for one command run. */
export interface RunOptions {
  /** Kill the command after this many milliseconds (the result then has timedOut). */
  timeoutMs?: number;
  /** Called with each chunk of output as it arrives (progress, last line in the tree). */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void;
  /** argv prefix that starts the shell the command runs in (from become.ts); [] = login user's sh. */
  shell?: string[];
}

/** Progress of a file transfer. */
export type TransferProgress = (done: number, total: number) => void;

/** A long-lived command whose lifetime the caller controls (e.g. the lock holder). */
export interface HeldProcess {
  /** Resolves with the first line the process printed on stdout. */
  firstLine: Promise<string>;
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number>;
  /** Ends the process by closing its stdin/channel. */
  release(): Promise<void>;
}

/** How waptops talks to one host. */
export interface Transport {
  readonly host: string;
  connect(): Promise<void>;
  run(cmd: Command, opts?: RunOptions): Promise<RunResult>;
  /**
   * Runs a command in the login user's persistent shell itself, not in a subshell, so what it opens
   * lasts as long as that shell and its connection (the run lock). Transports without one leave it out.
   */
  runInShell?(cmd: Command): Promise<RunResult>;
  /** Starts a command that lives until released or until the connection drops. */
  hold(cmd: Command, opts?: { shell?: string[] }): Promise<HeldProcess>;
  put(
    local: string | Buffer,
    remotePath: string,
    opts?: { mode?: number; onProgress?: TransferProgress; resume?: boolean },
  ): Promise<void>;
  get(remotePath: string): Promise<Buffer>;
  close(): Promise<void>;
}
