// Lab: lint-repo on deb1 and rhel1 finds exactly the sample repository's BOM and register-in-audit packages,
// then judges signers and control data as WAPT 1.8.2 does; it never changes the repository.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runInHost } from '../../scripts/lab/faults.js';
import { issuedBy, redated, type SelfSigned, selfSigned } from '../helpers/certs.js';
import { type LabRun, labTempDir, runOnLab, stepNamed } from '../helpers/lab/lab-run.js';
import { putOnHost, removePackage, repoOf, repoSnapshot, signInPlace } from '../helpers/lab/repository.js';
import { makeZips } from '../helpers/make-zip.js';

const HOSTS = ['deb1', 'rhel1'];
const STEP = "lint the repository's packages";
const UNTRUSTED = 'lab-untrusted_1.0-1_all.wapt';
const tmp = labTempDir();
const SSL = '/opt/wapt/ssl';
const INI = '/opt/wapt/wapt-get.ini';

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Per host: `package: problem` of each finding the run reported. */
function findings(run: LabRun, host: string): string[] {
  const data = stepNamed(run, host, STEP).data as {
    findings: { package: string; problem: string; fix: string }[];
  };
  for (const f of data.findings) expect(f.fix.length).toBeGreaterThan(10);
  return data.findings.map((f) => `${f.package}: ${f.problem.split(' (')[0]}`);
}

const SAMPLE_FINDINGS = [
  'lab-audit-register_2.1-0_all.wapt: setup.py calls register() inside audit()',
  'lab-bom-control_1.0-1_all.wapt: WAPT/control starts with a UTF-8 BOM',
];

describe('lint-repo on real hosts', () => {
  it('finds exactly the BOM and register-in-audit samples, exits 2; --check finds the same and nothing changes', async () => {
    const before = await Promise.all(HOSTS.map(repoSnapshot));
    const run = await runOnLab(tmp, 'lint-repo');
    expect(run.code, run.stdout + run.stderr).toBe(2);
    for (const host of HOSTS) {
      expect(findings(run, host)).toEqual(SAMPLE_FINDINGS);
      expect(run.report.hosts[host]?.recap).toMatchObject({ changed: 0, failed: 1 });
    }
    expect(run.stdout).toContain(
      'deb1 [1/1]    lab-bom-control_1.0-1_all.wapt: WAPT/control starts with a UTF-8 BOM (EWaptBadControl) -> save WAPT/control as UTF-8 without BOM',
    );
    const check = await runOnLab(tmp, 'lint-repo', { check: true });
    expect(check.code).toBe(2);
    for (const host of HOSTS) expect(findings(check, host)).toEqual(SAMPLE_FINDINGS);
    expect(await Promise.all(HOSTS.map(repoSnapshot))).toEqual(before);
  });

  it('names a package signed by a certificate the server does not trust', async () => {
    try {
      for (const host of HOSTS) {
        const repo = repoOf(host);
        await runInHost(
          host,
          `cp -p ${repo}/lab-tools_1.0-1_all.wapt ${repo}/${UNTRUSTED} && ${signInPlace('/opt/wapt/lab/keys/new.crt', '/opt/wapt/lab/keys/new.pem', `${repo}/${UNTRUSTED}`)}`,
        );
      }
      const run = await runOnLab(tmp, 'lint-repo');
      expect(run.code).toBe(2);
      for (const host of HOSTS)
        expect(findings(run, host)).toEqual([
          ...SAMPLE_FINDINGS,
          `${UNTRUSTED}: signed by a certificate the server does not trust`,
        ]);
    } finally {
      for (const host of HOSTS) await removePackage(host, UNTRUSTED);
    }
  });
});

/** Copies the lab-tools sample as `name` and signs it on the host with `pair` (the WAPT stand-in signs). */
async function signedCopy(host: string, name: string, pair: SelfSigned): Promise<void> {
  const repo = repoOf(host);
  putOnHost(host, pair.cert, `/root/waptops-test/${name}.crt`);
  putOnHost(host, pair.key, `/root/waptops-test/${name}.key`);
  await runInHost(
    host,
    `cp -p ${repo}/lab-tools_1.0-1_all.wapt ${repo}/${name} && ${signInPlace(`/root/waptops-test/${name}.crt`, `/root/waptops-test/${name}.key`, `${repo}/${name}`)}`,
  );
}

/** Removes the test packages, the test certificates and folders, and puts back wapt-get.ini as it was. */
async function cleanUp(host: string, packages: string[], ini: string): Promise<void> {
  for (const p of packages) await removePackage(host, p);
  const b64 = Buffer.from(ini).toString('base64');
  await runInHost(
    host,
    `printf %s '${b64}' | base64 -d > ${INI}; rm -rf /root/waptops-test /srv/waptops-certs ${SSL}/waptops-test-*`,
  );
}

/** Per host: the findings of packages other than the samples, by package (problem up to its first ' ('). */
function testFindings(run: LabRun, host: string): Record<string, string[]> {
  const byPackage: Record<string, string[]> = {};
  for (const f of findings(run, host).filter((f) => !SAMPLE_FINDINGS.includes(f))) {
    const [pkg, problem] = f.split(/: (.*)/s) as [string, string];
    byPackage[pkg] = [...(byPackage[pkg] ?? []), problem];
  }
  return byPackage;
}

const iniOf = (host: string) => runInHost(host, `cat ${INI}`);

describe('lint-repo trusts signers as WAPT 1.8.2 does', () => {
  const ca = selfSigned(tmp, 'ca', { cn: 'waptops-test-ca', days: 30 });
  const byCa = issuedBy(tmp, 'by-ca', ca, { cn: 'waptops-test-by-ca', codeSigning: true });
  const inPem = selfSigned(tmp, 'in-pem', { cn: 'waptops-test-in-pem', codeSigning: true });
  const second = selfSigned(tmp, 'second', { cn: 'waptops-test-second', codeSigning: true });
  const other = selfSigned(tmp, 'other', { cn: 'waptops-test-other' });
  const expired = issuedBy(tmp, 'expired', ca, { cn: 'waptops-test-expired', days: -1, codeSigning: true });
  const oldCa = redated(selfSigned(tmp, 'old-ca', { cn: 'waptops-test-old-ca', days: 30 }), -1);
  const underOldCa = issuedBy(tmp, 'under-old-ca', oldCa, {
    cn: 'waptops-test-under-old-ca',
    codeSigning: true,
  });
  const bundle = join(tmp, 'bundle.crt');
  writeFileSync(bundle, readFileSync(other.cert, 'utf8') + readFileSync(second.cert, 'utf8'));
  const P = {
    byCa: 'waptops-by-ca_1.0-1_all.wapt',
    inPem: 'waptops-in-pem_1.0-1_all.wapt',
    second: 'waptops-second_1.0-1_all.wapt',
    expired: 'waptops-expired_1.0-1_all.wapt',
    underOldCa: 'waptops-under-old-ca_1.0-1_all.wapt',
  };

  it('a trusted CA vouches for the signers it issued; a signer in a .pem, or second in a bundle, is trusted; an expired signer or CA is its own finding (waptcrypto.py:268, :525-623, :547)', async () => {
    const inis = await Promise.all(HOSTS.map(iniOf));
    try {
      for (const host of HOSTS) {
        putOnHost(host, ca.cert, `${SSL}/waptops-test-ca.crt`);
        putOnHost(host, oldCa.cert, `${SSL}/waptops-test-old-ca.crt`);
        putOnHost(host, inPem.cert, `${SSL}/waptops-test-in-pem.pem`);
        putOnHost(host, bundle, `${SSL}/waptops-test-bundle.crt`);
        for (const [key, pair] of [
          ['byCa', byCa],
          ['inPem', inPem],
          ['second', second],
          ['expired', expired],
          ['underOldCa', underOldCa],
        ] as const)
          await signedCopy(host, P[key], pair);
      }
      const run = await runOnLab(tmp, 'lint-repo');
      expect(run.code, run.stdout + run.stderr).toBe(2);
      for (const host of HOSTS) {
        expect(findings(run, host).filter((f) => SAMPLE_FINDINGS.includes(f))).toEqual(SAMPLE_FINDINGS);
        const found = testFindings(run, host);
        expect(Object.keys(found).sort()).toEqual([P.expired, P.underOldCa].sort());
        expect(found[P.expired]).toEqual([
          expect.stringMatching(/^signed by a certificate that expired on \w+ +\d+ [\d:]+ \d{4} GMT$/),
        ]);
        expect(found[P.underOldCa]).toEqual([
          expect.stringMatching(
            /^signed by a certificate issued by the trusted CA waptops-test-old-ca, sha256 [0-9a-f]{16}…, which expired on /,
          ),
        ]);
      }
    } finally {
      for (const [i, host] of HOSTS.entries()) await cleanUp(host, Object.values(P), inis[i] as string);
    }
  });

  it("trusts public_certs_dir of wapt-get.ini's [global] instead of /opt/wapt/ssl (common.py:2943-2946)", async () => {
    const inis = await Promise.all(HOSTS.map(iniOf));
    try {
      for (const [i, host] of HOSTS.entries()) {
        // The override holds the lab's signer (so the samples stay trusted) and a new one, in one .pem bundle.
        const labOld = await runInHost(host, `cat ${SSL}/wapt-lab-old.crt`);
        const overridden = join(tmp, `override-${host}.pem`);
        writeFileSync(overridden, labOld + readFileSync(inPem.cert, 'utf8'));
        putOnHost(host, overridden, '/srv/waptops-certs/trusted.pem');
        const ini = (inis[i] as string).replace(
          '[global]\n',
          '[global]\npublic_certs_dir = /srv/waptops-certs\n',
        );
        await runInHost(host, `printf %s '${Buffer.from(ini).toString('base64')}' | base64 -d > ${INI}`);
        // In /opt/wapt/ssl only: no longer trusted once wapt-get.ini names another folder.
        putOnHost(host, second.cert, `${SSL}/waptops-test-second.crt`);
        await signedCopy(host, P.inPem, inPem);
        await signedCopy(host, P.second, second);
      }
      const run = await runOnLab(tmp, 'lint-repo');
      expect(run.code, run.stdout + run.stderr).toBe(2);
      for (const host of HOSTS) {
        expect(testFindings(run, host)).toEqual({
          [P.second]: ['signed by a certificate the server does not trust'],
        });
        expect(stepNamed(run, host, STEP).data).toMatchObject({ certs_dir: '/srv/waptops-certs' });
      }
    } finally {
      for (const [i, host] of HOSTS.entries()) await cleanUp(host, Object.values(P), inis[i] as string);
    }
  });
});

describe('lint-repo reads WAPT/control and setup.py as WAPT 1.8.2 does', () => {
  it('a blank line losing fields, a line without ":", non-UTF-8 bytes and WAPT.register_computer() in audit() are each a finding (waptpackage.py:740-790, :1290; common.py:5593)', async () => {
    const control = (name: string) =>
      `package           : ${name}\nversion           : 1.0-1\narchitecture      : all\n`;
    const setup = 'def install():\n    pass\n';
    const cases = {
      'waptops-lost_1.0-1_all.wapt': { control: `${control('waptops-lost')}\nmaintainer : ops\n`, setup },
      'waptops-nocolon_1.0-1_all.wapt': { control: `${control('waptops-nocolon')}just words\n`, setup },
      'waptops-latin1_1.0-1_all.wapt': {
        control: Buffer.from(`${control('waptops-latin1')}description : caf\xe9\n`, 'latin1'),
        setup,
      },
      'waptops-computer_1.0-1_all.wapt': {
        control: control('waptops-computer'),
        setup: `${setup}\ndef audit():\n    WAPT.register_computer()\n    return "OK"\n`,
      },
    };
    const inis = await Promise.all(HOSTS.map(iniOf));
    try {
      for (const host of HOSTS) {
        const labOld = await runInHost(host, `cat ${SSL}/wapt-lab-old.crt`);
        makeZips(
          Object.entries(cases).map(([file, c]) => ({
            path: join(tmp, `${host}-${file}`),
            members: [
              { name: 'WAPT/control', data: c.control },
              { name: 'WAPT/certificate.crt', data: labOld },
              { name: 'setup.py', data: c.setup },
            ],
          })),
        );
        for (const file of Object.keys(cases))
          putOnHost(host, join(tmp, `${host}-${file}`), `${repoOf(host)}/${file}`);
      }
      const run = await runOnLab(tmp, 'lint-repo');
      expect(run.code, run.stdout + run.stderr).toBe(2);
      for (const host of HOSTS)
        expect(testFindings(run, host)).toEqual({
          'waptops-lost_1.0-1_all.wapt': [
            'WAPT/control has a blank line at line 4: WAPT stops reading there and loses maintainer',
          ],
          'waptops-nocolon_1.0-1_all.wapt': ['WAPT/control line 4 has no ":"'],
          'waptops-latin1_1.0-1_all.wapt': ['WAPT/control is not UTF-8'],
          'waptops-computer_1.0-1_all.wapt': ['setup.py calls WAPT.register_computer() inside audit()'],
        });
    } finally {
      for (const [i, host] of HOSTS.entries()) await cleanUp(host, Object.keys(cases), inis[i] as string);
    }
  });
});
