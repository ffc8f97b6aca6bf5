// Lab: restart-nginx on deb1 and rhel1 - stopped nginx fixed (check, run, re-run), broken config refused, start failure logged.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { tcpConnect } from '../../scripts/actions/lib/net-probe.js';
import { breakNginxConfig, labHost, repairNginxConfig, runInHost } from '../../scripts/lab/faults.js';
import { type LabRun, labTempDir, runOnLab, stepNamed } from '../helpers/lab/lab-run.js';

const HOSTS = ['deb1', 'rhel1'];
const RESTART = 'restart nginx';
const tmp = labTempDir();
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function restartNginx(check = false) {
  return runOnLab(tmp, 'restart-nginx', { limit: HOSTS.join(','), check, params: { timeout: '2' } });
}

/** nginx's state and main pid on a host: a restart changes the pid. */
async function nginxState(host: string): Promise<string> {
  return runInHost(host, 'systemctl show -p ActiveState -p MainPID nginx');
}

async function port443(host: string) {
  return (await tcpConnect(labHost(host).address, 443, 2000)).state;
}

function recapOf(run: LabRun, host: string) {
  return run.report.hosts[host]?.recap;
}

describe('restart-nginx on real hosts', () => {
  it('stopped nginx: --check changes nothing, a run starts it and 443 answers, a second run changes nothing', async () => {
    for (const host of HOSTS) await runInHost(host, 'systemctl stop nginx');
    try {
      const stopped = await Promise.all(HOSTS.map(nginxState));
      const check = await restartNginx(true);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      for (const host of HOSTS) expect(stepNamed(check, host, RESTART).status).toBe('changed');
      expect(await Promise.all(HOSTS.map(nginxState))).toEqual(stopped);

      const run = await restartNginx();
      expect(run.code, run.stdout + run.stderr).toBe(0);
      for (const host of HOSTS) {
        expect(stepNamed(run, host, RESTART).changes).toEqual(['start nginx']);
        expect(stepNamed(run, host, 'nginx is active').status).toBe('ok');
        expect(stepNamed(run, host, 'port 443 answers').status).toBe('ok');
        expect(await port443(host)).toBe('open');
      }

      const started = await Promise.all(HOSTS.map(nginxState));
      const again = await restartNginx();
      expect(again.code).toBe(0);
      for (const host of HOSTS) {
        expect(recapOf(again, host)?.changed).toBe(0);
        expect(stepNamed(again, host, RESTART).status).toBe('skipped');
      }
      expect(await Promise.all(HOSTS.map(nginxState))).toEqual(started);

      const forced = await runOnLab(tmp, 'restart-nginx', { limit: 'deb1', params: { force: 'true' } });
      expect(forced.code, forced.stdout + forced.stderr).toBe(0);
      expect(stepNamed(forced, 'deb1', RESTART).changes).toEqual(['restart nginx']);
      expect(await nginxState('deb1')).not.toBe(started[0]);
      expect(await port443('deb1')).toBe('open');
    } finally {
      for (const host of HOSTS) await runInHost(host, 'systemctl start nginx');
    }
  });

  it('broken config on deb1 is refused and the old nginx keeps serving; nginx that cannot start on rhel1 gets its logs', async () => {
    await breakNginxConfig('deb1');
    // Something else holds 443 on rhel1: nginx -t passes but nginx cannot bind.
    await runInHost(
      'rhel1',
      'systemctl stop nginx && systemd-run --unit=waptops-test-squatter python3 -m http.server 443 --bind 0.0.0.0',
    );
    try {
      const before = await nginxState('deb1');
      const run = await restartNginx();
      expect(run.code, run.stdout + run.stderr).toBe(2);

      const configtest = stepNamed(
        run,
        'deb1',
        'nginx configuration is valid (nginx -t; when it is not, nothing is restarted)',
      );
      expect(configtest.status).toBe('failed');
      expect(configtest.message).toContain('unknown directive "this_is_not_a_directive"');
      expect(run.report.hosts.deb1?.steps.map((s) => s.name)).not.toContain(RESTART);
      expect(await nginxState('deb1')).toBe(before);
      expect(await port443('deb1')).toBe('open');

      expect(stepNamed(run, 'rhel1', RESTART).status).toBe('failed');
      const logs = stepNamed(run, 'rhel1', 'nginx logs (it did not start or does not answer)', true);
      expect(logs.status).toBe('ok');
      const notes = logs.notes.join('\n');
      expect(notes).toContain('journalctl -u nginx');
      expect(notes).toContain('/var/log/nginx/error.log');
      expect(notes).toContain('Address already in use');
    } finally {
      await repairNginxConfig('deb1');
      await runInHost('rhel1', 'systemctl stop waptops-test-squatter; systemctl start nginx');
    }
    for (const host of HOSTS) expect(await port443(host)).toBe('open');
  });

  it('nginx in the start-limit state: the run says so and names systemctl reset-failed, changing nothing', async () => {
    // Seven starts inside systemd's default window (5 in 10 s) leave nginx failed with result start-limit-hit.
    for (const host of HOSTS) {
      await runInHost(
        host,
        'for i in 1 2 3 4 5 6 7; do systemctl restart nginx 2>/dev/null; done; systemctl stop nginx',
      );
      expect(await runInHost(host, 'systemctl show -p Result --value nginx')).toBe('start-limit-hit\n');
    }
    try {
      const run = await restartNginx();
      expect(run.code, run.stdout + run.stderr).toBe(2);
      for (const host of HOSTS) {
        const restart = stepNamed(run, host, RESTART);
        expect(restart.status).toBe('failed');
        expect(restart.changes).toEqual([]);
        expect(restart.message).toContain("nginx hit systemd's start limit");
        expect(restart.message).toContain('`systemctl reset-failed nginx`');
        expect(await runInHost(host, 'systemctl is-active nginx || true')).toBe('failed\n');
      }
    } finally {
      for (const host of HOSTS) await runInHost(host, 'systemctl reset-failed nginx; systemctl start nginx');
    }
  });
});
