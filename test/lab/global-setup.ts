// Vitest global setup of the lab project: brings the lab up once (or reuses a running one of today's recipe: each
// test file then resets its hosts, see fresh-hosts.ts); tears down only a lab it started.
import { existsSync } from 'node:fs';
import { writeLabFiles } from '../../scripts/lab/reset.js';
import { readState } from '../../scripts/lab/state.js';
import { teardownLab } from '../../scripts/lab/teardown.js';
import { labIsUp, labUp } from '../../scripts/lab/up.js';
import { CLI } from '../helpers/cli-process.js';

const log = (line: string) => console.log(`[lab] ${line}`);

/** Starts the lab (failing loudly with the reason when it cannot) and returns the teardown. */
export default async function setupLab(): Promise<() => Promise<void>> {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'lab tests need root (systemd-nspawn, network namespaces, loop devices): run them as root',
    );
  }
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before the lab tests`);
  if (await labIsUp()) {
    writeLabFiles(readState());
    log('reusing the running lab (it stays up afterwards)');
    return async () => {};
  }
  try {
    const seconds = await labUp(log);
    log(`up in ${seconds.toFixed(1)} s`);
  } catch (error) {
    throw new Error(`the lab could not start: ${error instanceof Error ? error.message : String(error)}`);
  }
  return async () => {
    await teardownLab(log);
    log('down');
  };
}
