// The `copy` action: upload a controller file over SFTP next to its destination, then move it in atomically.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { posix, resolve } from 'node:path';
import { Type } from '@sinclair/typebox';
import { StepError } from '../core/errors.js';
import { fileSha256Fact, type PathInfo, pathFact } from '../facts/path.js';
import { sh } from '../transport/command.js';
import { attributeChange, modeSchema } from './lib/file-attributes.js';
import {
  atomicReplaceCommand,
  backupPathFor,
  backupTimestamp,
  restoreBackupCommand,
} from './lib/write-file.js';
import { type Change, defineAction, type Plan } from './types.js';

const copySchema = Type.Object(
  {
    src: Type.String({
      minLength: 1,
      description: 'File on the controller (relative paths: from the working directory)',
    }),
    dest: Type.String({
      pattern: '^/.*[^/]$',
      description: 'Absolute file path on the host (not a directory)',
    }),
    mode: Type.Optional(modeSchema),
    owner: Type.Optional(Type.String({ minLength: 1, description: 'Owner of dest (user name or uid)' })),
    group: Type.Optional(Type.String({ minLength: 1, description: 'Group of dest (name or gid)' })),
    backup: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'Keep the old dest as <dest>.waptops-<timestamp> when replacing it',
      }),
    ),
    resume: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'Upload to a temp name derived from the checksum and continue a cut upload there; verify the SHA-256 before moving it in',
      }),
    ),
  },
  { additionalProperties: false },
);

/** What `copy` reads: dest's stat and SHA-256 on the host, the local file's SHA-256, a backup timestamp. */
export interface CopyState {
  info: PathInfo;
  remoteSha256: string | null;
  localPath: string;
  localSha256: string;
  timestamp: string;
}

/** The lower-case hex SHA-256 of a local file, streamed (the file may be large). */
export async function localSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (e) {
    throw new StepError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return hash.digest('hex');
}

/** Uploads a file when its checksum differs from the host's copy; sets mode/owner/group. */
export const copyAction = defineAction({
  name: 'copy',
  description:
    'Upload a controller file to the host (idempotent by SHA-256; atomic replace, optional backup).',
  schema: copySchema,
  async read(ctx, params): Promise<CopyState> {
    const localPath = resolve(params.src);
    const info = await ctx.fact(pathFact(params.dest));
    const remoteSha256 = info.type === 'file' ? await ctx.fact(fileSha256Fact(params.dest)) : null;
    return {
      info,
      remoteSha256,
      localPath,
      localSha256: await localSha256(localPath),
      timestamp: backupTimestamp(),
    };
  },
  plan(state, params): Plan {
    const { dest } = params;
    const { info } = state;
    if (info.exists && info.type !== 'file')
      return { changes: [], failed: `${dest} is a ${info.type}, not a regular file` };
    if (state.remoteSha256 === state.localSha256) {
      const change = attributeChange(dest, info, params);
      return change ? { changes: [change] } : { changes: [], reason: 'checksum matches' };
    }
    // A resumable temp name is stable across runs and does not end like dest (a scanner skips it).
    const tempName = params.resume
      ? `.waptops-upload.${state.localSha256.slice(0, 16)}.${posix.basename(dest)}.part`
      : `.waptops-upload.${state.timestamp}.${posix.basename(dest)}`;
    const tempPath = posix.join(posix.dirname(dest), tempName);
    const backupPath = params.backup && info.exists ? backupPathFor(dest, state.timestamp) : undefined;
    const sha256 = params.resume ? state.localSha256 : undefined;
    const replace = atomicReplaceCommand({ ...params, path: dest, tempPath, backupPath, sha256 });
    const undo = backupPath
      ? [restoreBackupCommand(dest, backupPath)]
      : info.exists
        ? undefined
        : [sh`rm -f -- ${dest}`];
    const change: Change = {
      summary: `${info.exists ? 'replace' : 'upload'} ${dest} from ${params.src} (sha256 ${state.localSha256.slice(0, 12)})`,
      upload: {
        source: state.localPath,
        path: tempPath,
        mode: 0o600,
        ...(params.resume ? { resume: true } : {}),
      },
      commands: [replace],
      ...(undo ? { undo } : {}),
    };
    return { changes: [change] };
  },
});
