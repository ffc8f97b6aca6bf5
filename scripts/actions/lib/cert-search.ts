// What cert_quarantine looks for, computed on the controller from a fingerprint, a certificate file or a key file.
import { createHash, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

/** Lower-case hex DER fingerprints and SPKI SHA-256 sums to match, with what they came from; or why not. */
export type CertSearch =
  | { fingerprints: string[]; spki: string[]; from: string; error?: undefined }
  | { error: string };

/** Where to look: a DER SHA-256 fingerprint, or a certificate or key file on the controller. */
export interface CertSearchSource {
  fingerprint?: string;
  cert?: string;
  key?: string;
}

/** `AB:CD:...` or `abcd...` -> `abcd...`. */
export function normalizeFingerprint(text: string): string {
  return text.replace(/[:\s]/g, '').toLowerCase();
}

/** SHA-256 (lower-case hex) of a public key in SPKI DER form: what `openssl pkey -pubin -outform DER | sha256sum` prints. */
export function spkiSha256(key: KeyObject): string {
  return createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** A public key from a PEM private key, PEM public key or DER SPKI file (an encrypted key is refused). */
function publicKeyOf(bytes: Buffer): KeyObject {
  try {
    return createPublicKey(bytes);
  } catch (pemError) {
    try {
      return createPublicKey({ key: bytes, format: 'der', type: 'spki' });
    } catch {
      throw pemError;
    }
  }
}

async function fromFile(kind: 'cert' | 'key', path: string): Promise<CertSearch> {
  let bytes: Buffer;
  try {
    bytes = await readFile(resolve(path));
  } catch (e) {
    return {
      error: `cannot read the ${kind} file ${path} on the controller (${(e as NodeJS.ErrnoException).code})`,
    };
  }
  try {
    if (kind === 'cert') {
      const cert = new X509Certificate(bytes);
      return {
        fingerprints: [normalizeFingerprint(cert.fingerprint256)],
        spki: [spkiSha256(cert.publicKey)],
        from: `the certificate ${path}`,
      };
    }
    return { fingerprints: [], spki: [spkiSha256(publicKeyOf(bytes))], from: `the key ${path}` };
  } catch (e) {
    const what = kind === 'cert' ? 'an X.509 certificate (PEM or DER)' : 'an unencrypted PEM key';
    return { error: `${path} is not ${what}: ${(e as Error).message}` };
  }
}

/** What to match, read on the controller (never on the hosts); exactly one source must be given. */
export async function certSearch(source: CertSearchSource): Promise<CertSearch> {
  const given = (['fingerprint', 'cert', 'key'] as const).filter((k) => source[k] !== undefined);
  if (given.length !== 1) {
    return { error: `give exactly one of fingerprint, cert, key (got ${given.join(', ') || 'none'})` };
  }
  if (source.fingerprint !== undefined) {
    return {
      fingerprints: [normalizeFingerprint(source.fingerprint)],
      spki: [],
      from: 'the given fingerprint',
    };
  }
  return source.cert !== undefined ? fromFile('cert', source.cert) : fromFile('key', source.key as string);
}
