// The `fstab` action: one entry per mount point, duplicates collapsed, checked by findmnt before it replaces fstab.
import { Type } from '@sinclair/typebox';
import { type Command, raw, sh } from '../transport/command.js';
import { type FstabEntry, normalizeMountPoint, removeFstabEntries, setFstabEntry } from './lib/fstab-edit.js';
import {
  atomicWriteCommand,
  backupPathFor,
  backupTimestamp,
  restoreBackupCommand,
} from './lib/write-file.js';
import { type Change, defineAction, type Plan } from './types.js';

const SRC_PATTERN = '^(UUID|LABEL|PARTUUID)=[^\\s]+$';

const fstabSchema = Type.Object(
  {
    path: Type.String({ pattern: '^/', description: 'Mount point, e.g. /var/www' }),
    src: Type.Optional(
      Type.String({
        pattern: SRC_PATTERN,
        errorMessage:
          "must be UUID=..., LABEL=... or PARTUUID=... (a /dev/... name can change at the next boot; see 'blkid')",
        description:
          'Filesystem to mount: UUID=..., LABEL=... or PARTUUID=... (never /dev/..., which can change)',
      }),
    ),
    fstype: Type.Optional(
      Type.String({ pattern: '^[a-z0-9._]+$', description: 'Filesystem type, e.g. ext4 or xfs' }),
    ),
    opts: Type.Optional(
      Type.String({ pattern: '^\\S+$', default: 'defaults', description: 'Mount options' }),
    ),
    dump: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 1, default: 0, description: 'dump field (0 or 1)' }),
    ),
    passno: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 2,
        default: 2,
        description: 'fsck order: 1 for /, 2 for others, 0 none',
      }),
    ),
    state: Type.Optional(
      Type.Union([Type.Literal('present'), Type.Literal('absent')], {
        default: 'present',
        description: 'present: exactly one line for the mount point; absent: none',
      }),
    ),
    file: Type.Optional(
      Type.String({ pattern: '^/', default: '/etc/fstab', description: 'fstab file to edit' }),
    ),
    backup: Type.Optional(
      Type.Boolean({ default: true, description: 'Copy the old file to <file>.waptops-<timestamp> first' }),
    ),
  },
  { additionalProperties: false },
);

/** What `fstab` reads: the file's text (empty when missing) and the timestamp for the backup name. */
export interface FstabState {
  exists: boolean;
  text: string;
  timestamp: string;
}

/** Checks the temp file `"$t"` with findmnt (util-linux >= 2.29) or, on older systems, counts fields. */
const verifyFstab: Command = raw(
  'if findmnt --help 2>&1 | grep -q -- --verify; then findmnt --verify --tab-file "$t" >&2; ' +
    `else awk '!/^[ \\t]*(#|$)/ && (NF < 4 || NF > 6) { print "line " NR ": expected 4 to 6 fields"; bad = 1 } END { exit bad }' "$t" >&2; fi`,
);

/** Makes systemd regenerate its mount units from fstab, when systemd is the init system. */
const daemonReload: Command = raw('if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi');

function entryFrom(params: {
  path: string;
  src: string;
  fstype: string;
  opts?: string;
  dump?: number;
  passno?: number;
}): FstabEntry {
  return {
    spec: params.src,
    file: normalizeMountPoint(params.path),
    vfstype: params.fstype,
    mntops: params.opts ?? 'defaults',
    freq: params.dump ?? 0,
    passno: params.passno ?? 2,
  };
}

function summaryFor(present: boolean, mountPoint: string, found: number): string {
  if (!present)
    return `remove ${found === 1 ? 'the fstab entry' : `${found} fstab entries`} for ${mountPoint}`;
  if (found === 0) return `add fstab entry for ${mountPoint}`;
  if (found === 1) return `update fstab entry for ${mountPoint}`;
  return `replace ${found} fstab entries for ${mountPoint} with one`;
}

/** Adds, updates (collapsing duplicates) or removes the fstab entry of one mount point. */
export const fstabAction = defineAction({
  name: 'fstab',
  description:
    'One fstab entry per mount point (by UUID/LABEL/PARTUUID), verified with findmnt before it is written.',
  schema: fstabSchema,
  async read(ctx, params): Promise<FstabState> {
    const bytes = await ctx.readFile(params.file ?? '/etc/fstab');
    return { exists: bytes !== undefined, text: bytes?.toString('utf8') ?? '', timestamp: backupTimestamp() };
  },
  plan(state, params): Plan {
    const file = params.file ?? '/etc/fstab';
    const mountPoint = normalizeMountPoint(params.path);
    const present = (params.state ?? 'present') === 'present';
    if (present && (!params.src || !params.fstype)) {
      return { changes: [], failed: 'state present needs src and fstype' };
    }
    const edit = present
      ? setFstabEntry(
          state.text,
          entryFrom({ ...params, src: params.src as string, fstype: params.fstype as string }),
        )
      : removeFstabEntries(state.text, mountPoint);
    if (!edit.changed) {
      return {
        changes: [],
        reason: present ? `${mountPoint} already in ${file}` : `no entry for ${mountPoint} in ${file}`,
      };
    }
    const backupPath =
      (params.backup ?? true) && state.exists ? backupPathFor(file, state.timestamp) : undefined;
    const write = atomicWriteCommand({ path: file, content: edit.text, backupPath, verify: verifyFstab });
    const restore = backupPath
      ? restoreBackupCommand(file, backupPath)
      : state.exists
        ? undefined
        : sh`rm -f -- ${file}`;
    const change: Change = {
      summary: summaryFor(present, mountPoint, edit.found),
      diff: { path: file, before: state.text, after: edit.text },
      commands: [write, daemonReload],
      ...(restore ? { undo: [restore, daemonReload] } : {}),
    };
    return { changes: [change], data: { backup: backupPath ?? null } };
  },
});
