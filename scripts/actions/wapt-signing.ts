// The `signing_pair` and `secret_file` actions: a package-signing key checked and staged without touching disk.
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { Type } from '@sinclair/typebox';
import { pathFact } from '../facts/path.js';
import { Secret, sh } from '../transport/command.js';
import { modeSchema } from './file.js';
import { defineAction, type Plan } from './types.js';
import { normalizeFingerprint, spkiSha256 } from './wapt-cert-search.js';

/** Smallest RSA key accepted for package signing. */
export const MIN_RSA_BITS = 2048;

const signingPairSchema = Type.Object(
  {
    cert: Type.String({ minLength: 1, description: 'The new certificate (PEM) ON THE CONTROLLER' }),
    key: Type.String({ minLength: 1, description: 'Its private key (unencrypted PEM) ON THE CONTROLLER' }),
  },
  { additionalProperties: false },
);

/** What `signing_pair` found on the controller: the certificate's identity, or why the pair is unusable. */
export type SigningPairState =
  | { error: string }
  | {
      error?: undefined;
      fingerprint: string;
      certName: string;
      subject: string;
      bits?: number;
      matches: boolean;
    };

async function readLocal(kind: string, path: string): Promise<Buffer | string> {
  try {
    return await readFile(resolve(path));
  } catch (e) {
    return `cannot read the ${kind} ${path} on the controller (${(e as NodeJS.ErrnoException).code})`;
  }
}

/** Reads a certificate and a key on the controller and compares their public keys (nothing is sent anywhere). */
export async function readSigningPair(certPath: string, keyPath: string): Promise<SigningPairState> {
  const certBytes = await readLocal('certificate', certPath);
  if (typeof certBytes === 'string') return { error: certBytes };
  const keyBytes = await readLocal('key', keyPath);
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
  };
}

/** Checks on the controller that a new signing key matches its certificate (RSA, at least 2048 bits). */
export const signingPairAction = defineAction({
  name: 'signing_pair',
  description:
    'Check on the controller that a package-signing key matches its certificate (RSA >= 2048); exposes the fingerprint',
  schema: signingPairSchema,
  probe: true,
  controller: true,
  read: (_ctx, p) => readSigningPair(p.cert, p.key),
  plan(state, p): Plan {
    if (state.error !== undefined) return { changes: [], failed: state.error };
    if (!state.matches) {
      return {
        changes: [],
        failed: `the key ${p.key} does not match the certificate ${p.cert} (different public keys): nothing was changed`,
      };
    }
    if (state.bits === undefined || state.bits < MIN_RSA_BITS) {
      return {
        changes: [],
        failed: `the key ${p.key} is not an RSA key of at least ${MIN_RSA_BITS} bits (${state.bits ?? 'not RSA'})`,
      };
    }
    return {
      changes: [],
      reason: `the key matches ${state.certName} (${state.subject}, RSA ${state.bits}, sha256 ${state.fingerprint})`,
      data: { fingerprint: state.fingerprint, cert_name: state.certName },
    };
  },
});

const secretFileSchema = Type.Object(
  {
    src: Type.String({ minLength: 1, description: 'A secret file ON THE CONTROLLER (e.g. a private key)' }),
    dest: Type.String({ pattern: '^/.*[^/]$', description: 'Where it goes on the host (e.g. on tmpfs)' }),
    mode: Type.Optional(modeSchema),
  },
  { additionalProperties: false },
);

/** What `secret_file` reads: the controller file as a Secret (or why not), and whether dest already exists. */
export type SecretFileState = { error: string } | { error?: undefined; content: Secret; exists: boolean };

/**
 * Writes a controller file to the host through the command's stdin only (never an SFTP upload, which
 * become stages on disk), created under umask 077 so it is never readable by others, even for a moment.
 */
export const secretFileAction = defineAction({
  name: 'secret_file',
  description:
    'Write a controller file (a key) to the host over stdin only, umask 077, atomically; the content is never shown',
  schema: secretFileSchema,
  async read(ctx, p): Promise<SecretFileState> {
    const bytes = await readLocal('secret file', p.src);
    if (typeof bytes === 'string') return { error: bytes };
    const info = await ctx.fact(pathFact(p.dest));
    return { content: new Secret(bytes.toString('utf8')), exists: info.exists };
  },
  plan(state, p): Plan {
    if (state.error !== undefined) return { changes: [], failed: state.error };
    const mode = p.mode ?? '0600';
    const write = sh`umask 077; set -e; t=$(mktemp ${`${p.dest}.XXXXXX`}); trap 'rm -f -- "$t"' EXIT; cat > "$t"; chmod ${mode} -- "$t"; mv -f -- "$t" ${p.dest}; trap - EXIT`;
    return {
      changes: [
        {
          summary: `${state.exists ? 'write' : 'create'} ${p.dest} (secret content)`,
          diff: {
            path: p.dest,
            before: state.exists ? '(previous content, not shown)\n' : '',
            after: '(secret content)\n',
          },
          commands: [{ ...write, stdin: state.content }],
          undo: [sh`rm -f -- ${p.dest}`],
        },
      ],
    };
  },
});
