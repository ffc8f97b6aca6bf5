// Keys and certificates (self-signed, or expired ones from a test CA) made with the real openssl, for tests.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

/** Paths of a key and its self-signed certificate. */
export interface SelfSigned {
  key: string;
  cert: string;
}

/** What the certificate should be: subject CN, key type, an existing key to reuse, lifetime, SAN, EKU. */
export interface SelfSignedOptions {
  cn?: string;
  keyType?: 'rsa' | 'ec';
  /** Sign with this existing key instead of making a new one (a re-issue). */
  key?: string;
  days?: number;
  /** e.g. `DNS:srvwapt.test,IP:127.0.0.1` */
  san?: string;
  /** Code Signing in the extended key usage, as a package-signing certificate must have. */
  codeSigning?: boolean;
}

/** Makes `<dir>/<name>.key` (unless `key` is given) and `<dir>/<name>.crt`. */
export function selfSigned(dir: string, name: string, opts: SelfSignedOptions = {}): SelfSigned {
  const cert = join(dir, `${name}.crt`);
  const key = opts.key ?? join(dir, `${name}.key`);
  const newKey =
    opts.keyType === 'ec'
      ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key]
      : ['-newkey', 'rsa:2048', '-nodes', '-keyout', key];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      ...(opts.key ? ['-key', opts.key] : newKey),
      '-days',
      String(opts.days ?? 30),
      '-subj',
      `/CN=${opts.cn ?? name}`,
      ...(opts.san ? ['-addext', `subjectAltName=${opts.san}`] : []),
      ...(opts.codeSigning ? ['-addext', 'extendedKeyUsage=critical,codeSigning'] : []),
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { key, cert };
}

/** The fingerprint WAPT uses: SHA-256 of the DER form, lower-case hex without colons (from openssl). */
export function opensslFingerprint(cert: string): string {
  const out = execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', cert], {
    encoding: 'utf8',
  });
  return (out.split('=')[1] ?? '').trim().replace(/:/g, '').toLowerCase();
}

/** What an issued certificate should be: CN, lifetime (negative: already expired), CA, Code Signing. */
export interface IssuedOptions {
  cn?: string;
  days?: number;
  ca?: boolean;
  codeSigning?: boolean;
}

/** Makes `<dir>/<name>.key` and `<dir>/<name>.crt` issued (signed) by `issuer`'s key and certificate. */
export function issuedBy(
  dir: string,
  name: string,
  issuer: SelfSigned,
  opts: IssuedOptions = {},
): SelfSigned {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  execFileSync(
    'openssl',
    [
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-subj',
      `/CN=${opts.cn ?? name}`,
      '-out',
      csr,
    ],
    { stdio: 'ignore' },
  );
  const lines = [
    `basicConstraints=critical,CA:${opts.ca ? 'TRUE' : 'FALSE'}`,
    'subjectKeyIdentifier=hash',
    'authorityKeyIdentifier=keyid',
    ...(opts.codeSigning ? ['extendedKeyUsage=critical,codeSigning'] : []),
  ];
  writeFileSync(ext, `${lines.join('\n')}\n`);
  execFileSync(
    'openssl',
    [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      issuer.cert,
      '-CAkey',
      issuer.key,
      '-days',
      String(opts.days ?? 30),
      '-extfile',
      ext,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { key, cert };
}

/** Re-signs a self-signed certificate with its own key and new dates (`days` < 0: already expired), in place. */
export function redated(pair: SelfSigned, days: number): SelfSigned {
  execFileSync(
    'openssl',
    ['x509', '-in', pair.cert, '-signkey', pair.key, '-days', String(days), '-out', pair.cert],
    {
      stdio: 'ignore',
    },
  );
  return pair;
}
/** A key and a certificate valid only from 2020-01-01 to 2020-02-01 (long expired), self-signed or issued by `ca`. */
export function expiredCertificate(dir: string, subject: string, ca?: SelfSigned): SelfSigned {
  const key = join(dir, 'expired.key');
  const cert = join(dir, 'expired.crt');
  const csr = join(dir, 'expired.csr');
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '01\n');
  writeFileSync(
    join(dir, 'ca.cnf'),
    `[ca]\ndefault_ca = test\n[test]\ndatabase = ${dir}/index.txt\nnew_certs_dir = ${dir}\nserial = ${dir}/serial\n` +
      'default_md = sha256\npolicy = any\npreserve = yes\nunique_subject = no\n' +
      '[any]\ncommonName = supplied\norganizationName = optional\n',
  );
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  run(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-subj', subject, '-keyout', key, '-out', csr]);
  const signer = ca ? ['-cert', ca.cert, '-keyfile', ca.key] : ['-selfsign', '-keyfile', key];
  run([
    'ca',
    '-batch',
    '-config',
    join(dir, 'ca.cnf'),
    ...signer,
    '-in',
    csr,
    '-startdate',
    '20200101000000Z',
    '-enddate',
    '20200201000000Z',
    '-notext',
    '-out',
    cert,
  ]);
  return { key, cert };
}

/** The 40-character runs of a PEM key's base64 body: any of them showing up somewhere leaks the key. */
export function keyPieces(pem: string): string[] {
  const body = pem.replace(/-----[^-]+-----|\s/g, '');
  const pieces: string[] = [];
  for (let i = 0; i + 40 <= body.length; i += 40) pieces.push(body.slice(i, i + 40));
  return pieces;
}

/** Fails when the text holds a PEM key marker or any 40-character run of the key file's base64 body. */
export function expectNoKeyIn(text: string, keyFile: string): void {
  expect(text).not.toContain('PRIVATE KEY');
  for (const piece of keyPieces(readFileSync(keyFile, 'utf8'))) expect(text).not.toContain(piece);
}
