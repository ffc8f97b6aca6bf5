// The library API run 500 times in one process, on a local host: the controller's heap stays flat (no event,
// session, fact or timer kept from one run to the next).
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { parseInventory } from '../../../../scripts/engine/load/load-inventory.js';
import { loadPlaybook } from '../../../../scripts/engine/load/load-playbook.js';
import { transportFor } from '../../../../scripts/engine/run/connect.js';
import { runPlaybook } from '../../../../scripts/engine/run/run.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** The heap in use after two full collections, in MiB. */
function heapMiB(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

describe('memory over many runs', () => {
  it('500 consecutive runs through runPlaybook: the heap after run 500 is within 8 MiB of the heap after run 50', async () => {
    const host = `mem-${randomBytes(4).toString('hex')}`;
    const playbook = loadPlaybook('test/fixtures/playbooks/e2e/partial.yml');
    const inventory = parseInventory('memory-inventory.yml', `hosts:\n  ${host}: { connection: local }\n`);
    const figures: number[] = [];
    for (let i = 1; i <= 500; i++) {
      const summary = await runPlaybook({
        playbook,
        inventory,
        hosts: [host],
        params: {},
        check: false,
        diff: false,
        forks: 1,
        sink: () => {},
        signal: new AbortController().signal,
        transportFor: (entry) => transportFor(entry, inventory),
      });
      expect(summary.exitCode).toBe(0);
      if (i === 50 || i === 500) figures.push(heapMiB());
    }
    const [at50, at500] = figures as [number, number];
    console.log(`[memory] heap after run 50: ${at50.toFixed(1)} MiB, after run 500: ${at500.toFixed(1)} MiB`);
    expect(at500 - at50).toBeLessThan(8);
  }, 240_000);
});
