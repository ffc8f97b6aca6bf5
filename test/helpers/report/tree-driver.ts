// Drives the tree renderer with the sample run, slowly, for tests that watch it in a real terminal.
// Run through vite's runnerImport (Node 20 runs no TypeScript). `main()` reads TREE_SCENARIO: `sample`
// (default), `failed` (a --check run with a failure), `ignored` (failures under ignore_errors and a command
// failure) or `interrupted` (the sample, stopped in deb1's second step); TREE_VERBOSE=1 for --verbose; and
// TREE_PAUSE_DIR: when set, it stops in the second step, creates `paused` there and waits for `go`.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunEvent } from '../../../scripts/engine/events.js';
import { createTreeRenderer } from '../../../scripts/report/tree.js';
import { runEvents } from './events.js';
import { failedCheckRun, ignoredFailuresRun, sampleRun } from './sample.js';

/** The output line the driver holds on screen while paused. */
export const PAUSED_OUTPUT = 'Job for nginx.service is restarting';

function scenario(name = 'sample'): RunEvent[] {
  if (name === 'failed') return runEvents(failedCheckRun);
  if (name === 'ignored') return runEvents(ignoredFailuresRun);
  const events = runEvents(sampleRun);
  if (name !== 'interrupted') return events;
  const cut = events.findIndex((e) => e.kind === 'cmd' && e.command === 'systemctl restart nginx');
  const recap = {
    host: 'deb1',
    ok: 1,
    changed: 0,
    failed: 0,
    skipped: 0,
    unreachable: false,
    durationMs: 250,
  };
  return [
    ...events.slice(0, cut + 1),
    { kind: 'run:end', recaps: [recap], exitCode: 130, durationMs: 900, interrupted: true },
  ];
}

/** Feeds a scenario to a tree renderer on stdout, a few milliseconds between events. */
export async function main(): Promise<void> {
  const pauseDir = process.env.TREE_PAUSE_DIR;
  // Imported statically: runnerImport closes its module runner once the driver is loaded.
  const verbose = process.env.TREE_VERBOSE === '1';
  const renderer = createTreeRenderer({ diff: true, stepCount: 3, verbose });
  for (const e of scenario(process.env.TREE_SCENARIO)) {
    renderer.sink(e);
    await sleep(20);
    if (pauseDir && e.kind === 'cmd' && e.command === 'systemctl restart nginx') {
      renderer.sink({ kind: 'output', host: e.host, index: e.index, line: PAUSED_OUTPUT });
      writeFileSync(join(pauseDir, 'paused'), '');
      while (!existsSync(join(pauseDir, 'go'))) await sleep(50);
    }
  }
  await renderer.done();
}
