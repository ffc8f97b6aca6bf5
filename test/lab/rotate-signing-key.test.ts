// Lab: rotate-signing-key on deb1 and rhel1 - wrong key, --check, run (leftover key removed), re-run, a signing failure;
// a pair generated on the controller (generate=true), and the old certificate quarantined (remove_old).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runInHost } from '../../scripts/lab/faults.js';
import { type LabRun, labTempDir, runOnLab, stepNamed } from '../helpers/lab/lab-run.js';
import { repoOf, repoSnapshot } from '../helpers/lab/repository.js';

const HOSTS = ['deb1', 'rhel1'];
const SSL = '/opt/wapt/ssl';
const KEY_TMP = '/dev/shm/waptops-signing.key';
const CERT_NAME = 'waptops-test-new.crt';
const OLD_NAME = 'wapt-lab-old.crt';
const QUARANTINE = '/opt/wapt/ssl.quarantine';
const OLD_STEP = 'quarantine the old certificate (only with remove_old)';
const RESTART = 'restart waptservice (it reads the certificates at start)';
const DEPLOY = 'deploy the new certificate';
const BACKUP = '/root/.waptops-test-rotate';
const PAIR = 'the new key matches the new certificate (read on the controller)';
const SIGN = 're-sign the packages with wapt-signpackages -i';
const LEFTOVER = 'remove a signing key left by an interrupted run';
const REMOVE_KEY = 'remove the signing key';
const tmp = labTempDir();
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The lab's signing pairs (the same on both hosts: made in the base image), copied to the controller. */
async function labKeys(): Promise<{ cert: string; key: string; oldKey: string }> {
  const files = { cert: 'new.crt', key: 'new.pem', oldKey: 'old.pem' };
  const local = {
    cert: path.join(tmp, CERT_NAME),
    key: path.join(tmp, 'new.pem'),
    oldKey: path.join(tmp, 'old.pem'),
  };
  for (const [k, name] of Object.entries(files) as [keyof typeof files, string][]) {
    writeFileSync(local[k], await runInHost('deb1', `cat /opt/wapt/lab/keys/${name}`), { mode: 0o600 });
  }
  return local;
}

/** What must not change by accident: the repository byte for byte, the trusted certificates, /dev/shm. */
async function hostState(host: string): Promise<string> {
  const rest = await runInHost(host, `cd ${SSL} && sha256sum -- *; ls -lA /dev/shm | tail -n +2`);
  return (await repoSnapshot(host)) + rest;
}

/** SHA-256 of each package's WAPT/certificate.crt, by file name. */
async function signers(host: string): Promise<string> {
  return runInHost(
    host,
    `cd ${repoOf(host)} && for f in *.wapt; do printf '%s %s\\n' "$f" "$(unzip -p "$f" WAPT/certificate.crt | sha256sum | cut -c1-64)"; done`,
  );
}

/** Hard links to the repository's files (wapt-signpackages and wapt-scanpackages replace them, never write in place). */
async function backUp(): Promise<void> {
  for (const host of HOSTS)
    await runInHost(host, `rm -rf ${BACKUP} && mkdir -m 700 ${BACKUP} && ln -- ${repoOf(host)}/* ${BACKUP}/`);
}

/** Puts the original inodes back (old signatures, hard links, ACL, xattr), removes the new certificate and any key, puts a quarantined old certificate back. */
async function restore(): Promise<void> {
  for (const host of HOSTS) {
    const repo = repoOf(host);
    await runInHost(
      host,
      `rm -f ${repo}/000-broken.wapt ${repo}/*.wapt.tmp ${KEY_TMP}; for f in ${BACKUP}/*; do if [ "$f" -ef "${repo}/\${f##*/}" ]; then rm -f -- "$f"; else mv -f -- "$f" ${repo}/; fi; done; rmdir ${BACKUP} || exit 1; for f in ${QUARANTINE}/*/${OLD_NAME}; do [ -e "$f" ] || continue; mv -- "$f" ${SSL}/ && rmdir -- "\${f%/*}" || exit 1; done; [ ! -d ${QUARANTINE} ] || rmdir ${QUARANTINE} || exit 1; if [ -e ${SSL}/${CERT_NAME} ]; then rm -f ${SSL}/${CERT_NAME}; systemctl restart waptservice; fi`,
    );
  }
}

/** SHA-256 of a file on the controller, as the signers listing shows it. */
function sha256Of(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Fails when any 40-character run of the key's base64 body appears in the text. */
function expectNoKeyIn(text: string, keyFile: string): void {
  expect(text).not.toContain('PRIVATE KEY');
  const body = readFileSync(keyFile, 'utf8').replace(/-----[^-]+-----|\s/g, '');
  for (let i = 0; i + 40 <= body.length; i += 40) expect(text).not.toContain(body.slice(i, i + 40));
}

function rotate(params: Record<string, string>, check = false): Promise<LabRun> {
  return runOnLab(tmp, 'rotate-signing-key', { limit: HOSTS.join(','), check, params });
}

describe('rotate-signing-key on real servers', () => {
  it('refuses a wrong key; --check changes nothing; a run re-signs all and leaves no key; a re-run changes nothing; a failure leaves no key', async () => {
    const keys = await labKeys();
    const original = await Promise.all(HOSTS.map(signers));
    await backUp();
    try {
      const before = await Promise.all(HOSTS.map(hostState));

      const wrong = await rotate({ cert: keys.cert, key: keys.oldKey });
      expect(wrong.code).not.toBe(0);
      for (const host of HOSTS)
        expect(stepNamed(wrong, host, PAIR).message).toMatch(/does not match the certificate/);
      expect(await Promise.all(HOSTS.map(hostState))).toEqual(before);

      const check = await rotate({ cert: keys.cert, key: keys.key }, true);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      for (const host of HOSTS) expect(stepNamed(check, host, SIGN).status).toBe('changed');
      expect(await Promise.all(HOSTS.map(hostState))).toEqual(before);

      // A key left behind by a cut run is removed first.
      for (const host of HOSTS) await runInHost(host, `echo leftover > ${KEY_TMP}`);
      const run = await rotate({ cert: keys.cert, key: keys.key });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toMatch(/lab-office_16\.0-3_all\.wapt: signed by/);
      const newCert = (await runInHost('deb1', `sha256sum < /opt/wapt/lab/keys/new.crt`)).slice(0, 64);
      for (const [i, host] of HOSTS.entries()) {
        expect(stepNamed(run, host, LEFTOVER).status).toBe('changed');
        expect(stepNamed(run, host, SIGN).status).toBe('changed');
        expect(stepNamed(run, host, REMOVE_KEY).status).toBe('changed');
        const now = await signers(host);
        expect(now.split('\n').filter(Boolean).length).toBe(
          (original[i] as string).split('\n').filter(Boolean).length,
        );
        for (const line of now.split('\n').filter(Boolean)) expect(line.endsWith(newCert)).toBe(true);
        expect(await runInHost(host, `ls -A /dev/shm; sha256sum < ${SSL}/${CERT_NAME}`)).toBe(
          `${newCert}  -\n`,
        );
        expect(await runInHost(host, `unzip -l ${repoOf(host)}/Packages`)).toMatch(/ssl\/[0-9a-f]{64}\.crt/);
      }

      const settled = await Promise.all(HOSTS.map(hostState));
      const again = await rotate({ cert: keys.cert, key: keys.key });
      expect(again.code).toBe(0);
      for (const host of HOSTS) {
        expect(again.report.hosts[host]?.recap?.changed).toBe(0);
        expect(stepNamed(again, host, SIGN).status).toBe('skipped');
      }
      expect(await Promise.all(HOSTS.map(hostState))).toEqual(settled);

      // Back to the old signatures, plus a broken package that sorts first: wapt-signpackages fails on it.
      await restore();
      await backUp();
      for (const host of HOSTS) await runInHost(host, `echo 'not a zip' > ${repoOf(host)}/000-broken.wapt`);
      const broken = await Promise.all(HOSTS.map(hostState));
      const failed = await rotate({ cert: keys.cert, key: keys.key });
      expect(failed.code).not.toBe(0);
      for (const host of HOSTS) {
        expect(stepNamed(failed, host, SIGN).status).toBe('failed');
        expect(stepNamed(failed, host, REMOVE_KEY, true).status).toBe('changed');
        expect(await runInHost(host, `ls -A /dev/shm; rm -f ${SSL}/${CERT_NAME}`)).toBe('');
      }
      // The new certificate stays trusted after a failure (removed above to compare); the repository is as before.
      expect(await Promise.all(HOSTS.map(hostState))).toEqual(broken);
    } finally {
      await restore();
    }
    expect(await Promise.all(HOSTS.map(signers))).toEqual(original);
  });

  it('generate=true: --check writes nothing; one pair made on the controller signs every package; a re-run changes nothing; remove_old quarantines the old certificate only', async () => {
    const original = await Promise.all(HOSTS.map(signers));
    const gen = path.join(tmp, 'generated');
    mkdirSync(gen);
    const pair = {
      cert: path.join(gen, CERT_NAME),
      key: path.join(gen, 'waptops-test-new.pem'),
      generate: 'true',
    };
    await backUp();
    try {
      const before = await Promise.all(HOSTS.map(hostState));
      const check = await rotate(pair, true);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      for (const host of HOSTS) {
        expect(stepNamed(check, host, PAIR).changes[0]).toMatch(/^would generate an RSA 3072 key /);
        expect(stepNamed(check, host, DEPLOY).status).toBe('skipped');
        expect(stepNamed(check, host, SIGN).status).toBe('changed');
      }
      expect(await Promise.all(HOSTS.map(hostState))).toEqual(before);
      expect(() => statSync(pair.key)).toThrow(/ENOENT/);

      const run = await rotate(pair);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(statSync(pair.key).mode & 0o777).toBe(0o600);
      // One pair for the run: made while reading the first host's step, reused by the other.
      expect(HOSTS.map((h) => stepNamed(run, h, PAIR).status).sort()).toEqual(['changed', 'ok']);
      const generated = sha256Of(pair.cert);
      for (const host of HOSTS) {
        for (const line of (await signers(host)).split('\n').filter(Boolean))
          expect(line.endsWith(generated)).toBe(true);
        expect(await runInHost(host, `ls ${SSL}; ls -A /dev/shm`)).toBe(`${OLD_NAME}\n${CERT_NAME}\n`);
        expect(stepNamed(run, host, OLD_STEP).status).toBe('skipped');
        expect(stepNamed(run, host, RESTART).status).toBe('changed');
      }
      expectNoKeyIn(run.stdout + run.stderr + JSON.stringify(run.report), pair.key);

      const settled = await Promise.all(HOSTS.map(hostState));
      const again = await rotate(pair);
      expect(again.code).toBe(0);
      for (const host of HOSTS) expect(again.report.hosts[host]?.recap?.changed).toBe(0);
      expect(await Promise.all(HOSTS.map(hostState))).toEqual(settled);
      expect(sha256Of(pair.cert)).toBe(generated);

      const oldCert = path.join(tmp, OLD_NAME);
      writeFileSync(oldCert, await runInHost('deb1', 'cat /opt/wapt/lab/keys/old.crt'));
      const removal = await rotate({ ...pair, remove_old: oldCert });
      expect(removal.code, removal.stdout + removal.stderr).toBe(0);
      for (const host of HOSTS) {
        expect(stepNamed(removal, host, OLD_STEP).status).toBe('changed');
        expect(stepNamed(removal, host, RESTART).status).toBe('changed');
        expect(await runInHost(host, `ls ${SSL}; cd ${QUARANTINE} && ls */`)).toBe(
          `${CERT_NAME}\n${OLD_NAME}\n`,
        );
      }
      const removedAgain = await rotate({ ...pair, remove_old: oldCert });
      for (const host of HOSTS) expect(removedAgain.report.hosts[host]?.recap?.changed).toBe(0);
    } finally {
      await restore();
    }
    expect(await Promise.all(HOSTS.map(signers))).toEqual(original);
    expect(await runInHost('deb1', `ls ${SSL}; ls -d ${QUARANTINE} 2>&1 | grep -c 'No such'`)).toBe(
      `${OLD_NAME}\n1\n`,
    );
  });
});
