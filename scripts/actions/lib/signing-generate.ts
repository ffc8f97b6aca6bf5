// A new package-signing pair made on the controller with openssl, once per run for a (key, cert) pair of paths.
import { spawn } from 'node:child_process';
import { chmod, link, lstat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** Default RSA size of a generated signing key (WAPT-FACTS: RSA >= 2048; 3072 for a key meant to last). */
export const DEFAULT_GENERATED_BITS = 3072;

// Days a generated certificate is valid: WAPT's own self-signed certificates last ten years.
const GENERATED_CERT_DAYS = 3650;

/** Characters a generated certificate's CN may hold (kept out of openssl's `-subj` syntax: no `/`, `+`, `\`). */
export const CN_PATTERN = '^[A-Za-z0-9][A-Za-z0-9 ._@()-]{0,63}$';

/** What to generate: where the key and the certificate go, the RSA size and the subject's CN. */
export interface GenerateRequest {
  key: string;
  cert: string;
  bits: number;
  cn: string;
}

/**
 * What became of a pair of paths: both files were there already (reused), they were generated in this
 * run (for the host whose step asked first), they would be (--check), or why nothing could be done.
 */
export type PairOrigin =
  | { kind: 'existing' }
  | { kind: 'generated'; forHost: string }
  | { kind: 'would-generate' }
  | { kind: 'refused'; error: string };

// WAPT's self-signed signing certificates: a CA, code signing, the key usages of its build_sign_certificate.
const OPENSSL_CONFIG = [
  '[req]',
  'distinguished_name = dn',
  'x509_extensions = signing',
  'prompt = no',
  '[dn]',
  '[signing]',
  'basicConstraints = critical,CA:TRUE',
  'keyUsage = critical,digitalSignature,nonRepudiation,keyCertSign,dataEncipherment',
  'extendedKeyUsage = critical,codeSigning',
  'subjectKeyIdentifier = hash',
  '',
].join('\n');

/** The default CN of a generated certificate: `wapt-signing-<YYYYMMDD>` (UTC). */
export function defaultSigningCn(now = new Date()): string {
  return `wapt-signing-${now.toISOString().slice(0, 10).replace(/-/g, '')}`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/**
 * Runs openssl under umask 077 (the key file is private from its first byte) with a config piped on its
 * stdin (a real pipe: /dev/stdin of a socket cannot be opened); resolves to why it failed, if it did.
 */
function openssl(config: string, args: string[]): Promise<string | undefined> {
  return new Promise((done) => {
    const script = 'umask 077; config=$1; shift; printf "%s" "$config" | openssl "$@"';
    const child = spawn('sh', ['-c', script, 'openssl', config, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.on('error', (e) => done(`cannot run openssl: ${e.message}`));
    child.on('close', (code) => {
      if (code === 0) return done(undefined);
      const last = stderr.split('\n').filter((l) => l.trim() && !/^[.+*-]+$/.test(l.trim()));
      done(`openssl exited ${code}: ${last.at(-1)?.trim() ?? 'no message'}`);
    });
  });
}

/** Makes the pair in temporary files beside the targets, then links them in (never over an existing file). */
async function generate(req: GenerateRequest): Promise<string | undefined> {
  const suffix = `.waptops-${process.pid}-${Date.now()}.tmp`;
  const keyTmp = join(dirname(req.key), `.${basename(req.key)}${suffix}`);
  const certTmp = join(dirname(req.cert), `.${basename(req.cert)}${suffix}`);
  const created: string[] = [];
  try {
    const failed = await openssl(OPENSSL_CONFIG, [
      'req',
      '-x509',
      '-config',
      '/dev/stdin',
      '-newkey',
      `rsa:${req.bits}`,
      '-nodes',
      '-keyout',
      keyTmp,
      '-out',
      certTmp,
      '-days',
      String(GENERATED_CERT_DAYS),
      '-sha256',
      '-subj',
      `/CN=${req.cn}`,
    ]);
    if (failed) return failed;
    await chmod(keyTmp, 0o600);
    await chmod(certTmp, 0o644);
    await link(keyTmp, req.key);
    created.push(req.key);
    await link(certTmp, req.cert);
    created.push(req.cert);
    return undefined;
  } catch (e) {
    for (const path of created) await unlink(path).catch(() => undefined);
    return `cannot write the pair: ${(e as Error).message}`;
  } finally {
    await unlink(keyTmp).catch(() => undefined);
    await unlink(certTmp).catch(() => undefined);
  }
}

async function ensurePair(req: GenerateRequest, host: string, check: boolean): Promise<PairOrigin> {
  if (req.key === req.cert)
    return { kind: 'refused', error: `the key and the certificate must be two files (both are ${req.key})` };
  const [keyThere, certThere] = await Promise.all([exists(req.key), exists(req.cert)]);
  if (keyThere && certThere) return { kind: 'existing' };
  if (keyThere || certThere) {
    const [there, missing] = keyThere ? [`key ${req.key}`, req.cert] : [`certificate ${req.cert}`, req.key];
    return {
      kind: 'refused',
      error: `only the ${there} exists (${missing} is missing): give both files, or neither to generate a new pair; nothing was generated`,
    };
  }
  if (check) return { kind: 'would-generate' };
  const failed = await generate(req);
  if (failed) return { kind: 'refused', error: `generating the signing pair failed: ${failed}` };
  return { kind: 'generated', forHost: host };
}

// One promise per (key, cert) pair of paths for the whole process: N hosts of a run share one new pair.
const pairsOfThisRun = new Map<string, Promise<PairOrigin>>();

/**
 * Makes sure a key and its certificate exist on the controller: reuses both when both exist, refuses
 * when only one does, otherwise generates them once per process (in --check: says it would, writes nothing).
 */
export function ensureSigningPair(req: GenerateRequest, host: string, check: boolean): Promise<PairOrigin> {
  const absolute = { ...req, key: resolve(req.key), cert: resolve(req.cert) };
  const id = `${check ? 'check' : 'run'}\n${absolute.key}\n${absolute.cert}`;
  let origin = pairsOfThisRun.get(id);
  if (!origin) {
    origin = ensurePair(absolute, host, check).catch(
      (e): PairOrigin => ({
        kind: 'refused',
        error: `cannot look at the signing pair: ${(e as Error).message}`,
      }),
    );
    pairsOfThisRun.set(id, origin);
  }
  return origin;
}
