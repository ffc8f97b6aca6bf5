// The `move` action: rename a path within one filesystem, never overwriting; done already when only the target exists.
import { Type } from '@sinclair/typebox';
import { type PathInfo, pathFact } from '../facts/path.js';
import { type Command, sh } from '../transport/command.js';
import { defineAction, type Plan } from './types.js';

const moveSchema = Type.Object(
  {
    from: Type.String({ pattern: '^/.*[^/]$', description: 'Absolute path to rename' }),
    to: Type.String({
      pattern: '^/.*[^/]$',
      description: 'Absolute new name, on the same filesystem (a rename, not a copy)',
    }),
  },
  { additionalProperties: false },
);

/** What `move` reads: both paths as stat sees them. */
export interface MoveState {
  from: PathInfo;
  to: PathInfo;
}

/**
 * Renames `a` to `b` only if `b` does not exist: `mv -T -n` refuses to overwrite but exits 0 when it
 * skips, so the command checks afterwards that `a` is gone and `b` exists (a rename across filesystems
 * would copy, so `-T` plus a same-device test keep it a rename).
 */
function renameCommand(a: string, b: string): Command {
  return sh`a=${a} b=${b}; if [ -e "$b" ] || [ -L "$b" ]; then echo "move: $b already exists" >&2; exit 1; fi; \
[ "$(stat -c %d -- "$a")" = "$(stat -c %d -- "$(dirname -- "$b")")" ] || { echo "move: $a and $b are on different filesystems" >&2; exit 1; }; \
mv -T -n -- "$a" "$b" && [ ! -e "$a" ] && [ -e "$b" ]`;
}

/** Moves back, idempotently: only when the new name exists and the old one does not. */
function renameBackCommand(a: string, b: string): Command {
  return sh`if { [ -e ${b} ] || [ -L ${b} ]; } && [ ! -e ${a} ] && [ ! -L ${a} ]; then mv -T -n -- ${b} ${a}; fi`;
}

/** Renames a path (a directory such as /var/www) without overwriting; undo renames it back. */
export const moveAction = defineAction({
  name: 'move',
  description:
    'Rename a path on the same filesystem, refusing to overwrite; ok when already moved; undo moves it back',
  schema: moveSchema,
  async read(ctx, params): Promise<MoveState> {
    return { from: await ctx.fact(pathFact(params.from)), to: await ctx.fact(pathFact(params.to)) };
  },
  plan(state, params): Plan {
    const { from, to } = params;
    if (state.from.exists && state.to.exists)
      return {
        changes: [],
        failed: `both ${from} and ${to} exist; refusing to overwrite ${to} (look at both and remove the wrong one)`,
      };
    if (!state.from.exists && !state.to.exists)
      return { changes: [], failed: `neither ${from} nor ${to} exists: nothing to move` };
    if (!state.from.exists) return { changes: [], reason: `already moved: ${to} exists, ${from} does not` };
    return {
      changes: [
        {
          summary: `rename ${from} to ${to}`,
          commands: [renameCommand(from, to)],
          undo: [renameBackCommand(from, to)],
        },
      ],
    };
  },
});
