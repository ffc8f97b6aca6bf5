// Lab: `waptops doctor` on deb1 and rhel1 - healthy, then each fault (nginx, waptserver, wapttasks or PostgreSQL
// stopped, 443 filtered, certificate CN not the FQDN or expired, broken fstab, secret_key or server_uuid too
// short, an upload limit below 4096m, .wapt files and Packages apart) named with its guide section and remedy. Each check that follows WAPT 1.8.2's source names the file:line it follows.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INVENTORY_FILE } from '../../scripts/lab/config.js';
import { allowHttps, dropHttps, runInHost, startNginx, stopNginx } from '../../scripts/lab/faults.js';
import { expiredCertificate, type SelfSigned, selfSigned } from '../helpers/certs.js';
import { runCli } from '../helpers/cli-process.js';
import { type LabRun, labTempDir, type RunReport } from '../helpers/lab/lab-run.js';
import { waitForServedCn, waitForServedSubject } from '../helpers/lab/served-cert.js';
import { verdictOf } from '../helpers/lab/verdict.js';

const tmp = labTempDir();
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SSL = '/opt/wapt/waptserver/ssl';
const BAD_FSTAB_LINE = 'UUID=0000-dead /srv/wapt-missing ext4 defaults 0 2';
const INI = '/opt/wapt/conf/waptserver.ini';
// The lab's WAPT site includes this file in its server blocks; it sets client_max_body_size 4096m.
const LOCATIONS = '/etc/nginx/wapt-locations.conf';
const UPLOAD_SIZE_GUIDE = 'Mon paquet WAPT est trop volumineux et je n’arrive pas à l’uploader';
const REPO = { deb1: '/var/www/wapt', rhel1: '/var/www/html/wapt' } as const;
// The lab sample whose WAPT/control starts with a BOM: wapt-scanpackages cannot read it, so Packages leaves it out.
const BOM_PACKAGE = 'lab-bom-control_1.0-1_all.wapt';
const UNLISTED = (n: number, repo: string, files: string) =>
  `${n} .wapt file(s) in ${repo} that Packages does not list (agents do not see them; wapt-scanpackages leaves out a package it cannot read): ${files}`;
let runs = 0;

/** A doctor run with its JSON report as written (to look for a secret in it). */
type DoctorRun = LabRun & { reportText: string };

/** `waptops doctor deb1,rhel1 --json FILE`, with its report read back. */
async function doctor(): Promise<DoctorRun> {
  const report = path.join(tmp, `doctor-${++runs}.json`);
  const args = ['doctor', 'deb1,rhel1', '-i', INVENTORY_FILE, '--plain', '--json', report];
  const result = await runCli(args, { XDG_STATE_HOME: path.join(tmp, 'state') });
  const reportText = readFileSync(report, 'utf8');
  return { ...result, report: JSON.parse(reportText) as RunReport, reportText };
}

/** Sets KEY of [options] in waptserver.ini to VALUE (the file kept aside as .doctor-test). */
async function setIniOption(host: string, key: string, value: string): Promise<void> {
  await runInHost(
    host,
    `cp -p ${INI} ${INI}.doctor-test && sed -i 's/^${key} = .*/${key} = ${value}/' ${INI} && grep -q '^${key} = ${value}$' ${INI}`,
  );
}

async function restoreIni(host: string): Promise<void> {
  await runInHost(host, `mv ${INI}.doctor-test ${INI}`);
}

/** Serves a self-signed certificate whose CN is not the host's FQDN (the real pair kept aside). */
async function serveWrongCertificate(host: string): Promise<void> {
  await runInHost(
    host,
    `cp -p ${SSL}/cert.pem ${SSL}/cert.pem.doctor-test && cp -p ${SSL}/key.pem ${SSL}/key.pem.doctor-test && openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj /CN=wrong.wapt.lab -keyout ${SSL}/key.pem -out ${SSL}/cert.pem 2>/dev/null && systemctl reload nginx`,
  );
  await waitForServedCn(host, 'wrong.wapt.lab');
}

/** Serves this pair (the real one kept aside) and waits until nginx shows its subject line. */
async function serveCertificate(host: string, pair: SelfSigned, subjectLine: string): Promise<void> {
  const pem = (file: string) => readFileSync(file, 'utf8');
  await runInHost(
    host,
    `cp -p ${SSL}/cert.pem ${SSL}/cert.pem.doctor-test && cp -p ${SSL}/key.pem ${SSL}/key.pem.doctor-test && cat > ${SSL}/key.pem <<'PEM'\n${pem(pair.key)}PEM\ncat > ${SSL}/cert.pem <<'PEM'\n${pem(pair.cert)}PEM\nsystemctl reload nginx`,
  );
  await waitForServedSubject(host, subjectLine);
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
    for (const host of ['deb1', 'rhel1']) {
      const messages = verdictOf(run, host).findings.map((f) => f.message);
      expect(messages.filter((m) => /wapttasks|PostgreSQL|secret_key|server_uuid/.test(m))).toEqual([]);
      const secret = (await runInHost(host, `sed -n 's/^secret_key = //p' ${INI}`)).trim();
      expect(secret).toHaveLength(64);
      expect(run.stdout + run.stderr + run.reportText).not.toContain(secret);
      expect(messages).toContain(
        `nginx client_max_body_size for /api/v3/upload_packages: 4096m, set in ${LOCATIONS}`,
      );
      expect(messages.filter((m) => /Packages|certificate.*expire/.test(m))).toEqual([
        UNLISTED(1, REPO[host as keyof typeof REPO], BOM_PACKAGE),
      ]);
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

  // PostgreSQL's unit is `postgresql` on Debian and `postgresql-9.6` on RHEL (WAPT 1.8.2 postconf.py:64, :68);
  // postconf.py:686 / :127-129 enables waptserver and wapttasks.
  it('wapttasks and postgresql stopped on deb1, postgresql-9.6 stopped on rhel1: each named, with its unit', async () => {
    await runInHost('deb1', 'systemctl stop wapttasks postgresql');
    await runInHost('rhel1', 'systemctl stop postgresql-9.6');
    try {
      const run = await doctor();
      expect(run.code, run.stdout + run.stderr).toBe(2);
      expect(verdictOf(run, 'deb1').errors).toEqual([
        {
          severity: 'error',
          message: 'PostgreSQL (postgresql) is inactive: waptserver has no database',
          guide: 'Message d’erreur à l’ouverture de la console',
          remedy: 'systemctl start postgresql on the server (make postconf HOST=deb1 starts and enables it)',
        },
        {
          severity: 'error',
          message: "wapttasks is inactive: the server's background jobs do not run",
          guide: 'Message d’erreur à l’ouverture de la console',
          remedy:
            'systemctl restart wapttasks on the server; if it does not stay up, make postconf HOST=deb1',
        },
      ]);
      expect(verdictOf(run, 'rhel1').errors.map((f) => f.message)).toEqual([
        'PostgreSQL (postgresql-9.6) is inactive: waptserver has no database',
      ]);
    } finally {
      await runInHost('deb1', 'systemctl start postgresql wapttasks');
      await runInHost('rhel1', 'systemctl start postgresql-9.6');
    }
  });

  // waptserver refuses to start when secret_key has fewer than 32 characters or server_uuid fewer than 10
  // (WAPT 1.8.2 waptserver/config.py:150-155, :157-162); postconf loads the same config first (postconf.py:422).
  it('secret_key too short on deb1, server_uuid too short on rhel1: named by length, the secret never shown', async () => {
    const shortSecret = 'doctor-short-secret-31-chars-xx';
    expect(shortSecret).toHaveLength(31);
    await setIniOption('deb1', 'secret_key', shortSecret);
    await setIniOption('rhel1', 'server_uuid', 'uuid-nine');
    try {
      const run = await doctor();
      expect(run.code, run.stdout + run.stderr).toBe(2);
      expect(verdictOf(run, 'deb1').errors).toEqual([
        {
          severity: 'error',
          message: `secret_key in ${INI} is 31 characters long, fewer than 32: waptserver refuses to start with it, and so does postconf`,
          guide: 'Message d’erreur à l’ouverture de la console',
          remedy: `remove the secret_key line from [options] of ${INI}, then make postconf HOST=deb1 (it writes a new 64-character key)`,
        },
      ]);
      expect(verdictOf(run, 'rhel1').errors.map((f) => f.message)).toEqual([
        `server_uuid in ${INI} is 9 characters long, fewer than 10: waptserver refuses to start with it, and so does postconf`,
      ]);
      expect(run.stdout + run.stderr + run.reportText).not.toContain(shortSecret);
    } finally {
      await restoreIni('deb1');
      await restoreIni('rhel1');
    }
  });

  // WAPT 1.8.2's nginx template sets client_max_body_size 4096m (waptserver/scripts/wapt.nginxconfig.template:62,
  // :116) for the uploads to /api/v3/upload_packages (waptserver/server.py:806); nginx's own default is 1m.
  it('client_max_body_size 1m on deb1, none at all on rhel1: the upload limit named with where it comes from', async () => {
    await runInHost(
      'deb1',
      `cp -p ${LOCATIONS} ${LOCATIONS}.doctor-test && sed -i 's/^client_max_body_size .*/client_max_body_size 1m;/' ${LOCATIONS}`,
    );
    await runInHost(
      'rhel1',
      `cp -p ${LOCATIONS} ${LOCATIONS}.doctor-test && sed -i '/^client_max_body_size /d' ${LOCATIONS}`,
    );
    try {
      const run = await doctor();
      expect(run.code, run.stdout + run.stderr).toBe(2);
      const remedy = (host: string) =>
        `set client_max_body_size 4096m in the WAPT site (WAPT's nginx template has 4096m in its location /) and reload nginx, or make postconf HOST=${host} to rewrite the site from the template; meanwhile make upload-package HOST=${host} PACKAGE=file.wapt copies a package over SSH as the guide does`;
      expect(verdictOf(run, 'deb1').errors).toEqual([
        {
          severity: 'error',
          message: `nginx takes uploads to /api/v3/upload_packages of at most 1m (client_max_body_size in ${LOCATIONS}), less than 4096m: a bigger package fails to upload`,
          guide: UPLOAD_SIZE_GUIDE,
          remedy: remedy('deb1'),
        },
      ]);
      expect(verdictOf(run, 'rhel1').errors).toEqual([
        {
          severity: 'error',
          message:
            'nginx takes uploads to /api/v3/upload_packages of at most 1m (no client_max_body_size: the nginx default), less than 4096m: a bigger package fails to upload',
          guide: UPLOAD_SIZE_GUIDE,
          remedy: remedy('rhel1'),
        },
      ]);
    } finally {
      for (const host of ['deb1', 'rhel1']) await runInHost(host, `mv ${LOCATIONS}.doctor-test ${LOCATIONS}`);
    }
  });

  // wapt-scanpackages leaves out a package it cannot read and still exits 0 (WAPT 1.8.2 waptpackage.py:3300-3302),
  // keeps the entry of a file not newer than Packages (:3224-3229, md5sum included) unless -f, and drops an entry
  // whose file is gone only when it runs again (:3232-3233); agents refuse a download whose md5 is not the entry's
  // (waptutils.py:1002-1005).
  it('a stray .wapt and a replaced one on deb1, a listed one deleted on rhel1: each named, remedy wapt-scanpackages -f', async () => {
    const [deb1, rhel1] = [REPO.deb1, REPO.rhel1];
    await runInHost(
      'deb1',
      `cp -p ${deb1}/lab-tools_1.0-1_all.wapt ${deb1}/lab-stray_1.0-1_all.wapt && mv ${deb1}/lab-office_16.0-3_all.wapt /root/doctor-office.wapt && cp -p ${deb1}/lab-tools_1.0-1_all.wapt ${deb1}/lab-office_16.0-3_all.wapt`,
    );
    await runInHost('rhel1', `mv ${rhel1}/lab-browser_120.0-1_all.wapt /root/doctor-browser.wapt`);
    try {
      const run = await doctor();
      expect(run.code, run.stdout + run.stderr).toBe(2);
      expect(verdictOf(run, 'deb1').errors).toEqual([
        {
          severity: 'error',
          message: `Packages gives an md5sum that is not the file's for 1 package(s) (agents refuse the download): lab-office_16.0-3_all.wapt`,
          guide: UPLOAD_SIZE_GUIDE,
          remedy: `wapt-scanpackages -f ${deb1} on the server (without -f it keeps the old entries), then make lint-repo HOST=deb1`,
        },
      ]);
      expect(verdictOf(run, 'deb1').findings).toContainEqual({
        severity: 'warning',
        message: UNLISTED(2, deb1, `${BOM_PACKAGE}, lab-stray_1.0-1_all.wapt`),
        guide: UPLOAD_SIZE_GUIDE,
        remedy: `wapt-scanpackages -f ${deb1} on the server; a package it still leaves out is one make lint-repo HOST=deb1 names`,
      });
      expect(verdictOf(run, 'rhel1').errors).toEqual([
        {
          severity: 'error',
          message: `Packages lists 1 package(s) whose file is not in ${rhel1} (agents fail to download them): lab-browser_120.0-1_all.wapt`,
          guide: UPLOAD_SIZE_GUIDE,
          remedy: `wapt-scanpackages -f ${rhel1} on the server, then make lint-repo HOST=rhel1`,
        },
      ]);
    } finally {
      await runInHost(
        'deb1',
        `rm ${deb1}/lab-stray_1.0-1_all.wapt && mv /root/doctor-office.wapt ${deb1}/lab-office_16.0-3_all.wapt`,
      );
      await runInHost('rhel1', `mv /root/doctor-browser.wapt ${rhel1}/lab-browser_120.0-1_all.wapt`);
    }
  });

  // An expired self-signed certificate: regenerate-cert makes a new pair; one a CA issued (issuer != subject) is
  // renewed with that CA. No WAPT line here: agents with verify_cert and the console refuse it in the TLS
  // handshake itself (the guide's «Error connecting with SSL … verify failed»).
  it('expired self-signed certificate on deb1, expired CA-issued one on rhel1: regenerate-cert vs the issuing CA', async () => {
    const dir = mkdtempSync(path.join(tmp, 'certs-'));
    const ca = selfSigned(dir, 'doctor-ca', { cn: 'Doctor Test CA' });
    const deb1Dir = mkdtempSync(path.join(tmp, 'deb1-'));
    const rhel1Dir = mkdtempSync(path.join(tmp, 'rhel1-'));
    await serveCertificate(
      'deb1',
      expiredCertificate(deb1Dir, '/O=doctor-test/CN=deb1.wapt.lab'),
      'subject=CN = deb1.wapt.lab, O = doctor-test',
    );
    await serveCertificate(
      'rhel1',
      expiredCertificate(rhel1Dir, '/O=doctor-test/CN=rhel1.wapt.lab', ca),
      'subject=CN = rhel1.wapt.lab, O = doctor-test',
    );
    try {
      const run = await doctor();
      expect(run.code, run.stdout + run.stderr).toBe(2);
      expect(verdictOf(run, 'deb1').errors).toEqual([
        {
          severity: 'error',
          message: 'the server certificate (self-signed) expired on 2020-02-01T00:00:00.000Z',
          guide: 'Error connecting with SSL … verify failed',
          remedy: 'make regenerate-cert HOST=deb1',
        },
      ]);
      expect(verdictOf(run, 'rhel1').errors).toEqual([
        {
          severity: 'error',
          message: 'the server certificate, issued by Doctor Test CA, expired on 2020-02-01T00:00:00.000Z',
          guide: 'Error connecting with SSL … verify failed',
          remedy:
            'renew it with the CA that issued it (Doctor Test CA), put the new certificate and its chain in /opt/wapt/waptserver/ssl/cert.pem, then make restart-nginx HOST=rhel1',
        },
      ]);
    } finally {
      await restoreCertificate('deb1');
      await restoreCertificate('rhel1');
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
