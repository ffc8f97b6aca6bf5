// The `file` action: a file with given content, a directory, or nothing at a path; mode and owner too.
import { Type } from '@sinclair/typebox';
import { isSecret, type Secret } from '../core/secret.js';
import { type PathInfo, pathFact } from '../facts/path.js';
import { type Command, sh } from '../transport/command.js';
import { attributeChange, isEmptyDirectory, modeSchema } from './lib/file-attributes.js';
import {
  atomicWriteCommand,
  attributeCommands,
  backupPathFor,
  backupTimestamp,
  type FileAttributes,
  restoreBackupCommand,
} from './lib/write-file.js';
import { type Change, defineAction, type Plan } from './types.js';

const fileSchema = Type.Object(
  {
    path: Type.String({ pattern: '^/', description: 'Absolute path on the host' }),
    state: Type.Optional(
      Type.Union([Type.Literal('file'), Type.Literal('directory'), Type.Literal('absent')], {
        default: 'file',
        description: 'file (with content, or created empty when missing), directory, or absent',
      }),
    ),
    content: Type.Optional(Type.String({ description: 'Whole content of the file (may be a secret param)' })),
    mode: Type.Optional(modeSchema),
    owner: Type.Optional(Type.String({ minLength: 1, description: 'Owner (user name or uid)' })),
    group: Type.Optional(Type.String({ minLength: 1, description: 'Group (name or gid)' })),
    backup: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'Keep the old file as <path>.waptops-<timestamp> when replacing it',
      }),
    ),
    recursive: Type.Optional(
      Type.Boolean({ default: false, description: 'With state absent, also remove a non-empty directory' }),
    ),
  },
  { additionalProperties: false },
);

/** What `file` reads: the path's stat, its text when content is managed, emptiness of a directory. */
export interface FileState {
  info: PathInfo;
  content?: string;
  /** For a directory: whether it has no entries. */
  empty?: boolean;
  timestamp: string;
}

type FileParams = {
  path: string;
  content?: string | Secret;
  backup?: boolean;
  recursive?: boolean;
} & FileAttributes;

function planAbsent(state: FileState, p: FileParams): Plan {
  const { info } = state;
  if (!info.exists) return { changes: [], reason: 'already absent' };
  if (info.type === 'directory') {
    if (state.empty) {
      const recreate = [sh`mkdir -- ${p.path}`, ...attributeCommands(p.path, info)];
      return {
        changes: [
          { summary: `remove empty directory ${p.path}`, commands: [sh`rmdir -- ${p.path}`], undo: recreate },
        ],
      };
    }
    if (!p.recursive) {
      return {
        changes: [],
        failed: `refusing to remove non-empty directory ${p.path}; set recursive: true to remove it and everything in it`,
      };
    }
    return {
      changes: [
        { summary: `remove directory ${p.path} and everything in it`, commands: [sh`rm -rf -- ${p.path}`] },
      ],
    };
  }
  if (p.backup) {
    const backup = backupPathFor(p.path, state.timestamp);
    return {
      changes: [
        {
          summary: `remove ${p.path} (kept as ${backup})`,
          commands: [sh`mv -f -- ${p.path} ${backup}`],
          undo: [sh`mv -f -- ${backup} ${p.path}`],
        },
      ],
    };
  }
  return { changes: [{ summary: `remove ${p.path}`, commands: [sh`rm -f -- ${p.path}`] }] };
}

function planDirectory(state: FileState, p: FileParams): Plan {
  const { info } = state;
  if (!info.exists) {
    const create = [sh`mkdir -p -- ${p.path}`, ...attributeCommands(p.path, p)];
    return {
      changes: [{ summary: `create directory ${p.path}`, commands: create, undo: [sh`rmdir -- ${p.path}`] }],
    };
  }
  if (info.type !== 'directory')
    return { changes: [], failed: `${p.path} exists and is not a directory (${info.type})` };
  const change = attributeChange(p.path, info, p);
  return change
    ? { changes: [change] }
    : { changes: [], reason: 'directory exists with the wanted attributes' };
}

function planFile(state: FileState, p: FileParams): Plan {
  const { info } = state;
  if (info.exists && info.type !== 'file') {
    return { changes: [], failed: `${p.path} is a ${info.type}, not a regular file` };
  }
  const secret = isSecret(p.content);
  const wanted = secret ? (p.content as Secret).reveal() : (p.content as string | undefined);
  const rewrite = info.exists ? wanted !== undefined && wanted !== state.content : true;
  if (!rewrite) {
    const change = attributeChange(p.path, info, p);
    return change
      ? { changes: [change] }
      : { changes: [], reason: 'file has the wanted content and attributes' };
  }
  const backupPath = p.backup && info.exists ? backupPathFor(p.path, state.timestamp) : undefined;
  const write = atomicWriteCommand({ ...p, path: p.path, content: p.content ?? '', backupPath });
  const undo: Command[] | undefined = backupPath
    ? [restoreBackupCommand(p.path, backupPath)]
    : info.exists
      ? undefined
      : [sh`rm -f -- ${p.path}`];
  const shown = secret ? '(secret content)\n' : (wanted ?? '');
  const before = info.exists ? (secret ? '(previous content, not shown)\n' : (state.content ?? '')) : '';
  const verb = info.exists ? 'write' : wanted === undefined ? 'create empty file' : 'create';
  const change: Change = {
    summary: `${verb} ${p.path}${secret ? ' (secret content)' : ''}`,
    diff: { path: p.path, before, after: shown },
    commands: [write],
    ...(undo ? { undo } : {}),
  };
  return { changes: [change] };
}

/** Makes a path a file with the given content, a directory, or absent; sets mode/owner/group. */
export const fileAction = defineAction({
  name: 'file',
  description:
    'A file with given content (atomic write), a directory, or nothing at a path; mode, owner, group.',
  schema: fileSchema,
  secretParams: ['content'],
  async read(ctx, params): Promise<FileState> {
    const info = await ctx.fact(pathFact(params.path));
    const state: FileState = { info, timestamp: backupTimestamp() };
    if (info.type === 'file' && params.content !== undefined) {
      state.content = (await ctx.readFile(params.path))?.toString('utf8') ?? '';
    }
    if (info.type === 'directory' && params.state === 'absent')
      state.empty = await isEmptyDirectory(ctx, params.path);
    return state;
  },
  plan(state, params): Plan {
    const p = params as FileParams;
    const wantedState = params.state ?? 'file';
    if (wantedState !== 'file' && params.content !== undefined) {
      return { changes: [], failed: `content only applies to state file, not ${wantedState}` };
    }
    if (wantedState === 'absent') return planAbsent(state, p);
    if (wantedState === 'directory') return planDirectory(state, p);
    return planFile(state, p);
  },
});
