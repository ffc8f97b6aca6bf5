// The `wapt_password` action: the WAPT admin password as a passlib pbkdf2_sha256 hash in waptserver.ini, hashed on the controller.
import { randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { isSecret, Secret } from '../core/secret.js';
import { iniAction } from './ini.js';
import { getIniValue } from './lib/ini-edit.js';
import { ab64Decode, ab64Encode, hashScheme, pbkdf2Sha256Hash, pbkdf2Sha256Verify } from './lib/pbkdf2.js';
import { backupTimestamp } from './lib/write-file.js';
import { defineAction, type Plan } from './types.js';

const waptPasswordSchema = Type.Object(
  {
    path: Type.String({ minLength: 1, description: 'waptserver.ini, e.g. /opt/wapt/conf/waptserver.ini' }),
    password: Type.String({
      minLength: 1,
      description: 'The new admin password (a secret param); only its hash is sent to the host',
    }),
    old_password: Type.Optional(
      Type.String({
        description:
          'The password being replaced (a secret param), only to report whether it was given: data.old_password_given',
      }),
    ),
    section: Type.Optional(Type.String({ minLength: 1, default: 'options', description: 'INI section' })),
    user_key: Type.Optional(
      Type.String({ minLength: 1, default: 'wapt_password', description: 'Key holding the hash' }),
    ),
    backup: Type.Optional(
      Type.Boolean({ default: true, description: 'Copy the old file to <path>.waptops-<timestamp> first' }),
    ),
    mode: Type.Optional(
      Type.String({ pattern: '^0?[0-7]{3,4}$', description: "Mode of the written file, e.g. '0640'" }),
    ),
    owner: Type.Optional(Type.String({ minLength: 1, description: 'Owner of the written file' })),
    group: Type.Optional(Type.String({ minLength: 1, description: 'Group of the written file' })),
  },
  { additionalProperties: false },
);

/** What `wapt_password` reads: the ini text, and the salt and timestamp a change would use (so the plan stays pure). */
export interface WaptPasswordState {
  exists: boolean;
  text: string;
  timestamp: string;
  /** 16 random bytes, ab64, for the new hash. */
  salt: string;
}

/** Sets the WAPT admin password hash unless the current hash already verifies the given password. */
export const waptPasswordAction = defineAction({
  name: 'wapt_password',
  description:
    'Set the WAPT admin password in waptserver.ini as a pbkdf2_sha256 hash computed on the controller (no-op when it already matches)',
  schema: waptPasswordSchema,
  secretParams: ['password', 'old_password'],
  async read(ctx, params): Promise<WaptPasswordState> {
    const bytes = await ctx.readFile(params.path);
    return {
      exists: bytes !== undefined,
      text: bytes?.toString('utf8') ?? '',
      timestamp: backupTimestamp(),
      salt: ab64Encode(randomBytes(16)),
    };
  },
  plan(state, params): Plan {
    const section = params.section ?? 'options';
    const key = params.user_key ?? 'wapt_password';
    if (!state.exists)
      return { changes: [], failed: `${params.path} does not exist: is this a WAPT server?` };
    const value = params.password as string | Secret;
    const password = isSecret(value) ? value.reveal() : value;
    const current = (getIniValue(state.text, section, key) ?? '').trim();
    const scheme = hashScheme(current);
    const data = { scheme, old_password_given: params.old_password !== undefined };
    if (pbkdf2Sha256Verify(password, current)) {
      return { changes: [], reason: `[${section}] ${key} already verifies the given password`, data };
    }
    const hash = pbkdf2Sha256Hash(password, ab64Decode(state.salt));
    const plan = iniAction.plan(
      { exists: true, text: state.text, timestamp: state.timestamp },
      {
        path: params.path,
        section,
        key,
        value: new Secret(hash) as unknown as string,
        backup: params.backup ?? true,
        mode: params.mode,
        owner: params.owner,
        group: params.group,
      },
    );
    return { ...plan, data };
  },
});
