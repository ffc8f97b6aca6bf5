// Lab: check-443 on deb1 and rhel1 - healthy, nginx stopped (refused), 443 dropped (filtered), CN mismatch.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { INVENTORY_FILE } from '../../scripts/lab/config.js';
import {
  allowHttps,
  dropHttps,
  startNginx,
  startSshd,
  stopNginx,
  stopSshd,
} from '../../scripts/lab/faults.js';
import { labTempDir, runOnLab, stepNamed } from '../helpers/lab/lab-run.js';
import { verdictOf } from '../helpers/lab/verdict.js';

const tmp = labTempDir();
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** check-443 on both hosts with short timeouts. */
function check443(inventory?: string) {
  return runOnLab(tmp, 'check-443', { limit: 'deb1,rhel1', params: { timeout: '2' }, inventory });
}

/** A copy of the lab inventory where agents are said to use the host's IP address as wapt_server. */
function inventoryWithServerAddress(): string {
  const inventory = parse(readFileSync(INVENTORY_FILE, 'utf8')) as {
    hosts: Record<string, { address: string; vars: Record<string, unknown> }>;
  };
  for (const host of Object.values(inventory.hosts)) host.vars.wapt_server = host.address;
  const file = path.join(tmp, 'lab-wapt-server-address.yml');
  writeFileSync(file, stringify(inventory));
  return file;
}

describe('check-443 on real hosts', () => {
  it('healthy: exit 0, no error, /ping version and uuid reported, chain verdict given', async () => {
    const run = await check443();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    for (const host of ['deb1', 'rhel1']) {
      const verdict = verdictOf(run, host);
      expect(verdict.errors).toEqual([]);
      expect(verdict.findings.map((f) => f.message).join('\n')).toMatch(
        /WAPT server 1\.8\.\S+ answers \/ping, uuid [0-9a-f-]{36}/,
      );
      expect(verdict.findings.map((f) => f.message).join('\n')).toContain('certificate chain not verified');
      expect(stepNamed(run, host, 'port 443 answers from the controller').data?.state).toBe('open');
    }
  });

  it('sshd stopped on deb1: the controller-side checks still run, the host ones are skipped, exit 3', async () => {
    await stopSshd('deb1');
    try {
      const run = await runOnLab(tmp, 'check-443', { limit: 'deb1', params: { timeout: '2' } });
      expect(run.code, run.stdout + run.stderr).toBe(3);
      expect(stepNamed(run, 'deb1', 'port 443 answers from the controller').data?.state).toBe('open');
      expect(stepNamed(run, 'deb1', 'nginx unit state on the host').status).toBe('skipped');
      const verdict = verdictOf(run, 'deb1');
      expect(verdict.errors).toEqual([]);
      const messages = verdict.findings.map((f) => f.message).join('\n');
      expect(messages).toContain('deb1 is unreachable over SSH: only the checks from the controller ran');
      expect(messages).toMatch(/WAPT server 1\.8\.\S+ answers \/ping/);
    } finally {
      await startSshd('deb1');
    }
  });

  it('nginx stopped on deb1 (refused) and 443 dropped on rhel1 (filtered): exit 2, each verdict names its remedy', async () => {
    await stopNginx('deb1');
    await dropHttps('rhel1');
    try {
      const run = await check443();
      expect(run.code, run.stdout + run.stderr).toBe(2);
      expect(stepNamed(run, 'deb1', 'port 443 answers from the controller').data?.state).toBe('refused');
      const deb1 = verdictOf(run, 'deb1');
      expect(deb1.status).toBe('failed');
      expect(deb1.errors).toEqual([
        expect.objectContaining({ guide: 'Connection refused', remedy: 'make restart-nginx HOST=deb1' }),
      ]);
      expect(deb1.errors[0]?.message).toContain('nginx is inactive');

      expect(stepNamed(run, 'rhel1', 'port 443 answers from the controller').data?.state).toBe('timeout');
      const rhel1 = verdictOf(run, 'rhel1');
      expect(rhel1.errors).toHaveLength(1);
      // The fault drops 443 on every interface, loopback too: the host cannot reach itself either.
      expect(rhel1.errors[0]?.message).toMatch(
        /filtered \(timeout\) from the controller and gets no answer on 127\.0\.0\.1:443/,
      );
      expect(rhel1.errors[0]?.remedy).toContain('firewall');
      expect(run.stdout).toContain('verdict: error: port 443 refused');
    } finally {
      await startNginx('deb1');
      await allowHttps('rhel1');
    }
  });

  it('agents use a name not in the certificate: exit 2 and the verdict names regenerate-cert', async () => {
    const run = await check443(inventoryWithServerAddress());
    expect(run.code, run.stdout + run.stderr).toBe(2);
    for (const host of ['deb1', 'rhel1']) {
      const verdict = verdictOf(run, host);
      expect(verdict.errors).toHaveLength(1);
      expect(verdict.errors[0]?.message).toMatch(
        new RegExp(
          `certificate CN ${host}\\.wapt\\.lab .* does not match the server name agents use, 198\\.18\\.0\\.1[12]`,
        ),
      );
      expect(verdict.errors[0]?.guide).toBe('Problème lors du enable-check-certificate');
      expect(verdict.errors[0]?.remedy).toContain(`make regenerate-cert HOST=${host}`);
    }
    expect((await check443()).code).toBe(0);
  });
});
