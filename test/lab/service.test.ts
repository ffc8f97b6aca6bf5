// Lab: real systemd through the `service` action (check, apply, idempotence) and become through sudo as `ops`.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runInHost } from '../../scripts/lab/faults.js';
import { labInventoryAs, labPlaybook, labTempDir, runOnLab } from '../helpers/lab/lab-run.js';

const HOSTS = ['deb1', 'rhel1'];
const UNIT = 'wapttasks';
const tmp = labTempDir();

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** What systemd says of the unit inside the host right now (active, inactive, ...). */
async function unitState(host: string): Promise<string> {
  return (await runInHost(host, `systemctl is-active ${UNIT} || true`)).trim();
}

async function unitStates(): Promise<string[]> {
  return Promise.all(HOSTS.map(unitState));
}

/** Runs the service playbook on both hosts; returns each host's single step status and the exit code. */
async function setUnit(state: 'started' | 'stopped', check = false) {
  const run = await runOnLab(tmp, labPlaybook('service-state'), { params: { unit: UNIT, state }, check });
  expect(run.code, run.stdout + run.stderr).toBe(0);
  return HOSTS.map((host) => run.report.hosts[host]?.steps.map((s) => [s.status, ...s.changes]));
}

describe('service action on real systemd', () => {
  it('stops and starts wapttasks: --check changes nothing, a real run does, a second run has nothing to do', async () => {
    expect(await unitStates()).toEqual(['active', 'active']);
    try {
      expect(await setUnit('stopped', true)).toEqual([
        [['changed', `stop ${UNIT}`]],
        [['changed', `stop ${UNIT}`]],
      ]);
      expect(await unitStates()).toEqual(['active', 'active']);
      expect(await setUnit('stopped')).toEqual([
        [['changed', `stop ${UNIT}`]],
        [['changed', `stop ${UNIT}`]],
      ]);
      expect(await unitStates()).toEqual(['inactive', 'inactive']);
      expect(await setUnit('stopped')).toEqual([[['ok']], [['ok']]]);
      expect(await unitStates()).toEqual(['inactive', 'inactive']);

      expect(await setUnit('started', true)).toEqual([
        [['changed', `start ${UNIT}`]],
        [['changed', `start ${UNIT}`]],
      ]);
      expect(await unitStates()).toEqual(['inactive', 'inactive']);
      expect(await setUnit('started')).toEqual([
        [['changed', `start ${UNIT}`]],
        [['changed', `start ${UNIT}`]],
      ]);
      expect(await unitStates()).toEqual(['active', 'active']);
      expect(await setUnit('started')).toEqual([[['ok']], [['ok']]]);
    } finally {
      await Promise.all(HOSTS.map((host) => runInHost(host, `systemctl start ${UNIT}`)));
    }
    expect(await unitStates()).toEqual(['active', 'active']);
  });
});

describe('become on a real host', () => {
  it('connecting as ops, a become step runs as root through sudo', async () => {
    const marker = `/root/waptops-become-${randomBytes(4).toString('hex')}`;
    const inventory = labInventoryAs(tmp, 'ops');
    try {
      const run = await runOnLab(tmp, labPlaybook('become'), { inventory, params: { marker } });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      for (const host of HOSTS) {
        const steps = run.report.hosts[host]?.steps ?? [];
        expect(steps.map((s) => [s.name, s.status, (s.data?.stdout as string | undefined)?.trim()])).toEqual([
          ['who logs in', 'ok', 'ops'],
          ['who runs become steps', 'ok', 'root'],
          ['a root-only file is created through sudo', 'changed', ''],
        ]);
        expect((await runInHost(host, `stat -c %U ${marker}`)).trim()).toBe('root');
      }
    } finally {
      await Promise.all(HOSTS.map((host) => runInHost(host, `rm -f ${marker}`)));
    }
  });
});
