// Lab: the health playbook and `waptops facts` against the real deb1 (Debian) and rhel1 (RHEL family) hosts.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { INVENTORY_FILE } from '../../scripts/lab/config.js';
import { runInHost } from '../../scripts/lab/faults.js';
import { runCli } from '../helpers/cli-process.js';
import { type LabRun, labTempDir, runOnLab, stepNamed } from '../helpers/lab/lab-run.js';

const HOSTS = ['deb1', 'rhel1'];
const tmp = labTempDir();

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** What must not differ between two health runs: per host, each step's name, status, changes and message. */
function outcomeOf(run: LabRun) {
  return Object.fromEntries(
    Object.entries(run.report.hosts).map(([host, h]) => [
      host,
      h.steps.map((s) => ({ name: s.name, status: s.status, changes: s.changes, message: s.message })),
    ]),
  );
}

/** The `result` object of the /ping answer the http step saw. */
function pingResult(run: LabRun, host: string): { version: string; uuid: string } {
  const data = stepNamed(run, host, 'the server answers /ping').data as { status: number; body: string };
  expect(data.status).toBe(200);
  const { version, uuid } = (JSON.parse(data.body) as { result: { version: string; uuid: string } }).result;
  return { version, uuid };
}

describe('health playbook on real hosts', () => {
  it('exits 0 with every step ok, /ping carries version and uuid, and a second run is identical', async () => {
    const first = await runOnLab(tmp, 'health');
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(Object.keys(first.report.hosts).sort()).toEqual(HOSTS);
    for (const host of HOSTS) {
      const steps = first.report.hosts[host]?.steps ?? [];
      expect(steps.map((s) => s.name)).toEqual([
        'operating system is known',
        'nginx is active',
        'waptserver is active',
        'port 443 answers',
        'the server answers /ping',
      ]);
      expect(steps.map((s) => s.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
      const ping = pingResult(first, host);
      const iniUuid = await runInHost(host, "sed -n 's/^server_uuid *= *//p' /opt/wapt/conf/waptserver.ini");
      expect(ping.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
      expect(ping.uuid).toBe(iniUuid.trim());
      expect(ping.version).toMatch(/^1\.8\.\d+\.\d+/);
    }

    const second = await runOnLab(tmp, 'health');
    expect(second.code).toBe(0);
    expect(outcomeOf(second)).toEqual(outcomeOf(first));
    for (const host of HOSTS) expect(pingResult(second, host)).toEqual(pingResult(first, host));
  });
});

describe('waptops facts on real hosts', () => {
  async function factsOf(host: string) {
    const r = await runCli(['facts', host, '-i', INVENTORY_FILE]);
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { host: string; facts: Record<string, unknown> }).facts;
  }

  it('rhel1 is the rhel family with SELinux permissive', async () => {
    const facts = await factsOf('rhel1');
    expect(facts.os).toMatchObject({ family: 'rhel' });
    expect(facts.selinux).toBe('permissive');
  });

  it('deb1 is the debian family without SELinux', async () => {
    const facts = await factsOf('deb1');
    expect(facts.os).toMatchObject({ family: 'debian' });
    expect(facts.selinux).toBe('absent');
  });
});
