// Lab: lint-repo on deb1 and rhel1 finds exactly the sample repository's BOM and register-in-audit packages,
// then a package signed by a key the server does not trust; it never changes the repository.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runInHost } from '../../scripts/lab/faults.js';
import { type LabRun, labTempDir, runOnLab, stepNamed } from '../helpers/lab/lab-run.js';
import { removePackage, repoOf, repoSnapshot } from '../helpers/lab/repository.js';

const HOSTS = ['deb1', 'rhel1'];
const STEP = "lint the repository's packages";
const UNTRUSTED = 'lab-untrusted_1.0-1_all.wapt';
const tmp = labTempDir();

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
          `cp -p ${repo}/lab-tools_1.0-1_all.wapt ${repo}/${UNTRUSTED} && wapt-signpackages -c /opt/wapt/lab/keys/new.crt -k /opt/wapt/lab/keys/new.pem ${repo}/${UNTRUSTED} >/dev/null`,
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
