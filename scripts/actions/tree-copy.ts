// The `tree_copy` action: the contents of one directory copied into another with everything preserved, then verified.
import { Type } from '@sinclair/typebox';
import { formatBytes } from '../core/bytes.js';
import {
  clearTreeCommand,
  copyProgressCommand,
  treeCopyCommand,
  treeSummaryCommand,
  treeVerifyCommand,
  usedBytesCommand,
} from './lib/tree-copy-script.js';
import { type ActionContext, type Change, defineAction, type Plan } from './types.js';

const treeCopySchema = Type.Object(
  {
    src: Type.String({ pattern: '^/', description: 'Directory whose contents are copied' }),
    dest: Type.String({ pattern: '^/', description: 'Existing directory receiving them (e.g. a new mount)' }),
    undo_clear: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'dest belongs to the copy: emptied (except lost+found) before copying, and by the undo; it must then equal src exactly',
      }),
    ),
  },
  { additionalProperties: false },
);

/** Entries, regular files and their bytes in a tree (top-level lost+found left out), and du's bytes. */
export interface TreeSummary {
  entries: number;
  files: number;
  bytes: number;
  /** Bytes allocated (`du -sxB1`): what the copy adds to dest's filesystem. */
  used: number;
}

/** What `tree_copy` reads: both trees (null when not a directory), dest's filesystem use, a verification if dest looks done. */
export interface TreeCopyState {
  src: TreeSummary | null;
  dest: TreeSummary | null;
  /** Bytes used on dest's filesystem now: the baseline of the progress command. */
  destFsUsed: number;
  /** The `verified N files, B bytes` line when dest already holds a verified copy; null when not checked or not equal. */
  verified: string | null;
  /** A --check run: dest may not exist yet because an earlier step (a mount) only planned to create it. */
  check: boolean;
}

async function summaryOf(ctx: ActionContext, path: string): Promise<TreeSummary | null> {
  const r = await ctx.run(treeSummaryCommand(path));
  const m = /^(\d+) (\d+) (\d+)\n(\d+)\s*$/.exec(r.stdout);
  if (r.code !== 0 || !m) return null;
  const [entries, files, bytes, used] = m.slice(1).map(Number) as [number, number, number, number];
  return { entries, files, bytes, used };
}

/**
 * When dest already looks like a finished copy (same entries and bytes, or at least as many when dest may
 * hold other files), the full verification runs here, read-only: a second run after success is "ok, no
 * change" only once every checksum matched, never on counts alone. No marker file: dest becomes the repository.
 */
function looksCopied(src: TreeSummary, dest: TreeSummary, owned: boolean): boolean {
  if (owned) return dest.entries === src.entries && dest.bytes === src.bytes;
  return dest.entries >= src.entries && dest.bytes >= src.bytes && src.entries > 0;
}

/** Copies a directory's contents (owners, modes, times, hard links, ACLs, xattrs, labels) and verifies every file. */
export const treeCopyAction = defineAction({
  name: 'tree_copy',
  description:
    'Copy the contents of a directory into another (cp -a --preserve=all), then verify count, bytes, metadata and a checksum of every file',
  schema: treeCopySchema,
  async read(ctx, params): Promise<TreeCopyState> {
    const owned = params.undo_clear ?? false;
    const src = await summaryOf(ctx, params.src);
    const dest = await summaryOf(ctx, params.dest);
    const df = await ctx.run(usedBytesCommand(params.dest));
    const destFsUsed = df.code === 0 ? Number(df.stdout.trim()) || 0 : 0;
    let verified: string | null = null;
    if (src && dest && looksCopied(src, dest, owned)) {
      const strict = dest.entries === src.entries;
      const r = await ctx.run(treeVerifyCommand({ src: params.src, dest: params.dest, strict }));
      if (r.code === 0) verified = r.stdout.trim().split('\n').pop() ?? null;
    }
    return { src, dest, destFsUsed, verified, check: ctx.check };
  },
  plan(state, params): Plan {
    const { src } = state;
    if (!src) return { changes: [], failed: `source ${params.src} is not a readable directory` };
    const dest = state.dest ?? (state.check ? { entries: 0, files: 0, bytes: 0, used: 0 } : null);
    if (!dest)
      return {
        changes: [],
        failed: `destination ${params.dest} is not a directory; create or mount it first`,
      };
    const data = { files: src.files, bytes: src.bytes };
    if (state.verified) {
      return {
        changes: [],
        reason: `${params.dest} already holds a copy of ${params.src}: ${state.verified}`,
        data,
      };
    }
    const owned = params.undo_clear ?? false;
    const leftover =
      dest.entries === 0
        ? ''
        : owned
          ? ` (first removing the ${dest.entries} entries already in ${params.dest})`
          : ` (over the ${dest.entries} entries, ${formatBytes(dest.bytes, { trimZeros: true })}, already in ${params.dest}: kept)`;
    const change: Change = {
      summary: `copy ${params.src} -> ${params.dest} (${src.files} files, ${formatBytes(src.bytes, { unit: 'GiB', decimals: 2 })}) and verify${leftover}`,
      commands: [
        treeCopyCommand({
          src: params.src,
          dest: params.dest,
          clear: owned,
          strict: owned || dest.entries === 0,
        }),
      ],
      progress: { command: copyProgressCommand(params.dest, state.destFsUsed), total: src.used },
      ...(owned ? { undo: [clearTreeCommand(params.dest)] } : {}),
    };
    return { changes: [change], data };
  },
});
