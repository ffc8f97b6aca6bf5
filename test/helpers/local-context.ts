// Test helper: an asynchronous action context on this machine that records the notes an action writes.
import { execFile } from 'node:child_process';
import type { ActionContext } from '../../scripts/actions/types.js';
import { type Command, renderCommand, stdinBytes } from '../../scripts/transport/command.js';
import type { RunResult } from '../../scripts/transport/types.js';

/** Runs a command with `sh -c` without blocking the event loop (servers in the same test keep answering). */
export function runAsync(cmd: Command, timeoutMs?: number): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = execFile(
      'sh',
      ['-c', renderCommand(cmd)],
      { timeout: timeoutMs },
      (error, stdout, stderr) => {
        const timedOut = !!error && error.killed === true;
        const code = error ? (typeof error.code === 'number' ? error.code : 124) : 0;
        resolve({ code, stdout, stderr, durationMs: Date.now() - started, timedOut });
      },
    );
    child.stdin?.on('error', () => {}); // a program that exits without reading its stdin
    child.stdin?.end(stdinBytes(cmd) ?? '');
  });
}

/** A context whose commands run locally and whose notes land in `notes`. */
export function recordingContext(
  signal: AbortSignal = new AbortController().signal,
): ActionContext & { notes: string[] } {
  const notes: string[] = [];
  return {
    host: 'local',
    address: '127.0.0.1',
    vars: {},
    check: false,
    fact: async (f) => f.parse(await runAsync(f.command)),
    run: (cmd, o) => runAsync(cmd, o?.timeoutMs),
    readFile: async () => undefined,
    progress: () => {},
    note: (line) => notes.push(line),
    signal,
    notes,
  };
}
