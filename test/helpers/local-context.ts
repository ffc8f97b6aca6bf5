// Test helper: the one local command runner of the tests (the product's local transport), and an action
// context on this machine that records the notes an action writes.
import type { ActionContext } from '../../scripts/actions/types.js';
import type { Command } from '../../scripts/transport/command.js';
import { LocalTransport } from '../../scripts/transport/local.js';
import type { RunResult } from '../../scripts/transport/types.js';

const local = new LocalTransport();

/** Runs a command on this machine through the product's local transport (`sh -c`, stdin included). */
export function runLocal(cmd: Command, timeoutMs?: number): Promise<RunResult> {
  return local.run(cmd, { timeoutMs });
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
    fact: async (f) => f.parse(await runLocal(f.command)),
    run: (cmd, o) => runLocal(cmd, o?.timeoutMs),
    readFile: async () => undefined,
    progress: () => {},
    note: (line) => notes.push(line),
    signal,
    notes,
  };
}
