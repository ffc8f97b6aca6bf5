// Lab: remove-stolen-cert on deb1 and rhel1 - by certificate, by key and by fingerprint: --check, run, re-run, refusals.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { normalizeFingerprint } from '../../scripts/actions/lib/cert-search.js';
import { runInHost } from '../../scripts/lab/faults.js';
import { selfSigned } from '../helpers/certs.js';
import { type LabRun, labTempDir, runOnLab, stepNamed } from '../helpers/lab/lab-run.js';

const HOSTS = ['deb1', 'rhel1'];
const SSL = '/opt/wapt/ssl';
const QUARANTINE = '/opt/wapt/ssl.quarantine';
const STEP = 'quarantine the matching certificates';
const RESTART = 'restart waptservice (it reads the certificates at start)';
const tmp = labTempDir();
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// A stolen key with two certificates made from it (an original and a re-issue), made here with openssl.
const stolen = selfSigned(tmp, 'stolen', { cn: 'waptops-test-stolen', keyType: 'ec' });
const stolenKey = stolen.key;
const stolenCert = stolen.cert;
const reissuedCert = selfSigned(tmp, 'reissued', {
  cn: 'waptops-test-reissued',
  key: stolenKey,
  days: 60,
}).cert;
const TEST_FILES = { 'waptops-test-stolen.crt': stolenCert, 'waptops-test-reissued.crt': reissuedCert };

function removeStolenCert(params: Record<string, string>, check = false): Promise<LabRun> {
  return runOnLab(tmp, 'remove-stolen-cert', { limit: HOSTS.join(','), check, params });
}

/** What must not change by accident: the trusted folder's files with their sums, the quarantine, waptservice's run. */
async function agentState(host: string) {
  const script = `cd ${SSL} && sha256sum -- *.crt; find ${QUARANTINE} -type f 2>/dev/null | sort; systemctl show -p ActiveState -p InvocationID waptservice`;
  return runInHost(host, script);
}

/** waptservice's InvocationID in an agentState: a restart changes it. */
function invocationOf(state: string): string {
  const id = /InvocationID=(\w+)/.exec(state)?.[1];
  if (!id) throw new Error(`no InvocationID in ${state}`);
  return id;
}

async function ssl(host: string): Promise<string[]> {
  return (await runInHost(host, `ls ${SSL}`)).split('\n').filter(Boolean).sort();
}

/** Puts the two test certificates in each host's trusted folder. */
async function plantCerts(): Promise<void> {
  for (const host of HOSTS) {
    for (const [name, file] of Object.entries(TEST_FILES)) {
      const b64 = readFileSync(file).toString('base64');
      await runInHost(host, `printf %s '${b64}' | base64 -d > ${SSL}/${name}`);
    }
  }
}

/** Puts back what the test changed: test certificates gone, anything quarantined back, no quarantine folder. */
async function restore(): Promise<void> {
  for (const host of HOSTS) {
    await runInHost(
      host,
      `for f in ${QUARANTINE}/*/*.crt; do [ -f "$f" ] && mv -n -- "$f" ${SSL}/; done; rm -rf ${QUARANTINE}; rm -f ${SSL}/waptops-test-*.crt; systemctl start waptservice`,
    );
  }
}

function removedFiles(run: LabRun, host: string): string[] {
  const data = stepNamed(run, host, STEP).data as { removed: { file: string }[] };
  return data.removed.map((r) => r.file).sort();
}

/** One way of naming the stolen key: a run moves exactly `expectRemoved`; with `full`, also --check before and a re-run after. */
async function provesRemoval(
  params: Record<string, string>,
  expectRemoved: string[],
  full = false,
): Promise<void> {
  const original = Object.fromEntries(await Promise.all(HOSTS.map(async (h) => [h, await ssl(h)])));
  await plantCerts();
  try {
    const before = await Promise.all(HOSTS.map(agentState));
    if (full) {
      const check = await removeStolenCert(params, true);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      for (const host of HOSTS) expect(stepNamed(check, host, STEP).status).toBe('changed');
      expect(await Promise.all(HOSTS.map(agentState))).toEqual(before);
    }

    const run = await removeStolenCert(params);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    for (const [i, host] of HOSTS.entries()) {
      expect(removedFiles(run, host)).toEqual(expectRemoved);
      expect(stepNamed(run, host, STEP).changes).toHaveLength(expectRemoved.length);
      expect(stepNamed(run, host, RESTART).status).toBe('changed');
      const kept = [...(original[host] as string[]), ...Object.keys(TEST_FILES)].filter(
        (f) => !expectRemoved.includes(f),
      );
      expect(await ssl(host)).toEqual(kept.sort());
      const quarantined = await runInHost(host, `cd ${QUARANTINE} && ls */ | grep crt | sort`);
      expect(quarantined.split('\n').filter(Boolean)).toEqual(expectRemoved);
      expect(invocationOf(await agentState(host))).not.toBe(invocationOf(before[i] as string));
    }

    if (full) {
      const settled = await Promise.all(HOSTS.map(agentState));
      const again = await removeStolenCert(params);
      expect(again.code).toBe(0);
      for (const host of HOSTS) {
        expect(again.report.hosts[host]?.recap?.changed).toBe(0);
        expect(stepNamed(again, host, STEP).message).toMatch(
          /^no certificate in \/opt\/wapt\/ssl matches \(\d+ checked\)$/,
        );
        expect(stepNamed(again, host, RESTART).status).toBe('skipped');
      }
      expect(await Promise.all(HOSTS.map(agentState))).toEqual(settled);
    }
  } finally {
    await restore();
  }
  for (const host of HOSTS) expect(await ssl(host)).toEqual(original[host]);
}

describe('remove-stolen-cert on real agents', () => {
  it('CERT=: both certificates with the stolen public key go to quarantine, waptservice restarts; re-run changes nothing', async () => {
    await provesRemoval({ cert: stolenCert }, ['waptops-test-reissued.crt', 'waptops-test-stolen.crt'], true);
  });

  it('KEY=: the private key finds the same two certificates', async () => {
    await provesRemoval({ key: stolenKey }, ['waptops-test-reissued.crt', 'waptops-test-stolen.crt']);
  });

  it('FINGERPRINT=: only the certificate with that fingerprint goes (colons and upper case accepted)', async () => {
    const shown = execFileSync(
      'openssl',
      ['x509', '-in', reissuedCert, '-noout', '-fingerprint', '-sha256'],
      {
        encoding: 'utf8',
      },
    );
    const fingerprint = (shown.split('=')[1] as string).trim();
    expect(normalizeFingerprint(fingerprint)).toMatch(/^[0-9a-f]{64}$/);
    await provesRemoval({ fingerprint }, ['waptops-test-reissued.crt']);
  });

  it('refuses none or two of cert/key/fingerprint before any host, and an unreadable cert file leaves hosts as they were', async () => {
    const before = await Promise.all(HOSTS.map(agentState));
    for (const params of [{}, { cert: stolenCert, key: stolenKey }] as Record<string, string>[]) {
      const run = await runOnLab(tmp, 'remove-stolen-cert', { limit: HOSTS.join(','), params }).catch(
        (e) => e as Error,
      );
      expect(run).toBeInstanceOf(Error);
      expect(String(run)).toMatch(/exit 1\)[\s\S]*give exactly one of cert, key, fingerprint/);
    }
    const missing = await removeStolenCert({ cert: path.join(tmp, 'no-such.crt') });
    expect(missing.code).toBe(2);
    for (const host of HOSTS) {
      const step = stepNamed(missing, host, STEP);
      expect(step.status).toBe('failed');
      expect(step.message).toMatch(/cannot read the cert file .*no-such\.crt on the controller \(ENOENT\)/);
    }
    expect(await Promise.all(HOSTS.map(agentState))).toEqual(before);
  });
});

/** A folder's files with owner, mode and sum, the quarantine's files, waptservice's run: what a run may change. */
function folderState(host: string, dir: string): Promise<string> {
  return runInHost(
    host,
    `cd ${dir} && for f in *; do [ -f "$f" ] && echo "$f $(stat -c '%U:%G %a' "$f") $(sha256sum < "$f")"; done; find ${QUARANTINE} -type f 2>/dev/null | sort; systemctl show -p InvocationID waptservice`,
  );
}

const pemOf = (file: string) => readFileSync(file, 'utf8');

// These tests restart waptservice often: its start limit is cleared so the next restart is the runbook's own.
const START = 'systemctl reset-failed waptservice; systemctl start waptservice';

/** Writes text to a host file with an owner and mode. */
async function plant(
  host: string,
  path: string,
  text: string,
  owner = 'root:root',
  mode = '644',
): Promise<void> {
  const b64 = Buffer.from(text).toString('base64');
  await runInHost(
    host,
    `mkdir -p "$(dirname ${path})" && printf %s '${b64}' | base64 -d > ${path} && chown ${owner} ${path} && chmod ${mode} ${path}`,
  );
}

describe('remove-stolen-cert reads the certificates as WAPT 1.8.2 loads them (waptcrypto.py:268, common.py:2943-2946)', () => {
  const other = selfSigned(tmp, 'other', { cn: 'waptops-test-other' });
  const fingerprint = execFileSync(
    'openssl',
    ['x509', '-in', stolenCert, '-noout', '-fingerprint', '-sha256'],
    {
      encoding: 'utf8',
    },
  ).split('=')[1] as string;

  it('a stolen certificate in a .pem goes to quarantine like a .crt', async () => {
    try {
      for (const host of HOSTS) await runInHost(host, START);
      for (const host of HOSTS) await plant(host, `${SSL}/waptops-test-stolen.pem`, pemOf(stolenCert));
      const run = await removeStolenCert({ fingerprint: fingerprint.trim() });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      for (const host of HOSTS) {
        expect(removedFiles(run, host)).toEqual(['waptops-test-stolen.pem']);
        expect(stepNamed(run, host, STEP).changes).toEqual([
          expect.stringMatching(
            /^quarantine \/opt\/wapt\/ssl\/waptops-test-stolen\.pem in \/opt\/wapt\/ssl\.quarantine\/\d+T\d+Z\/: its only certificate #1 \(CN=waptops-test-stolen, sha256 [0-9a-f]{16}…, same fingerprint\)$/,
          ),
        ]);
        expect(await ssl(host)).not.toContain('waptops-test-stolen.pem');
        expect(await runInHost(host, `ls ${QUARANTINE}/*/`)).toContain('waptops-test-stolen.pem');
      }
    } finally {
      for (const host of HOSTS) await runInHost(host, `rm -rf ${QUARANTINE} ${SSL}/waptops-test-*`);
    }
  });

  it('a bundle holding the stolen certificate second is rewritten without it (same owner and mode), the original quarantined; --check and a second run change nothing', async () => {
    const bundle = `${SSL}/waptops-test-bundle.pem`;
    try {
      for (const host of HOSTS)
        await plant(host, bundle, pemOf(other.cert) + pemOf(stolenCert), 'root:wapt', '640');
      const before = await Promise.all(HOSTS.map((h) => folderState(h, SSL)));
      const check = await removeStolenCert({ cert: stolenCert }, true);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      for (const host of HOSTS)
        expect(stepNamed(check, host, STEP).changes).toEqual([
          expect.stringMatching(
            /^rewrite \/opt\/wapt\/ssl\/waptops-test-bundle\.pem without certificate #2 \(CN=waptops-test-stolen, sha256 [0-9a-f]{16}…, same fingerprint\), keeping its 1 other\(s\); the original goes to /,
          ),
        ]);
      expect(await Promise.all(HOSTS.map((h) => folderState(h, SSL)))).toEqual(before);

      const run = await removeStolenCert({ cert: stolenCert });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      for (const host of HOSTS) {
        expect(stepNamed(run, host, RESTART).status).toBe('changed');
        expect(await runInHost(host, `cat ${bundle}`)).toBe(pemOf(other.cert));
        expect(await runInHost(host, `stat -c '%U:%G %a' ${bundle}`)).toBe('root:wapt 640\n');
        expect(await runInHost(host, `cat ${QUARANTINE}/*/waptops-test-bundle.pem`)).toBe(
          pemOf(other.cert) + pemOf(stolenCert),
        );
      }
      const settled = await Promise.all(HOSTS.map((h) => folderState(h, SSL)));
      const again = await removeStolenCert({ cert: stolenCert });
      expect(again.code).toBe(0);
      for (const host of HOSTS) {
        expect(again.report.hosts[host]?.recap?.changed).toBe(0);
        expect(stepNamed(again, host, RESTART).status).toBe('skipped');
      }
      expect(await Promise.all(HOSTS.map((h) => folderState(h, SSL)))).toEqual(settled);
    } finally {
      for (const host of HOSTS) await runInHost(host, `rm -rf ${QUARANTINE} ${SSL}/waptops-test-*; ${START}`);
    }
  });

  it('looks in public_certs_dir of wapt-get.ini when it names one, not in /opt/wapt/ssl', async () => {
    const ini = '/opt/wapt/wapt-get.ini';
    const inis = await Promise.all(HOSTS.map((h) => runInHost(h, `cat ${ini}`)));
    try {
      for (const [i, host] of HOSTS.entries()) {
        await plant(
          host,
          ini,
          (inis[i] as string).replace('[global]\n', '[global]\npublic_certs_dir = /srv/waptops-agent-ssl\n'),
        );
        await plant(host, '/srv/waptops-agent-ssl/waptops-test-stolen.crt', pemOf(stolenCert));
        await plant(host, `${SSL}/waptops-test-stolen.crt`, pemOf(stolenCert));
      }
      const run = await removeStolenCert({ key: stolenKey });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      for (const host of HOSTS) {
        expect(stepNamed(run, host, STEP).data).toMatchObject({
          dir: '/srv/waptops-agent-ssl',
          dir_from: 'ini',
        });
        expect(removedFiles(run, host)).toEqual(['waptops-test-stolen.crt']);
        expect(await runInHost(host, 'ls /srv/waptops-agent-ssl')).toBe('');
        expect(await ssl(host)).toContain('waptops-test-stolen.crt');
      }
    } finally {
      for (const [i, host] of HOSTS.entries()) {
        await plant(host, ini, inis[i] as string);
        await runInHost(
          host,
          `rm -rf ${QUARANTINE} /srv/waptops-agent-ssl ${SSL}/waptops-test-*; systemctl start waptservice`,
        );
      }
    }
  });
});
