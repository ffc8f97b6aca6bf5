// What the `command` and `shell` actions share: the `creates`/`unless` guards, stdin, and the guarded plan.
import { Type } from '@sinclair/typebox';
import type { Secret } from '../../core/secret.js';
import { pathFact } from '../../facts/path.js';
import { type Command, withStdin } from '../../transport/command.js';
import type { ActionContext, Change, Plan } from '../types.js';

/** What the guards found: whether `creates` exists and how `unless` exited (null = not run). */
export interface GuardState {
  createsExists: boolean;
  unlessExitCode: number | null;
}

/** The `creates` guard: skip when this path exists. */
export const createsParam = Type.String({
  pattern: '^/',
  description: 'Skip the command when this absolute path exists',
});
/** Text for the command's stdin. */
export const stdinParam = Type.String({
  description: "Text sent on the command's stdin (may be a secret param)",
});

/** Reads the guards: whether `creates` exists, else how `unless` exits. */
export async function readGuards(
  ctx: ActionContext,
  creates: string | undefined,
  unless: Command | undefined,
): Promise<GuardState> {
  const createsExists = creates ? (await ctx.fact(pathFact(creates))).exists : false;
  const unlessExitCode = !createsExists && unless ? (await ctx.run(unless)).code : null;
  return { createsExists, unlessExitCode };
}

/** The first line of a command or script, cut at `max` characters. */
export function shorten(text: string, max = 120): string {
  const line = text.split('\n')[0] as string;
  return line.length > max || line !== text ? `${line.slice(0, max)}…` : line;
}

/** The plan of a guarded run: nothing when a guard holds, else the one change. */
export function planRun(state: GuardState, creates: string | undefined, summary: string, cmd: Command): Plan {
  if (state.createsExists) return { changes: [], reason: `\`${creates}\` exists` };
  if (state.unlessExitCode === 0) return { changes: [], reason: '`unless` command succeeded' };
  const change: Change = { summary, commands: [cmd] };
  return { changes: [change] };
}

/** The command with `stdin` attached when one is given. */
export function withOptionalStdin(cmd: Command, stdin: string | Secret | undefined): Command {
  return stdin === undefined ? cmd : withStdin(cmd, stdin);
}
