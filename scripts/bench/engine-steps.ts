// Benchmark: what one playbook step adds to its remote command, measured through `waptops run --json`.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readJsonReport, runCliOk, startServers, stopServers, writeInventory } from './harness.js';
import { ms, spread, verdict } from './stats.js';

/** The target from the issue: a step over an open connection adds under 5 ms to its command. */
export const STEP_TARGET_MS = 5;

const MANY = 'test/fixtures/playbooks/bench/true-x100.yml';
const ONE = 'test/fixtures/playbooks/bench/true-x1.yml';
const MANY_STEPS = 100;

/** Per-step figures of one round, in milliseconds. */
export interface StepCost {
  /** Mean of the steps' own `durationMs` in the 100-step run. */
  meanStepMs: number;
  /** (host time with 100 steps - host time with 1 step) / 99: everything a step costs, gaps included. */
  marginalStepMs: number;
}

async function hostAndSteps(
  args: string[],
  report: string,
  env: Record<string, string>,
): Promise<{ hostMs: number; stepMs: number[] }> {
  await runCliOk([...args, '--json', report], env);
  const doc = await readJsonReport(report);
  const host = Object.values(doc.hosts)[0];
  if (!host?.recap) throw new Error(`${report}: no finished host`);
  return { hostMs: host.recap.durationMs, stepMs: host.steps.map((s) => s.durationMs) };
}

/**
 * Runs the 1-step and 100-step `true` playbooks `rounds` times against one test server and
 * compares the per-step cost with `roundTripMs`, the bare round trip of `true` over the
 * persistent shell; prints the figures and returns the best round.
 */
export async function measureStepCost(roundTripMs: number, rounds = 3): Promise<StepCost> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'waptops-bench-steps-'));
  const servers = await startServers(1);
  try {
    const inventory = path.join(tmp, 'inventory.yml');
    await writeInventory(inventory, servers);
    const env = { XDG_STATE_HOME: path.join(tmp, 'state') };
    const run = (playbook: string, name: string) =>
      hostAndSteps(['run', playbook, '-i', inventory], path.join(tmp, name), env);
    const costs: StepCost[] = [];
    for (let round = 0; round < rounds; round++) {
      const one = await run(ONE, `one-${round}.json`);
      const many = await run(MANY, `many-${round}.json`);
      if (many.stepMs.length !== MANY_STEPS)
        throw new Error(`expected ${MANY_STEPS} steps, got ${many.stepMs.length}`);
      costs.push({
        meanStepMs: many.stepMs.reduce((a, b) => a + b, 0) / many.stepMs.length,
        marginalStepMs: (many.hostMs - one.hostMs) / (MANY_STEPS - 1),
      });
    }
    const best = costs.reduce((a, b) => (b.marginalStepMs < a.marginalStepMs ? b : a));
    const added = best.marginalStepMs - roundTripMs;
    console.log(`  ${MANY_STEPS} \`command: [true]\` steps vs 1, one host, best of ${rounds} rounds`);
    console.log(`  bare round trip of \`true\` (persistent shell, median)  ${ms(roundTripMs)}`);
    console.log(
      `  mean step durationMs (JSON report)                   ${ms(best.meanStepMs)}  (${spread(costs.map((c) => c.meanStepMs))})`,
    );
    console.log(
      `  marginal host time per step                          ${ms(best.marginalStepMs)}  (${spread(costs.map((c) => c.marginalStepMs))})`,
    );
    console.log(
      `  step durationMs - round trip                         ${ms(best.meanStepMs - roundTripMs)}`,
    );
    console.log(
      verdict('marginal step time - round trip', ms(added), `< ${STEP_TARGET_MS} ms`, added < STEP_TARGET_MS),
    );
    return best;
  } finally {
    await stopServers(servers);
    await rm(tmp, { recursive: true, force: true });
  }
}
