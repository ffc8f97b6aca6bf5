// Lab: rotate-signing-key with a pair generated on the controller (generate=true), then the old certificate
// quarantined (remove_old) once every package carries the new one; on deb1 and rhel1.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runInHost } from '../../scripts/lab/faults.js';
import { expectNoKeyIn } from '../helpers/certs.js';
import { labTempDir, runOnLab, stepNamed } from '../helpers/lab/lab-run.js';
import { repoOf } from '../helpers/lab/repository.js';

const HOSTS = ['deb1', 'rhel1'];
const SSL = '/opt/wapt/ssl';
const QUARANTINE = '/opt/wapt/ssl.quarantine';
const CERT_NAME = 'waptops-test-new.crt';
const OLD_NAME = 'wapt-lab-old.crt';
const PAIR = 'the new key matches the new certificate (read on the controller)';
const DEPLOY = 'deploy the new certificate';
const SIGN = 're-sign the packages with wapt-signpackages --if-needed (no -i, versions kept)';
const OLD_STEP = 'quarantine the old certificate (only with remove_old)';
const RESTART = 'restart waptservice (it reads the certificates at start)';
const tmp = labTempDir();
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Per readable package of wapt/ and wapt-host/ (the BOM sample is left alone): the SHA-256 of its certificate. */
async function signers(host: string): Promise<string[]> {
  const out = await runInHost(
    host,
    `for f in ${repoOf(host)}/*.wapt ${repoOf(host)}-host/*.wapt; do case $f in *bom*) continue;; esac; unzip -p "$f" WAPT/certificate.crt | sha256sum | cut -c1-64; done`,
  );
  return out.split('\n').filter(Boolean);
}

/** Everything a --check or a settled re-run must leave as it is. */
async function hostState(host: string): Promise<string> {
  return runInHost(
    host,
    `cd ${repoOf(host)} && ls -ln --time-style=full-iso && sha256sum -- * ../wapt-host/*; cd ${SSL} && sha256sum -- *; ls -lA /dev/shm`,
  );
}

function sha256Of(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

describe('rotate-signing-key with a generated pair', () => {
  it('--check writes nothing; one pair made on the controller signs every package; a re-run changes nothing; remove_old quarantines the old certificate only', async () => {
    const gen = path.join(tmp, 'generated');
    mkdirSync(gen);
    const pair = {
      cert: path.join(gen, CERT_NAME),
      key: path.join(gen, 'waptops-test-new.pem'),
      generate: 'true',
      agents_ready: 'true',
    };
    const rotate = (params: Record<string, string>, check = false) =>
      runOnLab(tmp, 'rotate-signing-key', { limit: HOSTS.join(','), check, params });
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
      const now = await signers(host);
      expect(now.length).toBe(5);
      for (const line of now) expect(line).toBe(generated);
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
  });
});
