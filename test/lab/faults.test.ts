// Lab: injected faults and the engine's answers (refused vs timeout, rescue logs, host key, unreachable).
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  allowHttps,
  changeHostKey,
  cutNetwork,
  dropHttps,
  pinCurrentHostKey,
  restoreNetwork,
  runInHost,
  startNginx,
  stopNginx,
} from '../../scripts/lab/faults.js';
import { fingerprintOf, pinnedFingerprint } from '../helpers/lab/host-keys.js';
import { labPlaybook, labTempDir, runOnLab, stepNamed } from '../helpers/lab/lab-run.js';

const HOST = 'deb1';
const tmp = labTempDir();

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The health playbook on deb1 alone, with short network timeouts. */
function health() {
  return runOnLab(tmp, 'health', { limit: HOST, params: { timeout: '2' } });
}

describe('faults on deb1', () => {
  it('nginx stopped: health exits 2 at its nginx step with the rescue logs, and 443 is refused', async () => {
    await stopNginx(HOST);
    try {
      const run = await health();
      expect(run.code, run.stdout + run.stderr).toBe(2);
      const steps = run.report.hosts[HOST]?.steps ?? [];
      expect(steps.map((s) => [s.name, s.status, s.rescue])).toEqual([
        ['operating system is known', 'ok', false],
        ['nginx is active', 'failed', false],
        ['recent nginx and waptserver logs', 'ok', true],
      ]);
      const logs = stepNamed(run, HOST, 'recent nginx and waptserver logs', true);
      expect(logs.notes.join('\n')).toContain('/var/log/waptserver.log');
      expect(logs.notes.length).toBeGreaterThan(1);

      const probe = await runOnLab(tmp, labPlaybook('port-443'), { limit: HOST });
      expect(probe.code, probe.stdout + probe.stderr).toBe(2);
      const tcp = stepNamed(probe, HOST, 'port 443 answers');
      expect(tcp.status).toBe('failed');
      expect(tcp.data?.state).toBe('refused');
    } finally {
      await startNginx(HOST);
    }
    expect((await health()).code).toBe(0);
  });

  it('443 dropped by nftables: exit 2 and the tcp step times out', async () => {
    await dropHttps(HOST);
    try {
      const run = await health();
      expect(run.code, run.stdout + run.stderr).toBe(2);
      const tcp = stepNamed(run, HOST, 'port 443 answers');
      expect(tcp.status).toBe('failed');
      expect(tcp.data?.state).toBe('timeout');
      const rescue = run.report.hosts[HOST]?.steps.filter((s) => s.rescue) ?? [];
      expect(rescue.map((s) => [s.name, s.status])).toEqual([['recent nginx and waptserver logs', 'ok']]);
    } finally {
      await allowHttps(HOST);
    }
    expect((await health()).code).toBe(0);
  });

  it('host key changed: exit 3 naming the pinned and the presented fingerprints, and no command ran', async () => {
    const pinned = pinnedFingerprint(HOST);
    const marker = `/root/waptops-hostkey-${randomBytes(4).toString('hex')}`;
    try {
      const presented = fingerprintOf(await changeHostKey(HOST));
      expect(presented).not.toBe(pinned);
      const run = await runOnLab(tmp, labPlaybook('touch-marker'), { limit: HOST, params: { marker } });
      expect(run.code, run.stdout + run.stderr).toBe(3);
      expect(run.stdout).toContain(pinned);
      expect(run.stdout).toContain(presented);
      expect(run.report.hosts[HOST]).toMatchObject({ recap: { unreachable: true }, steps: [] });
      expect((await runInHost(HOST, `test -e ${marker} && echo present || echo absent`)).trim()).toBe(
        'absent',
      );
    } finally {
      await pinCurrentHostKey(HOST);
      await runInHost(HOST, `rm -f ${marker}`);
    }
    expect((await health()).code).toBe(0);
  });

  it('network cut: exit 3, unreachable, within the connect timeout', { timeout: 60_000 }, async () => {
    await cutNetwork(HOST);
    try {
      const run = await health();
      expect(run.code, run.stdout + run.stderr).toBe(3);
      expect(run.report.hosts[HOST]).toMatchObject({ recap: { unreachable: true }, steps: [] });
      expect(run.stdout).toMatch(/deb1.*unreachable/i);
    } finally {
      await restoreNetwork(HOST);
    }
    expect((await health()).code).toBe(0);
  });
});
