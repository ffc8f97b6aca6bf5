// Lab: regenerate-cert on deb1 and rhel1 with a served certificate whose CN is not the FQDN - --check changes
// nothing, a run moves the old pair aside and serves a matching one, a second run has nothing to do.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { INVENTORY_FILE } from '../../scripts/lab/config.js';
import { runInHost } from '../../scripts/lab/faults.js';
import { labTempDir, runOnLab } from '../helpers/lab/lab-run.js';
import { stepStatuses } from '../helpers/lab/run-with-env.js';
import { servedSubject, waitForServedCn } from '../helpers/lab/served-cert.js';

const HOSTS = ['deb1', 'rhel1'];
const WEB_GROUP: Record<string, string> = { deb1: 'www-data', rhel1: 'nginx' };
const SSL = '/opt/wapt/waptserver/ssl';
const INI = '/opt/wapt/conf/waptserver.ini';
const SAVED = '/root/waptops-test-regenerate-cert';
const tmp = labTempDir();

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Saves the ssl directory and the ini, then serves a certificate for another name. */
async function installWrongCertificate(host: string): Promise<void> {
  await runInHost(
    host,
    `set -e; rm -rf ${SAVED}; mkdir -p ${SAVED}; cp -a ${SSL} ${SAVED}/ssl; cp -a ${INI} ${SAVED}/ini; ls /opt/wapt/conf > ${SAVED}/conf-files
     openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=wrong.wapt.lab -keyout ${SSL}/key.pem -out ${SSL}/cert.pem 2>/dev/null
     chown root:${WEB_GROUP[host]} ${SSL}/cert.pem ${SSL}/key.pem; chmod 440 ${SSL}/cert.pem ${SSL}/key.pem; systemctl reload nginx`,
  );
  await waitForServedCn(host, 'wrong.wapt.lab');
}

async function restore(host: string): Promise<void> {
  await runInHost(
    host,
    `set -e; rm -rf ${SSL}; cp -a ${SAVED}/ssl ${SSL}; cp -a ${SAVED}/ini ${INI}
     cd /opt/wapt/conf; for f in *; do grep -qxF "$f" ${SAVED}/conf-files || rm -f -- "$f"; done
     rm -rf ${SAVED}; systemctl reload nginx; systemctl restart waptserver`,
  );
}

/** Checksums and attributes of every file in the ssl directory and of the ini. */
async function files(host: string): Promise<string> {
  return runInHost(
    host,
    `cd ${SSL} && for f in * ${INI}; do echo "$(stat -c '%n %a %U %G' "$f") $(sha256sum < "$f")"; done`,
  );
}

/** A copy of inventory/lab.yml whose hosts' postconf.sh is /bin/false (postconf fails after the move). */
function inventoryWithFailingPostconf(): string {
  const inventory = parse(readFileSync(INVENTORY_FILE, 'utf8')) as {
    hosts: Record<string, { vars: Record<string, unknown> }>;
  };
  for (const host of Object.values(inventory.hosts)) host.vars.wapt_postconf = '/bin/false';
  const file = path.join(tmp, 'lab-failing-postconf.yml');
  writeFileSync(file, stringify(inventory));
  return file;
}

const names = [
  "the host's FQDN",
  'certificate served on 443',
  'served certificate against the FQDN',
  'move cert.pem and key.pem aside',
  'postconf.sh -q makes a new self-signed pair',
  'reload nginx',
  'the served certificate matches the FQDN',
];
const expectSteps = (statuses: string[]) =>
  Object.fromEntries(HOSTS.map((h) => [h, names.map((name, i) => [name, statuses[i]])]));

describe('regenerate-cert', () => {
  it('replaces a certificate whose CN is not the FQDN, keeps the old pair, then has nothing to do', async () => {
    await Promise.all(HOSTS.map(installWrongCertificate));
    try {
      const before = await Promise.all(HOSTS.map(files));
      const wrongPair = await Promise.all(
        HOSTS.map((h) => runInHost(h, `cat ${SSL}/cert.pem ${SSL}/key.pem | sha256sum`)),
      );
      expect(await Promise.all(HOSTS.map(servedSubject))).toEqual(
        HOSTS.map(() => 'subject=CN = wrong.wapt.lab'),
      );

      // postconf fails after the move: the rescue puts the old pair back and nginx keeps serving it.
      const failing = await runOnLab(tmp, 'regenerate-cert', {
        limit: HOSTS.join(','),
        inventory: inventoryWithFailingPostconf(),
      });
      expect(failing.code, failing.stdout + failing.stderr).toBe(2);
      for (const host of HOSTS) {
        const steps = failing.report.hosts[host]?.steps ?? [];
        expect(steps.map((s) => [s.name, s.status, s.rescue])).toEqual([
          ...names.slice(0, 4).map((name, i) => [name, i === 3 ? 'changed' : 'ok', false]),
          [names[4], 'failed', false],
          ['put the old certificate and key back', 'changed', true],
        ]);
        expect(steps[4]?.message).toContain('/bin/false');
      }
      expect(await Promise.all(HOSTS.map(files))).toEqual(before);
      expect(await Promise.all(HOSTS.map(servedSubject))).toEqual(
        HOSTS.map(() => 'subject=CN = wrong.wapt.lab'),
      );

      const check = await runOnLab(tmp, 'regenerate-cert', { limit: HOSTS.join(','), check: true });
      expect(check.code, check.stdout + check.stderr).toBe(0);
      expect(stepStatuses(check.report)).toEqual(
        expectSteps(['ok', 'ok', 'ok', 'changed', 'changed', 'changed', 'skipped']),
      );
      expect(check.report.hosts.deb1?.steps[2]?.message).toContain(
        'certificate CN wrong.wapt.lab (SAN []) does not match the FQDN deb1.wapt.lab',
      );
      expect(await Promise.all(HOSTS.map(files))).toEqual(before);

      const real = await runOnLab(tmp, 'regenerate-cert', { limit: HOSTS.join(',') });
      expect(real.code, real.stdout + real.stderr).toBe(0);
      expect(stepStatuses(real.report)).toEqual(
        expectSteps(['ok', 'ok', 'ok', 'changed', 'changed', 'changed', 'ok']),
      );
      for (const [i, host] of HOSTS.entries()) {
        expect(await servedSubject(host)).toBe(`subject=CN = ${host}.wapt.lab`);
        const kept = await runInHost(
          host,
          `cd ${SSL} && cat cert.pem.waptops-* key.pem.waptops-* | sha256sum`,
        );
        expect(kept).toBe(wrongPair[i]);
        expect((await runInHost(host, `stat -c '%a %U %G' ${SSL}/cert.pem ${SSL}/key.pem`)).trim()).toBe(
          `440 root ${WEB_GROUP[host]}\n440 root ${WEB_GROUP[host]}`,
        );
      }

      const again = await runOnLab(tmp, 'regenerate-cert', { limit: HOSTS.join(',') });
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(stepStatuses(again.report)).toEqual(
        expectSteps(['ok', 'ok', 'ok', 'skipped', 'skipped', 'skipped', 'skipped']),
      );
      for (const host of HOSTS) expect(again.report.hosts[host]?.recap?.changed).toBe(0);
    } finally {
      await Promise.all(HOSTS.map(restore));
    }
    expect(await Promise.all(HOSTS.map(servedSubject))).toEqual(
      HOSTS.map((h) => `subject=CN = ${h}.wapt.lab`),
    );
  });
});
