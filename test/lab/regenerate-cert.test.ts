// Lab: regenerate-cert on deb1 and rhel1. It makes the pair the way WAPT 1.8.2's postconf makes one
// (postconf.py:204-233: RSA 2048, self-signed, CN and SAN DNS the FQDN, 10 years from waptcrypto.py:1368-1369)
// and does not run postconf: --check changes nothing, nginx -t refusing leaves the old pair, a run serves a
// matching pair and keeps the old one, a second run has nothing to do; an expired self-signed certificate is
// regenerated; a CA-issued one is not replaced unless asked.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runInHost } from '../../scripts/lab/faults.js';
import { expiredCertificate, type SelfSigned, selfSigned } from '../helpers/certs.js';
import { labTempDir, runOnLab } from '../helpers/lab/lab-run.js';
import { stepStatuses } from '../helpers/lab/run-with-env.js';
import { servedSubject, waitForServedCn, waitForServedSubject } from '../helpers/lab/served-cert.js';

const HOSTS = ['deb1', 'rhel1'];
const WEB_GROUP: Record<string, string> = { deb1: 'www-data', rhel1: 'nginx' };
const SSL = '/opt/wapt/waptserver/ssl';
const tmp = labTempDir();

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Serves this pair on the host (root:<web group> 440, as WAPT lays it out) and waits until nginx does. */
async function serve(host: string, pair: SelfSigned, subjectLine: string): Promise<void> {
  const pem = (file: string) => readFileSync(file, 'utf8');
  await runInHost(
    host,
    `cat > ${SSL}/key.pem <<'PEM'\n${pem(pair.key)}PEM\ncat > ${SSL}/cert.pem <<'PEM'\n${pem(pair.cert)}PEM\nchown root:${WEB_GROUP[host]} ${SSL}/*.pem && chmod 440 ${SSL}/*.pem && systemctl reload nginx`,
  );
  await waitForServedSubject(host, subjectLine);
}

/** Checksums and attributes of the ssl directory, the ini and /opt/wapt/conf: postconf would change them. */
async function files(host: string): Promise<string> {
  return runInHost(
    host,
    `cd ${SSL} && for f in * /opt/wapt/conf/*; do echo "$(stat -c '%n %a %U %G' "$f") $(sha256sum < "$f")"; done; sha256sum /etc/nginx/nginx.conf`,
  );
}

const names = [
  "the host's FQDN",
  'certificate served on 443',
  'served certificate against the FQDN and its expiry',
  'a CA-issued certificate is renewed with its CA, not replaced by a self-signed one',
  'a new self-signed pair for the FQDN (the old one moved aside)',
  'reload nginx',
  'the served certificate matches the FQDN and is valid',
];
const expectSteps = (statuses: string[]) =>
  Object.fromEntries(HOSTS.map((h) => [h, names.map((name, i) => [name, statuses[i]])]));

describe('regenerate-cert', () => {
  it('replaces a certificate whose CN is not the FQDN without postconf, keeps the old pair, then has nothing to do', async () => {
    const dir = mkdtempSync(path.join(tmp, 'wrong-'));
    const wrong = selfSigned(dir, 'wrong', { cn: 'wrong.wapt.lab' });
    for (const host of HOSTS) await serve(host, wrong, 'subject=CN = wrong.wapt.lab');
    const before = await Promise.all(HOSTS.map(files));
    const wrongPair = await Promise.all(
      HOSTS.map((h) => runInHost(h, `cat ${SSL}/cert.pem ${SSL}/key.pem | sha256sum`)),
    );

    // nginx -t refuses the configuration: the new pair is not kept, the old one is served as before.
    for (const host of HOSTS)
      await runInHost(host, `echo 'waptops_bogus_directive on;' > /etc/nginx/conf.d/zz-bogus.conf`);
    const refused = await runOnLab(tmp, 'regenerate-cert', { limit: HOSTS.join(',') });
    for (const host of HOSTS) await runInHost(host, 'rm /etc/nginx/conf.d/zz-bogus.conf');
    expect(refused.code, refused.stdout + refused.stderr).toBe(2);
    for (const host of HOSTS) {
      const pair = refused.report.hosts[host]?.steps.find((s) => s.name === names[4]);
      expect(pair?.status).toBe('failed');
      expect(pair?.message).toMatch(/nginx -t refused the new pair; the old one is back/);
    }
    expect(await Promise.all(HOSTS.map(files))).toEqual(before);

    const check = await runOnLab(tmp, 'regenerate-cert', { limit: HOSTS.join(','), check: true });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(stepStatuses(check.report)).toEqual(
      expectSteps(['ok', 'ok', 'ok', 'ok', 'changed', 'changed', 'skipped']),
    );
    expect(check.report.hosts.deb1?.steps[2]?.message).toContain(
      'certificate CN wrong.wapt.lab (SAN []) does not match the FQDN deb1.wapt.lab',
    );
    expect(await Promise.all(HOSTS.map(files))).toEqual(before);

    const real = await runOnLab(tmp, 'regenerate-cert', { limit: HOSTS.join(',') });
    expect(real.code, real.stdout + real.stderr).toBe(0);
    expect(stepStatuses(real.report)).toEqual(
      expectSteps(['ok', 'ok', 'ok', 'ok', 'changed', 'changed', 'ok']),
    );
    for (const [i, host] of HOSTS.entries()) {
      expect(await servedSubject(host)).toBe(`subject=CN = ${host}.wapt.lab`);
      const made = await runInHost(
        host,
        `openssl x509 -in ${SSL}/cert.pem -noout -ext subjectAltName -enddate; openssl rsa -in ${SSL}/key.pem -noout -text | head -n 1`,
      );
      expect(made).toMatch(new RegExp(`DNS:${host}\\.wapt\\.lab\n`));
      expect(made).toMatch(/Private-Key: \(2048 bit/);
      const years = Number(/notAfter=.* (\d{4}) GMT/.exec(made)?.[1]) - new Date().getUTCFullYear();
      expect(years).toBe(10);
      const kept = await runInHost(host, `cd ${SSL} && cat cert.pem.waptops-* key.pem.waptops-* | sha256sum`);
      expect(kept).toBe(wrongPair[i]);
      expect((await runInHost(host, `stat -c '%a %U %G' ${SSL}/cert.pem ${SSL}/key.pem`)).trim()).toBe(
        `440 root ${WEB_GROUP[host]}\n440 root ${WEB_GROUP[host]}`,
      );
      // postconf's own effects did not happen: the ini, /opt/wapt/conf and nginx.conf are as they were.
      const conf = (s: string) => s.split('\n').filter((l) => l.startsWith('/') || l.includes('nginx.conf'));
      expect(conf(await files(host))).toEqual(conf(before[i] as string));
    }

    const again = await runOnLab(tmp, 'regenerate-cert', { limit: HOSTS.join(',') });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(stepStatuses(again.report)).toEqual(
      expectSteps(['ok', 'ok', 'ok', 'ok', 'skipped', 'skipped', 'skipped']),
    );
    for (const host of HOSTS) expect(again.report.hosts[host]?.recap?.changed).toBe(0);
  });

  it('regenerates an expired self-signed certificate; refuses to replace a CA-issued one unless replace_ca_issued', async () => {
    const ca = selfSigned(mkdtempSync(path.join(tmp, 'ca-')), 'regen-ca', { cn: 'Regen Test CA' });
    await serve(
      'deb1',
      expiredCertificate(mkdtempSync(path.join(tmp, 'deb1-')), '/CN=deb1.wapt.lab'),
      'subject=CN = deb1.wapt.lab',
    );
    await serve(
      'rhel1',
      expiredCertificate(mkdtempSync(path.join(tmp, 'rhel1-')), '/CN=rhel1.wapt.lab', ca),
      'subject=CN = rhel1.wapt.lab',
    );
    const rhel1Before = await files('rhel1');
    const run = await runOnLab(tmp, 'regenerate-cert', { limit: HOSTS.join(',') });
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.report.hosts.deb1?.steps[2]?.message).toMatch(/certificate expired or expires on 2020-02-01/);
    expect(run.report.hosts.deb1?.recap?.failed).toBe(0);
    expect(
      await runInHost('deb1', `openssl x509 -in ${SSL}/cert.pem -noout -checkend 86400 && echo valid`),
    ).toMatch(/valid/);
    expect(run.report.hosts.rhel1?.steps[3]?.message).toMatch(
      /issued by Regen Test CA: renew it with that CA/,
    );
    expect(await files('rhel1')).toEqual(rhel1Before);

    const forced = await runOnLab(tmp, 'regenerate-cert', {
      limit: 'rhel1',
      params: { replace_ca_issued: 'true' },
    });
    expect(forced.code, forced.stdout + forced.stderr).toBe(0);
    await waitForServedCn('rhel1', 'rhel1.wapt.lab');
    expect(await runInHost('rhel1', `openssl x509 -in ${SSL}/cert.pem -noout -issuer`)).toBe(
      'issuer=CN = rhel1.wapt.lab\n',
    );
  });
});
