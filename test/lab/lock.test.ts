// Lab: the run lock on a real host refuses a second run (exit 4) naming the run that holds it.
import { rmSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { runInHost } from '../../scripts/lab/faults.js';
import { labPlaybook, labTempDir, runOnLab } from '../helpers/lab/lab-run.js';

const HOST = 'deb1';
const tmp = labTempDir();

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Waits until the holding run's `sleep 5` runs on the host (so it holds the lock); false if it never shows. */
async function holderSleeping(): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    if ((await runInHost(HOST, "pgrep -x sleep -a | grep -c '^[0-9]* sleep 5$' || true")).trim() !== '0')
      return true;
    await sleep(100);
  }
  return false;
}

describe('run lock on a real host', () => {
  it('refuses a second run while one holds the lock, naming the holder (exit 4)', async () => {
    const holder = runOnLab(tmp, labPlaybook('hold-lock'), { limit: HOST });
    try {
      expect(await holderSleeping()).toBe(true);
      const refused = await runOnLab(tmp, 'health', { limit: HOST });
      expect(refused.code, refused.stdout + refused.stderr).toBe(4);
      expect(refused.stdout).toMatch(
        new RegExp(`locked by ${os.userInfo().username}@${os.hostname()} pid \\d+ running lab-hold-lock`),
      );
      expect(refused.report.hosts[HOST]?.steps).toEqual([]);
    } finally {
      const held = await holder;
      expect(held.code, held.stdout + held.stderr).toBe(0);
    }
    expect((await runOnLab(tmp, 'health', { limit: HOST })).code).toBe(0);
  });
});
