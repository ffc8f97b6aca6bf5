// Test helper: runs an action's read, plan and changes on this machine with real `sh` processes.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import type { Action, ActionContext, Plan } from '../../scripts/actions/types.js';
import { type Command, displayCommand, renderCommand, stdinBytes } from '../../scripts/transport/command.js';
import type { RunResult } from '../../scripts/transport/types.js';

/** Runs one command with `sh -c`, stdin included, like a transport would. */
export function runLocal(cmd: Command): RunResult {
  const started = Date.now();
  const r = spawnSync('sh', ['-c', renderCommand(cmd)], { input: stdinBytes(cmd) ?? '', encoding: 'utf8' });
  return {
    code: r.status ?? -1,
    stdout: r.stdout,
    stderr: r.stderr,
    durationMs: Date.now() - started,
    timedOut: false,
  };
}

/** An action context for this machine: facts and commands run through `sh`, files read from disk. */
export function localContext(): ActionContext {
  return {
    host: 'local',
    address: '127.0.0.1',
    vars: {},
    check: false,
    fact: async (f) => f.parse(runLocal(f.command)),
    run: async (cmd) => runLocal(cmd),
    readFile: async (path) => (existsSync(path) ? readFileSync(path) : undefined),
    progress: () => {},
    note: () => {},
    signal: new AbortController().signal,
  };
}

/** What applying an action did: its plan, the commands shown, and the first failing command's result. */
export interface Applied {
  plan: Plan;
  shown: string[];
  failure?: RunResult;
}

/** Reads, plans and runs every change (uploads are local copies); stops at the first failing command. */
export async function applyLocal(action: Action, params: Record<string, unknown>): Promise<Applied> {
  const state = await action.read(localContext(), params as never);
  const plan = action.plan(state, params as never);
  const shown: string[] = [];
  if (plan.failed) return { plan, shown };
  for (const change of plan.changes) {
    if (change.upload && typeof change.upload.source === 'string')
      copyFileSync(change.upload.source, change.upload.path);
    for (const cmd of change.commands) {
      shown.push(displayCommand(cmd));
      const r = runLocal(cmd);
      if (r.code !== 0) return { plan, shown, failure: r };
    }
  }
  return { plan, shown };
}

/** Runs the undo commands of every change of a plan, last change first. */
export function undoLocal(plan: Plan): RunResult[] {
  return [...plan.changes].reverse().flatMap((c) => (c.undo ?? []).map((cmd) => runLocal(cmd)));
}
