// The `signing_pair` action: a package-signing key checked (or generated) on the controller, staged without touching disk.
import { Type } from '@sinclair/typebox';
import { CN_PATTERN, DEFAULT_GENERATED_BITS } from './lib/signing-generate.js';
import { MIN_RSA_BITS, readSigningPairStep } from './lib/signing-pair-read.js';
import { defineAction, type Plan } from './types.js';

const signingPairSchema = Type.Object(
  {
    cert: Type.String({ minLength: 1, description: 'The new certificate (PEM) ON THE CONTROLLER' }),
    key: Type.String({ minLength: 1, description: 'Its private key (unencrypted PEM) ON THE CONTROLLER' }),
    generate: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'Make the key (mode 600) and a self-signed code-signing certificate at key and cert when neither exists (once per run)',
      }),
    ),
    bits: Type.Optional(
      Type.Integer({
        minimum: MIN_RSA_BITS,
        maximum: 16384,
        default: DEFAULT_GENERATED_BITS,
        description: 'RSA size of a generated key',
      }),
    ),
    cn: Type.Optional(
      Type.String({
        pattern: CN_PATTERN,
        description: 'CN of a generated certificate (default wapt-signing-<YYYYMMDD>)',
      }),
    ),
    remove_old: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'An old certificate ON THE CONTROLLER to be removed later: refused if it has the new public key',
      }),
    ),
  },
  { additionalProperties: false },
);

/** Checks on the controller that a new signing key matches its certificate (RSA, at least 2048 bits); generates them on request. */
export const signingPairAction = defineAction({
  name: 'signing_pair',
  description:
    'Check on the controller that a package-signing key matches its certificate (RSA >= 2048), generating both with openssl when asked; exposes the fingerprint',
  schema: signingPairSchema,
  probe: true,
  controller: true,
  read: (ctx, p) => readSigningPairStep(ctx, p),
  plan(state, p): Plan {
    if (state.error !== undefined) return { changes: [], failed: state.error };
    if (state.wouldGenerate !== undefined) {
      const { bits, cn, certName } = state.wouldGenerate;
      return {
        changes: [
          {
            summary: `would generate an RSA ${bits} key ${p.key} (mode 600) and a self-signed code-signing certificate ${p.cert} (CN=${cn})`,
            commands: [],
          },
        ],
        data: { fingerprint: '', cert_name: certName, would_generate: true, generated: false },
      };
    }
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
    if (state.codeSigning === false) {
      return {
        changes: [],
        failed: `the certificate ${p.cert} has no Code Signing extended key usage: WAPT will not sign a package holding setup.py with it, and agents refuse such packages; issue one with extendedKeyUsage = codeSigning (or -e generate=true); nothing was changed`,
      };
    }
    if (state.expired) {
      return {
        changes: [],
        failed: `the certificate ${p.cert} expired on ${state.notAfter}: packages signed with it would not be trusted; nothing was changed`,
      };
    }
    if (state.oldSameKey) {
      return {
        changes: [],
        failed: `remove_old ${p.remove_old} has the public key of the new certificate ${p.cert}: removing it would remove the new one too; nothing was changed`,
      };
    }
    const identity = `${state.certName} (${state.subject}, RSA ${state.bits}, sha256 ${state.fingerprint})`;
    const data = {
      fingerprint: state.fingerprint,
      cert_name: state.certName,
      would_generate: false,
      generated: state.generated !== undefined,
    };
    if (state.generated === 'here') {
      const summary = `generated an RSA ${state.bits} key ${p.key} (mode 600) and the self-signed certificate ${p.cert}: ${identity}`;
      return { changes: [{ summary, commands: [] }], data };
    }
    const shared = state.generated ? `, generated in this run for ${state.generated.forHost}` : '';
    return { changes: [], reason: `the key matches ${identity}${shared}`, data };
  },
});
