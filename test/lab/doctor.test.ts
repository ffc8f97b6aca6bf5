// Lab: `waptops doctor` on deb1 and rhel1 - healthy, then each fault (nginx stopped, waptserver stopped,
// 443 filtered, certificate CN not the FQDN, broken fstab) named with its guide section and remedy.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INVENTORY_FILE } from '../../scripts/lab/config.js';
import { allowHttps, dropHttps, runInHost, startNginx, stopNginx } from '../../scripts/lab/faults.js';
import { runCli } from '../helpers/cli-process.js';
import { type LabRun, labTempDir, type RunReport } from '../helpers/lab/lab-run.js';
import { waitForServedCn } from '../helpers/lab/served-cert.js';
import { verdictOf } from '../helpers/lab/verdict.js';

const tmp = labTempDir();
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SSL = '/opt/wapt/waptserver/ssl';
const BAD_FSTAB_LINE = 'UUID=0000-dead /srv/wapt-missing ext4 defaults 0 2';
let runs = 0;

/** `waptops doctor deb1,rhel1 --json FILE`, with its report read back. */
async function doctor(): Promise<LabRun> {
  const report = path.join(tmp, `doctor-${++runs}.json`);
  const args = ['doctor', 'deb1,rhel1', '-i', INVENTORY_FILE, '--plain', '--json', report];
  const result = await runCli(args, { XDG_STATE_HOME: path.join(tmp, 'state') });
  return { ...result, report: JSON.parse(readFileSync(report, 'utf8')) as RunReport };
}

/** Serves a self-signed certificate whose CN is not the host's FQDN (the real pair kept aside). */
async function serveWrongCertificate(host: string): Promise<void> {
  await runInHost(
    host,
    `cp -p ${SSL}/cert.pem ${SSL}/cert.pem.doctor-test && cp -p ${SSL}/key.pem ${SSL}/key.pem.doctor-test && openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj /CN=wrong.wapt.lab -keyout ${SSL}/key.pem -out ${SSL}/cert.pem 2>/dev/null && systemctl reload nginx`,
  );
  await waitForServedCn(host, 'wrong.wapt.lab');
}

async function restoreCertificate(host: string): Promise<void> {
  await runInHost(
    host,
    `mv ${SSL}/cert.pem.doctor-test ${SSL}/cert.pem && mv ${SSL}/key.pem.doctor-test ${SSL}/key.pem && systemctl reload nginx`,
  );
  await waitForServedCn(host, `${host}.wapt.lab`);
}

describe('waptops doctor on real hosts', () => {
  it('healthy: exit 0, no error, the /ping version and the lint findings are reported', async () => {
    const run = await doctor();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.report.check).toBe(true);
    for (const host of ['deb1', 'rhel1']) {
      const verdict = verdictOf(run, host);
      expect(verdict.errors).toEqual([]);
      expect(verdict.findings.map((f) => f.message).join('\n')).toMatch(
        /WAPT server 1\.8\.\S+ answers \/ping/,
      );
      expect(run.stdout).toContain(`${host}: 0 error(s)`);
    }
    expect(run.stdout).toMatch(/lint +lab-bom-control_\S+\.wapt: WAPT\/control starts with a UTF-8 BOM/);
    expect(run.stdout).toContain('guide: «Utiliser la fonction register() dans vos scripts d’audit»');
  });

  it('nginx stopped on deb1, waptserver stopped and fstab broken on rhel1: each named with its section and remedy', async () => {
    await stopNginx('deb1');
    await runInHost('rhel1', 'systemctl stop waptserver');
    await runInHost(
      'rhel1',
      `cp -p /etc/fstab /etc/fstab.doctor-test && echo '${BAD_FSTAB_LINE}' >> /etc/fstab`,
    );
    try {
      const run = await doctor();
      expect(run.code, run.stdout + run.stderr).toBe(2);
      const deb1 = verdictOf(run, 'deb1').errors;
      expect(deb1[0]).toMatchObject({ guide: 'Connection refused', remedy: 'make restart-nginx HOST=deb1' });
      expect(deb1[0]?.message).toMatch(/^nginx is inactive: port 443 is refused/);
      const rhel1 = verdictOf(run, 'rhel1').errors;
      expect(rhel1).toHaveLength(2);
      expect(rhel1[0]?.message).toMatch(/^waptserver is inactive/);
      expect(rhel1[0]?.remedy).toContain('make postconf HOST=rhel1');
      expect(rhel1[1]?.message).toMatch(
        /^\/etc\/fstab has errors .*unreachable on boot required source: UUID=0000-dead/s,
      );
      expect(rhel1[1]?.guide).toBe('Comment déplacer mon dépôt sur une autre partition');
      expect(run.stdout).toContain('fix:   make restart-nginx HOST=deb1');
    } finally {
      await startNginx('deb1');
      await runInHost('rhel1', 'systemctl start waptserver; mv /etc/fstab.doctor-test /etc/fstab');
    }
  });

  it('443 filtered on deb1, certificate CN not the FQDN on rhel1: firewall and regenerate-cert named', async () => {
    await dropHttps('deb1');
    await serveWrongCertificate('rhel1');
    try {
      const run = await doctor();
      expect(run.code, run.stdout + run.stderr).toBe(2);
      const deb1 = verdictOf(run, 'deb1').errors;
      expect(deb1).toHaveLength(1);
      // The fault drops 443 on every interface, loopback too: the host cannot reach itself either.
      expect(deb1[0]?.message).toMatch(
        /filtered \(timeout\) from the controller and gets no answer on 127\.0\.0\.1:443 from the host itself: a firewall rule on the server/,
      );
      expect(deb1[0]?.remedy).toContain('firewall');
      const rhel1 = verdictOf(run, 'rhel1').errors;
      expect(rhel1).toEqual([
        {
          severity: 'error',
          message: 'certificate CN wrong.wapt.lab does not match the server FQDN rhel1.wapt.lab',
          guide: 'Problème lors du enable-check-certificate',
          remedy: 'make regenerate-cert HOST=rhel1',
        },
      ]);
    } finally {
      await allowHttps('deb1');
      await restoreCertificate('rhel1');
    }
    expect((await doctor()).code).toBe(0);
  });
});
