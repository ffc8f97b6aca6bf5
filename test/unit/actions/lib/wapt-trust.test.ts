// trustOf against real openssl certificates: WAPT 1.8.2's check_certificates_chain (waptcrypto.py:525-623).
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trustOf } from '../../../../scripts/actions/lib/wapt-trust.js';
import { issuedBy, redated, selfSigned } from '../../../helpers/certs.js';

const dir = mkdtempSync(join(tmpdir(), 'waptops-trust-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const x509 = (path: string) => new X509Certificate(readFileSync(path));

const root = selfSigned(dir, 'root', { days: 10 });
const signer = issuedBy(dir, 'signer', root, { codeSigning: true });
const intermediate = issuedBy(dir, 'intermediate', root, { ca: true });
const leaf = issuedBy(dir, 'leaf', intermediate, { codeSigning: true });
const expiredSigner = issuedBy(dir, 'expired-signer', root, { days: -1 });
const expiredIntermediate = issuedBy(dir, 'expired-intermediate', root, { ca: true, days: -1 });
const underExpired = issuedBy(dir, 'under-expired', expiredIntermediate);
const expiredRoot = redated(selfSigned(dir, 'old-root', { days: 10 }), -1);
const underExpiredRoot = issuedBy(dir, 'under-old-root', expiredRoot);
const stranger = selfSigned(dir, 'stranger', { days: 10 });
const now = new Date();

describe('trustOf: WAPT 1.8.2 check_certificates_chain', () => {
  it('a signer in the trusted set is trusted by itself (pinned, waptcrypto.py:571)', () => {
    const v = trustOf([x509(stranger.cert)], [x509(root.cert), x509(stranger.cert)], now);
    expect(v).toMatchObject({ trusted: true });
    expect(v.trusted && v.by.subject).toBe('CN=stranger');
  });

  it('a signer issued by a trusted CA is trusted by that CA (waptcrypto.py:577-586)', () => {
    const v = trustOf([x509(signer.cert)], [x509(root.cert)], now);
    expect(v.trusted && v.by.subject).toBe('CN=root');
  });

  it('a signer whose issuer is not trusted and not carried is refused (EWaptCertificateUnknownIssuer, :600)', () => {
    expect(trustOf([x509(signer.cert)], [x509(stranger.cert)], now)).toEqual({
      trusted: false,
      why: 'unknown-issuer',
    });
    expect(trustOf([x509(stranger.cert)], [x509(root.cert)], now)).toEqual({
      trusted: false,
      why: 'unknown-issuer',
    });
  });

  it('an intermediate the package carries leads to the trusted root (waptcrypto.py:596-612)', () => {
    const v = trustOf([x509(leaf.cert), x509(intermediate.cert)], [x509(root.cert)], now);
    expect(v.trusted && v.by.subject).toBe('CN=root');
    expect(trustOf([x509(leaf.cert)], [x509(root.cert)], now)).toMatchObject({ trusted: false });
  });

  it('an expired signer is refused even when it is in the trusted set (EWaptCertificateExpired, :547)', () => {
    const v = trustOf([x509(expiredSigner.cert)], [x509(root.cert), x509(expiredSigner.cert)], now);
    expect(v).toMatchObject({ trusted: false, why: 'expired' });
    expect(!v.trusted && v.why === 'expired' && v.cert.subject).toBe('CN=expired-signer');
  });

  it('an expired intermediate carried by the package is refused (:605)', () => {
    const v = trustOf([x509(underExpired.cert), x509(expiredIntermediate.cert)], [x509(root.cert)], now);
    expect(!v.trusted && v.why === 'expired' && v.cert.subject).toBe('CN=expired-intermediate');
  });

  it('an expired CA of the trusted set still vouches: 1.8.2 never dates it (verify_signature_with, :2222-2260)', () => {
    const v = trustOf([x509(underExpiredRoot.cert)], [x509(expiredRoot.cert)], now);
    expect(v.trusted && v.by.subject).toBe('CN=old-root');
  });

  it('a signer not valid yet is refused like an expired one (is_valid, :2067)', () => {
    const past = new Date(Date.now() - 86_400_000 * 2);
    expect(trustOf([x509(signer.cert)], [x509(root.cert)], past)).toMatchObject({
      trusted: false,
      why: 'expired',
    });
  });
});
