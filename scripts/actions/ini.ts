// The `ini` action: one key of one section of an INI file, edited in place and written atomically.
import { Type } from '@sinclair/typebox';
import { isSecret, Secret } from '../core/secret.js';
import { sh } from '../transport/command.js';
import { getIniValue, removeIniKey, setIniValue } from './lib/ini-edit.js';
import {
  atomicWriteCommand,
  backupPathFor,
  backupTimestamp,
  restoreBackupCommand,
} from './lib/write-file.js';
import { type Change, defineAction, type Plan } from './types.js';

const iniSchema = Type.Object(
  {
    path: Type.String({
      minLength: 1,
      description: 'INI file on the host, e.g. /opt/wapt/conf/waptserver.ini',
    }),
    section: Type.String({
      minLength: 1,
      pattern: '^[^\\]\\r\\n]+$',
      description: 'Section name, without brackets',
    }),
    key: Type.String({
      minLength: 1,
      pattern: '^[^=:\\s;#\\[][^=:\\r\\n]*$',
      description: 'Key in the section (matched case-insensitively; the written case is kept)',
    }),
    value: Type.Optional(
      Type.String({ description: 'Value to set (one line; may be a secret param, then never shown)' }),
    ),
    state: Type.Optional(
      Type.Union([Type.Literal('present'), Type.Literal('absent')], {
        default: 'present',
        description: 'present sets the key to value; absent removes it',
      }),
    ),
    backup: Type.Optional(
      Type.Boolean({ default: false, description: 'Copy the old file to <path>.waptops-<timestamp> first' }),
    ),
    mode: Type.Optional(
      Type.String({ pattern: '^0?[0-7]{3,4}$', description: "Mode of the written file, e.g. '0640'" }),
    ),
    owner: Type.Optional(Type.String({ minLength: 1, description: 'Owner of the written file' })),
    group: Type.Optional(Type.String({ minLength: 1, description: 'Group of the written file' })),
  },
  { additionalProperties: false },
);

/** What `ini` reads: the file's text (empty when missing) and the timestamp for a backup name. */
export interface IniState {
  exists: boolean;
  text: string;
  timestamp: string;
}

const SECRET_SHOWN = '***';

function maskedValueText(text: string, section: string, key: string, shown: string): string {
  return getIniValue(text, section, key) === undefined ? text : setIniValue(text, section, key, shown);
}

/** Sets or removes one key of one INI section, keeping comments, order and spacing. */
export const iniAction = defineAction({
  name: 'ini',
  description:
    'Set or remove one key in one section of an INI file (comments and layout kept; atomic write).',
  schema: iniSchema,
  secretParams: ['value'],
  async read(ctx, params): Promise<IniState> {
    const bytes = await ctx.readFile(params.path);
    return { exists: bytes !== undefined, text: bytes?.toString('utf8') ?? '', timestamp: backupTimestamp() };
  },
  plan(state, params): Plan {
    const { path, section, key } = params;
    const present = (params.state ?? 'present') === 'present';
    const value = params.value as string | Secret | undefined;
    const secret = isSecret(value);
    const plain = secret ? value.reveal() : value;
    if (present && plain === undefined) return { changes: [], failed: 'state present needs a value' };
    if (plain !== undefined && /[\r\n]/.test(plain)) return { changes: [], failed: 'value must be one line' };
    if (!present && !state.exists) return { changes: [], reason: `${path} does not exist` };
    const after = present
      ? setIniValue(state.text, section, key, plain as string)
      : removeIniKey(state.text, section, key);
    if (after === state.text && state.exists) {
      return { changes: [], reason: present ? 'already set' : 'already absent' };
    }
    const backupPath = params.backup && state.exists ? backupPathFor(path, state.timestamp) : undefined;
    const write = atomicWriteCommand({
      path,
      content: secret ? new Secret(after) : after,
      backupPath,
      mode: params.mode,
      owner: params.owner,
      group: params.group,
    });
    const undo = backupPath
      ? [restoreBackupCommand(path, backupPath)]
      : state.exists
        ? undefined
        : [sh`rm -f -- ${path}`];
    const diff = secret
      ? {
          path,
          before: maskedValueText(state.text, section, key, SECRET_SHOWN),
          after: setIniValue(state.text, section, key, `${SECRET_SHOWN} (new secret)`),
        }
      : { path, before: state.text, after };
    const what = `[${section}] ${key}`;
    const summary = present
      ? `set ${what} in ${path}${secret ? ' (secret)' : ''}${state.exists ? '' : ' (new file)'}`
      : `remove ${what} from ${path}`;
    const change: Change = { summary, diff, commands: [write], ...(undo ? { undo } : {}) };
    return { changes: [change] };
  },
});
