// The bench harness end to end: servers with their own run lock, the inventory it writes, a timed CLI run and its JSON report.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  readJsonReport,
  runCliOk,
  runCliTimed,
  startServers,
  stopServers,
  writeInventory,
} from '../../../scripts/bench/harness.js';
import type { TestSshd } from '../../helpers/test-sshd.js';

let servers: TestSshd[] = [];
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'waptops-bench-test-'));
  servers = await startServers(2);
});

afterAll(async () => {
  await stopServers(servers);
  await rm(tmp, { recursive: true, force: true });
});

describe('bench harness', () => {
  it('two servers on this machine each grant their own run lock, so both hosts run', async () => {
    const inventory = path.join(tmp, 'inventory.yml');
    expect(await writeInventory(inventory, servers)).toEqual(['bench01', 'bench02']);
    const report = path.join(tmp, 'run.json');
    const run = await runCliOk(
      ['run', 'test/fixtures/playbooks/bench/true-x1.yml', '-i', inventory, '--json', report],
      { XDG_STATE_HOME: path.join(tmp, 'state') },
    );
    expect(run.wallMs).toBeGreaterThan(0);
    const doc = await readJsonReport(report);
    expect(Object.keys(doc.hosts)).toEqual(['bench01', 'bench02']);
    for (const host of Object.values(doc.hosts)) {
      expect(host.recap).toMatchObject({ ok: 1, failed: 0, unreachable: false });
      expect(host.steps.map((s) => s.status)).toEqual(['ok']);
    }
  });

  it('each server pid is a live sshd', async () => {
    for (const s of servers) expect(process.kill(s.pid, 0)).toBe(true);
  });

  it('runCliTimed reports a failing exit code and runCliOk throws with the output', async () => {
    const bad = await runCliTimed(['run', 'no-such-playbook', '-i', path.join(tmp, 'inventory.yml')]);
    expect(bad.code).toBe(1);
    await expect(runCliOk(['run', 'no-such-playbook'])).rejects.toThrow(/exited 1[\s\S]*no-such-playbook/);
  });
});
