// Benchmark: wall time of `waptops --version`, i.e. what starting the CLI costs before any work.
import { CLI_ENTRY, runCliTimed } from './harness.js';
import { ms, spread, summarise, type Timings, verdict } from './stats.js';

/** The target from the issue: `waptops --version` answers in under 200 ms. */
export const STARTUP_TARGET_MS = 200;

/** Spawns `node dist/bin/waptops.js --version` `runs` times per round; prints and returns the best round. */
export async function measureCliStartup(runs = 20, rounds = 3): Promise<Timings> {
  const results: Timings[] = [];
  for (let round = 0; round < rounds; round++) {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const run = await runCliTimed(['--version']);
      if (run.code !== 0) throw new Error(`--version exited ${run.code}: ${run.stderr}`);
      times.push(run.wallMs);
    }
    results.push(summarise(times));
  }
  const best = results.reduce((a, b) => (b.median < a.median ? b : a));
  console.log(`  node ${CLI_ENTRY} --version, ${runs} spawns per round, best of ${rounds} rounds`);
  console.log(`  median per round ${spread(results.map((r) => r.median))}`);
  console.log(
    verdict(
      'median wall time',
      ms(best.median, 1),
      `< ${STARTUP_TARGET_MS} ms`,
      best.median < STARTUP_TARGET_MS,
    ),
  );
  console.log(
    verdict('p95 wall time', ms(best.p95, 1), `< ${STARTUP_TARGET_MS} ms`, best.p95 < STARTUP_TARGET_MS),
  );
  return best;
}
