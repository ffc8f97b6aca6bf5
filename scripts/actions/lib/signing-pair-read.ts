// What `signing_pair` reads on the controller: the new pair (generated first when asked), checked against an old certificate.
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { ActionContext } from '../types.js';
import { normalizeFingerprint, spkiSha256 } from './cert-search.js';
import { DEFAULT_GENERATED_BITS, defaultSigningCn, ensureSigningPair } from './signing-generate.js';

/** The extended key usage OID of code signing (id-kp-codeSigning). */
const CODE_SIGNING_OID = '1.3.6.1.5.5.7.3.3';

/** Smallest RSA key accepted for package signing. */
export const MIN_RSA_BITS = 2048;

/** The `signing_pair` params (see its schema): controller paths, and what to generate when asked. */
export interface SigningPairParams {
  cert: string;
  key: string;
  generate?: boolean;
  bits?: number;
  cn?: string;
  remove_old?: string;
}

/** The identity of a readable pair: the certificate's fingerprint, file name, subject and key size. */
export interface SigningPairIdentity {
  error?: undefined;
  wouldGenerate?: undefined;
  fingerprint: string;
  certName: string;
  subject: string;
  bits?: number;
  matches: boolean;
  /**
   * The certificate has Code Signing in its extended key usage: WAPT signs a package holding setup.py only
   * with such a certificate, and agents refuse such a package signed without it (1.8.2 waptpackage.py:1940,
   * :2238; waptcrypto.py:1677).
   */
  codeSigning: boolean;
  /** The certificate's notAfter (ISO 8601), and whether it has passed. */
  notAfter: string;
  expired: boolean;
  /** Generated in this run: for this host (`here`) or for another host of the run (its name). */
  generated?: 'here' | { forHost: string };
  /** remove_old carries the new certificate's public key (removing it would remove the new one). */
  oldSameKey?: boolean;
}

/** What `signing_pair` found on the controller: a pair, a pair --check would generate, or why it is unusable. */
export type SigningPairState =
  | { error: string }
  | { error?: undefined; wouldGenerate: { bits: number; cn: string; certName: string } }
  | SigningPairIdentity;

/** A file on the controller, or why it cannot be read (one line). */
export async function readControllerFile(kind: string, path: string): Promise<Buffer | string> {
  try {
    return await readFile(resolve(path));
  } catch (e) {
    return `cannot read the ${kind} ${path} on the controller (${(e as NodeJS.ErrnoException).code})`;
  }
}

/** Reads a certificate and a key on the controller and compares their public keys (nothing is sent anywhere). */
export async function readSigningPair(
  certPath: string,
  keyPath: string,
): Promise<{ error: string } | SigningPairIdentity> {
  const certBytes = await readControllerFile('certificate', certPath);
  if (typeof certBytes === 'string') return { error: certBytes };
  const keyBytes = await readControllerFile('key', keyPath);
  if (typeof keyBytes === 'string') return { error: keyBytes };
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certBytes);
  } catch (e) {
    return { error: `${certPath} is not an X.509 certificate: ${(e as Error).message}` };
  }
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(keyBytes);
  } catch (e) {
    return { error: `${keyPath} is not an unencrypted PEM private key: ${(e as Error).message}` };
  }
  return {
    fingerprint: normalizeFingerprint(cert.fingerprint256),
    certName: basename(certPath),
    subject: cert.subject.replace(/\n/g, ', '),
    bits: key.asymmetricKeyDetails?.modulusLength,
    matches: spkiSha256(cert.publicKey) === spkiSha256(createPublicKey(key)),
    codeSigning: cert.keyUsage?.includes(CODE_SIGNING_OID) ?? false,
    notAfter: new Date(cert.validTo).toISOString(),
    expired: Date.parse(cert.validTo) < Date.now(),
  };
}

/** SHA-256 of the public key of a certificate file on the controller, or why it cannot be read. */
async function certSpki(kind: string, path: string): Promise<{ spki: string } | { error: string }> {
  const bytes = await readControllerFile(kind, path);
  if (typeof bytes === 'string') return { error: bytes };
  try {
    return { spki: spkiSha256(new X509Certificate(bytes).publicKey) };
  } catch (e) {
    return { error: `${path} is not an X.509 certificate: ${(e as Error).message}` };
  }
}

/** The `signing_pair` read: generates the pair first when asked (once per run), then reads and checks it. */
export async function readSigningPairStep(
  ctx: Pick<ActionContext, 'host' | 'check'>,
  p: SigningPairParams,
): Promise<SigningPairState> {
  const old = p.remove_old === undefined ? undefined : await certSpki('old certificate', p.remove_old);
  if (old && 'error' in old) return { error: old.error };
  let generated: SigningPairIdentity['generated'];
  if (p.generate) {
    const request = {
      key: p.key,
      cert: p.cert,
      bits: p.bits ?? DEFAULT_GENERATED_BITS,
      cn: p.cn ?? defaultSigningCn(),
    };
    const origin = await ensureSigningPair(request, ctx.host, ctx.check);
    if (origin.kind === 'refused') return { error: origin.error };
    if (origin.kind === 'would-generate')
      return { wouldGenerate: { bits: request.bits, cn: request.cn, certName: basename(p.cert) } };
    if (origin.kind === 'generated')
      generated = origin.forHost === ctx.host ? 'here' : { forHost: origin.forHost };
  }
  const pair = await readSigningPair(p.cert, p.key);
  if (pair.error !== undefined) return pair;
  const newCert = await certSpki('certificate', p.cert);
  const oldSameKey = old !== undefined && 'spki' in newCert && newCert.spki === old.spki;
  return { ...pair, generated, oldSameKey };
}
