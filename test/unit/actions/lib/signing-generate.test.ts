// signing_pair with generate: a real openssl makes the pair once for many hosts; refusals; --check writes nothing.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { defaultSigningCn } from '../../../../scripts/actions/lib/signing-generate.js';
import type { SigningPairParams } from '../../../../scripts/actions/lib/signing-pair-read.js';
import { signingPairAction } from '../../../../scripts/actions/signing-pair.js';
import type { Plan } from '../../../../scripts/actions/types.js';
import { expectNoKeyIn, opensslFingerprint, selfSigned } from '../../../helpers/certs.js';

const root = mkdtempSync(join(tmpdir(), 'waptops-signing-generate-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const CODE_SIGNING = '1.3.6.1.5.5.7.3.3';
let dirs = 0;

/** A fresh empty folder with the paths of a key and a certificate not yet made. */
function paths(): { dir: string; key: string; cert: string } {
  const dir = join(root, `d${++dirs}`);
  mkdirSync(dir);
  return { dir, key: join(dir, 'signing.pem'), cert: join(dir, 'signing.crt') };
}

/** The step on one host: read (which may generate) then plan, like the engine does. */
async function step(host: string, p: SigningPairParams, check = false, action = signingPairAction) {
  return action.plan(await action.read({ host, check } as never, p), p);
}

/** Every text a plan shows or exposes: summaries, reasons, failures and data. */
function shown(plans: Plan[]): string {
  return JSON.stringify(plans);
}

describe('signing_pair generate=true', () => {
  it('makes one RSA 3072 pair for six hosts at once: key 600, cert 644, code signing, matching; one host changed', async () => {
    const { dir, key, cert } = paths();
    const hosts = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];
    const plans = await Promise.all(hosts.map((h) => step(h, { cert, key, generate: true })));
    expect(plans.map((p) => p.failed)).toEqual(hosts.map(() => undefined));
    const changed = plans.filter((p) => p.changes.length > 0);
    expect(changed).toHaveLength(1);
    expect(changed[0]?.changes[0]?.summary).toMatch(
      /^generated an RSA 3072 key .*signing\.pem \(mode 600\) and the self-signed certificate .*signing\.crt: signing\.crt \(CN=wapt-signing-\d{8}, RSA 3072, sha256 [0-9a-f]{64}\)$/,
    );
    expect(changed[0]?.changes[0]?.commands).toEqual([]);
    for (const p of plans.filter((p) => p.changes.length === 0))
      expect(p.reason).toMatch(/, generated in this run for h\d$/);
    const fingerprint = opensslFingerprint(cert);
    for (const p of plans)
      expect(p.data).toEqual({
        fingerprint,
        cert_name: 'signing.crt',
        would_generate: false,
        generated: true,
      });

    expect(readdirSync(dir).sort()).toEqual(['signing.crt', 'signing.pem']);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(statSync(cert).mode & 0o777).toBe(0o644);
    expect(createPrivateKey(readFileSync(key)).asymmetricKeyDetails?.modulusLength).toBe(3072);
    const x509 = new X509Certificate(readFileSync(cert));
    expect(x509.subject).toBe(`CN=${defaultSigningCn()}`);
    expect(x509.ca).toBe(true);
    expect(x509.keyUsage).toEqual([CODE_SIGNING]);
    expect(x509.checkPrivateKey(createPrivateKey(readFileSync(key)))).toBe(true);
    expectNoKeyIn(shown(plans), key);
  });

  it('takes bits and cn; a later run (a fresh process) reuses the pair untouched: no change', async () => {
    const { key, cert } = paths();
    const first = await step('h1', { cert, key, generate: true, bits: 2048, cn: 'Example signing 2025' });
    expect(first.changes[0]?.summary).toMatch(/CN=Example signing 2025, RSA 2048/);
    expect(createPrivateKey(readFileSync(key)).asymmetricKeyDetails?.modulusLength).toBe(2048);
    const before = [statSync(key), statSync(cert)].map((s) => `${s.ino} ${s.mtimeMs}`);

    vi.resetModules();
    const fresh = await import('../../../../scripts/actions/signing-pair.js');
    const again = await step('h1', { cert, key, generate: true }, false, fresh.signingPairAction);
    expect(again.failed).toBeUndefined();
    expect(again.changes).toEqual([]);
    expect(again.reason).toMatch(
      /^the key matches signing\.crt \(CN=Example signing 2025, RSA 2048, sha256 /,
    );
    expect(again.data).toMatchObject({ fingerprint: first.data?.fingerprint, generated: false });
    expect([statSync(key), statSync(cert)].map((s) => `${s.ino} ${s.mtimeMs}`)).toEqual(before);
    expectNoKeyIn(shown([first, again]), key);
  });

  it('refuses when only the key or only the certificate exists, and writes nothing', async () => {
    const onlyKey = paths();
    writeFileSync(onlyKey.key, 'x', { mode: 0o600 });
    const a = await step('h1', { cert: onlyKey.cert, key: onlyKey.key, generate: true });
    expect(a.failed).toBe(
      `only the key ${onlyKey.key} exists (${onlyKey.cert} is missing): give both files, or neither to generate a new pair; nothing was generated`,
    );
    expect(readdirSync(onlyKey.dir)).toEqual(['signing.pem']);

    const onlyCert = paths();
    writeFileSync(onlyCert.cert, 'x');
    const b = await step('h1', { cert: onlyCert.cert, key: onlyCert.key, generate: true });
    expect(b.failed).toMatch(/^only the certificate .*signing\.crt exists \(.*signing\.pem is missing\)/);
    expect(readdirSync(onlyCert.dir)).toEqual(['signing.crt']);
  });

  it('in --check says what it would generate and writes nothing; a missing folder fails in one line', async () => {
    const { dir, key, cert } = paths();
    const plan = await step('h1', { cert, key, generate: true }, true);
    expect(plan.failed).toBeUndefined();
    expect(plan.changes.map((c) => c.summary)).toEqual([
      `would generate an RSA 3072 key ${key} (mode 600) and a self-signed code-signing certificate ${cert} (CN=${defaultSigningCn()})`,
    ]);
    expect(plan.data).toEqual({
      fingerprint: '',
      cert_name: 'signing.crt',
      would_generate: true,
      generated: false,
    });
    expect(readdirSync(dir)).toEqual([]);

    const missing = join(dir, 'no-such-folder');
    const failed = await step('h1', {
      cert: join(missing, 'c.crt'),
      key: join(missing, 'k.pem'),
      generate: true,
    });
    expect(failed.failed).toMatch(/^generating the signing pair failed: openssl exited 1: [^\n]+$/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('without generate a missing pair fails as before; the schema refuses small keys and a CN openssl would parse', async () => {
    const { key, cert } = paths();
    expect((await step('h1', { cert, key })).failed).toMatch(/^cannot read the certificate .* \(ENOENT\)$/);
    const base = { cert, key, generate: true };
    expect(Value.Check(signingPairAction.schema, { ...base, bits: 4096, cn: 'wapt-signing (2025)' })).toBe(
      true,
    );
    expect(Value.Check(signingPairAction.schema, { ...base, bits: 1024 })).toBe(false);
    expect(Value.Check(signingPairAction.schema, { ...base, cn: 'x/O=evil' })).toBe(false);
  });
});

describe('signing_pair remove_old', () => {
  const old = selfSigned(root, 'old-signing');
  const reissued = selfSigned(root, 'reissued', { key: old.key, codeSigning: true });
  const fresh = selfSigned(root, 'fresh-signing', { codeSigning: true });

  it('accepts an old certificate with another key; refuses one with the new key, and an unreadable one', async () => {
    const ok = await step('h1', { cert: fresh.cert, key: fresh.key, remove_old: old.cert });
    expect(ok.failed).toBeUndefined();
    const same = await step('h1', { cert: reissued.cert, key: old.key, remove_old: old.cert });
    expect(same.failed).toBe(
      `remove_old ${old.cert} has the public key of the new certificate ${reissued.cert}: removing it would remove the new one too; nothing was changed`,
    );
    const none = await step('h1', { cert: fresh.cert, key: fresh.key, remove_old: join(root, 'none.crt') });
    expect(none.failed).toMatch(/^cannot read the old certificate .*none\.crt on the controller \(ENOENT\)$/);
    const notCert = await step('h1', { cert: fresh.cert, key: fresh.key, remove_old: fresh.key });
    expect(notCert.failed).toMatch(/is not an X\.509 certificate/);
  });
});
