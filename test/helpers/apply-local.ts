// Test helper: runs an action's read, plan and changes on this machine with real `sh` processes.
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import type { Action, ActionContext, Plan } from '../../scripts/actions/types.js';
import { displayCommand } from '../../scripts/transport/command.js';
import type { RunResult } from '../../scripts/transport/types.js';
import { recordingContext, runLocal } from './local-context.js';

/** An action context for this machine: facts and commands run through `sh`, files read from disk. */
export function localContext(): ActionContext {
  return {
    ...recordingContext(),
    readFile: async (path) => (existsSync(path) ? readFileSync(path) : undefined),
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
      const r = await runLocal(cmd);
      if (r.code !== 0) return { plan, shown, failure: r };
    }
  }
  return { plan, shown };
}

/** Runs the undo commands of every change of a plan, last change first. */
export async function undoLocal(plan: Plan): Promise<RunResult[]> {
  const results: RunResult[] = [];
  for (const change of [...plan.changes].reverse()) {
    for (const cmd of change.undo ?? []) results.push(await runLocal(cmd));
  }
  return results;
}
