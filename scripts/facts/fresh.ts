// Reads a fact now, past the per-run cache, for state an earlier step of the same run may have changed.
import type { Command } from '../transport/command.js';
import type { RunResult } from '../transport/types.js';
import type { Fact } from './types.js';

/** Runs the fact's command with `run` (e.g. `ctx.run`) and parses the result, uncached. */
export async function readFresh<T>(run: (cmd: Command) => Promise<RunResult>, fact: Fact<T>): Promise<T> {
  return fact.parse(await run(fact.command));
}
