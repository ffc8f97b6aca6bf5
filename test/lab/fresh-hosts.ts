// Setup file of the lab project: before a test file's first test, every lab host is put back as lab-up made it
// (scripts/lab/reset.ts), so no file sees what another file, a demo or a crashed run left behind.
import { beforeAll } from 'vitest';
import { resetLab } from '../../scripts/lab/reset.js';

beforeAll(async () => {
  const seconds = await resetLab();
  console.log(`[lab] hosts reset in ${seconds.toFixed(1)} s`);
}, 180_000);
