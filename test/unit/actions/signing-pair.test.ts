// signing_pair and secret_file: real keys made with openssl, the key written here through stdin only.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSigningPair } from '../../../scripts/actions/lib/signing-pair-read.js';
import { secretFileAction } from '../../../scripts/actions/secret-file.js';
import { signingPairAction } from '../../../scripts/actions/signing-pair.js';
import type { Action } from '../../../scripts/actions/types.js';
import { applyLocal, localContext } from '../../helpers/apply-local.js';
import { opensslFingerprint, selfSigned } from '../../helpers/certs.js';

const dir = mkdtempSync(join(tmpdir(), 'waptops-signing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fresh = selfSigned(dir, 'fresh', { codeSigning: true });
const other = selfSigned(dir, 'other', { codeSigning: true });
const ec = selfSigned(dir, 'ec', { keyType: 'ec', codeSigning: true });
// A TLS-style certificate: no extended key usage at all.
const plain = selfSigned(dir, 'plain');

async function pairPlan(cert: string, key: string) {
  return signingPairAction.plan(await readSigningPair(cert, key), { cert, key });
}

describe('signing_pair', () => {
  it('a matching RSA 2048 pair passes and exposes the fingerprint openssl shows and the file name', async () => {
    const plan = await pairPlan(fresh.cert, fresh.key);
    expect(plan.failed).toBeUndefined();
    expect(plan.data).toEqual({
      fingerprint: opensslFingerprint(fresh.cert),
      cert_name: 'fresh.crt',
      would_generate: false,
      generated: false,
    });
    expect(plan.reason).toMatch(/^the key matches fresh\.crt \(CN=fresh, RSA 2048, sha256 [0-9a-f]{64}\)$/);
  });

  it('refuses a key of another certificate, an EC key, a missing file and a certificate given as key', async () => {
    expect((await pairPlan(fresh.cert, other.key)).failed).toMatch(
      /does not match the certificate .*fresh\.crt/,
    );
    expect((await pairPlan(ec.cert, ec.key)).failed).toMatch(
      /is not an RSA key of at least 2048 bits \(not RSA\)/,
    );
    expect((await pairPlan(join(dir, 'none.crt'), fresh.key)).failed).toMatch(
      /cannot read the certificate .*none\.crt on the controller \(ENOENT\)/,
    );
    expect((await pairPlan(fresh.cert, fresh.cert)).failed).toMatch(/is not an unencrypted PEM private key/);
  });

  it('refuses a certificate without Code Signing in its extended key usage (WAPT 1.8.2 waptcrypto.py:1677, waptpackage.py:1940)', async () => {
    const read = await readSigningPair(plain.cert, plain.key);
    expect(read).toMatchObject({ matches: true, codeSigning: false, expired: false });
    expect((await pairPlan(plain.cert, plain.key)).failed).toMatch(
      /^the certificate .*plain\.crt has no Code Signing extended key usage: WAPT will not sign a package holding setup\.py/,
    );
    const signing = await readSigningPair(fresh.cert, fresh.key);
    expect(signing).toMatchObject({ codeSigning: true, expired: false });
    expect(Date.parse((signing as { notAfter: string }).notAfter)).toBeGreaterThan(Date.now());
  });
});

describe('secret_file', () => {
  it('writes the key mode 600 through stdin, shows it masked, leaves no temp file; a rewrite says write', async () => {
    const dest = join(dir, 'shm', 'signing.key');
    mkdirSync(join(dir, 'shm'));
    const applied = await applyLocal(secretFileAction as unknown as Action, {
      src: fresh.key,
      dest,
      mode: '0600',
    });
    expect(applied.failure).toBeUndefined();
    expect(applied.shown).toHaveLength(1);
    expect(applied.shown[0]).toMatch(/<<< \*\*\*$/);
    expect(applied.shown[0]).not.toContain('PRIVATE');
    expect(applied.plan.changes[0]?.diff?.after).toBe('(secret content)\n');
    expect(readFileSync(dest)).toEqual(readFileSync(fresh.key));
    expect(statSync(dest).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'shm'))).toEqual(['signing.key']);
    const again = await secretFileAction.read(localContext(), { src: fresh.key, dest });
    expect(secretFileAction.plan(again, { src: fresh.key, dest }).changes[0]?.summary).toBe(
      `write ${dest} (secret content)`,
    );
  });

  it('a missing source fails the step', async () => {
    const state = await secretFileAction.read(localContext(), {
      src: join(dir, 'none.key'),
      dest: '/dev/shm/x',
    });
    expect(secretFileAction.plan(state, { src: join(dir, 'none.key'), dest: '/dev/shm/x' }).failed).toMatch(
      /cannot read the secret file .*none\.key on the controller \(ENOENT\)/,
    );
  });
});
