// Whether WAPT 1.8.2 trusts a package's signer: check_certificates_chain (waptcrypto.py:525-623) with
// verify_signature_with (waptcrypto.py:2222-2260), over the certificates of the trusted folders.
import type { X509Certificate } from 'node:crypto';

/** WAPT's verdict on a signer chain (the package's WAPT/certificate.crt: signer first, then intermediates). */
export type TrustVerdict =
  /** Trusted: `by` is the certificate of the trusted set that vouches (the signer itself when pinned). */
  | { trusted: true; by: X509Certificate }
  /** Refused: the signer, or an intermediate the package carries, is outside its validity dates (:547, :605). */
  | { trusted: false; why: 'expired'; cert: X509Certificate }
  /** Refused: a signature along the chain does not verify (verify_signature_with raises). */
  | { trusted: false; why: 'bad-signature'; cert: X509Certificate }
  /** Refused: neither the signer nor any issuer up its chain is in the trusted set (EWaptCertificateUnknownIssuer). */
  | { trusted: false; why: 'unknown-issuer' };

/** Whether a certificate is inside its validity dates at `now` (SSLCertificate.is_valid, waptcrypto.py:2067). */
export function validAt(cert: X509Certificate, now: Date): boolean {
  return now >= new Date(cert.validFrom) && now <= new Date(cert.validTo);
}

function selfSigned(cert: X509Certificate): boolean {
  return cert.subject === cert.issuer;
}

/** The certificate of `bundle` that issued `cert` (issuer_cert_for, waptcrypto.py:683). */
function issuerIn(cert: X509Certificate, bundle: X509Certificate[]): X509Certificate | undefined {
  return bundle.find((c) => cert.checkIssued(c));
}

/** verify_signature_with: the issuers of `cert` found in `bundle`, each signature checked, up to a self-signed one. */
function climb(
  cert: X509Certificate,
  bundle: X509Certificate[],
): X509Certificate[] | 'unknown' | 'bad-signature' {
  let issuer = issuerIn(cert, bundle);
  if (!issuer) return 'unknown';
  const chain: X509Certificate[] = [];
  let current = cert;
  while (issuer && chain.length <= bundle.length) {
    if (!current.verify(issuer.publicKey)) return 'bad-signature';
    chain.push(issuer);
    if (selfSigned(issuer)) break;
    current = issuer;
    issuer = issuerIn(current, bundle);
  }
  return chain;
}

/** WAPT 1.8.2's trust decision for a signer chain against the trusted set, at `now`. */
export function trustOf(chain: X509Certificate[], trusted: X509Certificate[], now: Date): TrustVerdict {
  const signer = chain[0];
  if (!signer) return { trusted: false, why: 'unknown-issuer' };
  if (!validAt(signer, now)) return { trusted: false, why: 'expired', cert: signer };
  const pinned = new Set(trusted.map((c) => c.fingerprint256));
  let cert = signer;
  for (let hops = 0; hops <= chain.length; hops++) {
    if (pinned.has(cert.fingerprint256)) return { trusted: true, by: cert };
    const up = climb(cert, trusted);
    if (up === 'bad-signature') return { trusted: false, why: 'bad-signature', cert };
    if (up !== 'unknown') {
      const first = up[0] as X509Certificate;
      const above = climb(first, trusted);
      if (above === 'bad-signature') return { trusted: false, why: 'bad-signature', cert: first };
      if (above !== 'unknown') return { trusted: true, by: first };
    }
    // Not vouched for by the trusted set: try an intermediate the package carries (waptcrypto.py:596-612).
    const issuer = chain.find((c) => c.fingerprint256 !== cert.fingerprint256 && cert.checkIssued(c));
    if (!issuer) return { trusted: false, why: 'unknown-issuer' };
    if (!cert.verify(issuer.publicKey)) return { trusted: false, why: 'bad-signature', cert };
    if (!validAt(issuer, now)) return { trusted: false, why: 'expired', cert: issuer };
    cert = issuer;
  }
  return { trusted: false, why: 'unknown-issuer' };
}
