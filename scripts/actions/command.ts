// The `command` (argv, never through a shell of the user's making) and `shell` (explicit `sh -c`) actions.
import { Type } from '@sinclair/typebox';
import { pathFact } from '../facts/path.js';
import {
  argv,
  type Command,
  type CommandPart,
  displayCommand,
  joinCommands,
  type Secret,
  sh,
  withStdin,
} from '../transport/command.js';
import { type ActionContext, type Change, defineAction, type Plan } from './types.js';

/** What the guards found: whether `creates` exists and how `unless` exited (null = not run). */
export interface GuardState {
  createsExists: boolean;
  unlessExitCode: number | null;
}

const createsParam = Type.String({
  pattern: '^/',
  description: 'Skip the command when this absolute path exists',
});
const stdinParam = Type.String({ description: "Text sent on the command's stdin (may be a secret param)" });

const commandSchema = Type.Object(
  {
    argv: Type.Array(Type.String(), {
      minItems: 1,
      description: 'Program and arguments; each is quoted, no shell syntax',
    }),
    creates: Type.Optional(createsParam),
    unless: Type.Optional(
      Type.Array(Type.String(), {
        minItems: 1,
        description: 'argv of a check; skip the command when it exits 0',
      }),
    ),
    chdir: Type.Optional(
      Type.String({ pattern: '^/', description: 'Directory to run in (also for `unless`)' }),
    ),
    stdin: Type.Optional(stdinParam),
    expect_codes: Type.Optional(
      Type.Array(Type.Integer({ minimum: 0, maximum: 255 }), {
        minItems: 1,
        default: [0],
        description: 'Exit statuses that count as success',
      }),
    ),
  },
  { additionalProperties: false },
);

const shellSchema = Type.Object(
  {
    script: Type.String({ minLength: 1, description: 'Shell script run with `sh -c` (POSIX sh, not bash)' }),
    creates: Type.Optional(createsParam),
    unless: Type.Optional(
      Type.String({ minLength: 1, description: 'Shell check; skip the script when it exits 0' }),
    ),
    stdin: Type.Optional(stdinParam),
  },
  { additionalProperties: false },
);

function inDirectory(cmd: Command, chdir: string | undefined): Command {
  return chdir ? joinCommands('&&', sh`cd -- ${chdir}`, cmd) : cmd;
}

/** Wraps a command so that any of `codes` exits 0 and anything else fails with its own status (0 becomes 1). */
function acceptingCodes(cmd: Command, codes: number[]): Command {
  if (codes.length === 1 && codes[0] === 0) return cmd;
  const list = codes.map((c) => String(Math.trunc(c))).join('|');
  const parts: CommandPart[] = [
    { kind: 'literal', text: '{ ' },
    ...cmd.parts,
    {
      kind: 'literal',
      text: `; }; rc=$?; case $rc in ${list}) exit 0;; esac; echo "exit status $rc is not in expect_codes (${list})" >&2; [ $rc -ne 0 ] || exit 1; exit $rc`,
    },
  ];
  return { parts };
}

async function readGuards(
  ctx: ActionContext,
  creates: string | undefined,
  unless: Command | undefined,
): Promise<GuardState> {
  const createsExists = creates ? (await ctx.fact(pathFact(creates))).exists : false;
  const unlessExitCode = !createsExists && unless ? (await ctx.run(unless)).code : null;
  return { createsExists, unlessExitCode };
}

function shorten(text: string, max = 120): string {
  const line = text.split('\n')[0] as string;
  return line.length > max || line !== text ? `${line.slice(0, max)}…` : line;
}

function planRun(state: GuardState, creates: string | undefined, summary: string, cmd: Command): Plan {
  if (state.createsExists) return { changes: [], reason: `\`${creates}\` exists` };
  if (state.unlessExitCode === 0) return { changes: [], reason: '`unless` command succeeded' };
  const change: Change = { summary, commands: [cmd] };
  return { changes: [change] };
}

function withOptionalStdin(cmd: Command, stdin: string | Secret | undefined): Command {
  return stdin === undefined ? cmd : withStdin(cmd, stdin);
}

/** Runs a program with arguments (each quoted), unless `creates` exists or `unless` succeeds. */
export const commandAction = defineAction({
  name: 'command',
  description: 'Run a program with arguments on the host (no shell); guards: creates, unless',
  schema: commandSchema,
  secretParams: ['stdin'],
  read: (ctx, p) =>
    readGuards(ctx, p.creates, p.unless ? inDirectory(argv(...p.unless), p.chdir) : undefined),
  plan(state, p) {
    const cmd = acceptingCodes(inDirectory(argv(...p.argv), p.chdir), p.expect_codes ?? [0]);
    const summary = `run ${shorten(displayCommand(argv(...p.argv)))}`;
    return planRun(state, p.creates, summary, withOptionalStdin(cmd, p.stdin as string | Secret | undefined));
  },
});

/** Runs a shell script with `sh -c` (the explicit opt-in to shell syntax), with the same guards. */
export const shellAction = defineAction({
  name: 'shell',
  description: 'Run a POSIX shell script with sh -c on the host; guards: creates, unless',
  schema: shellSchema,
  secretParams: ['stdin'],
  read: (ctx, p) => readGuards(ctx, p.creates, p.unless ? argv('sh', '-c', p.unless) : undefined),
  plan(state, p) {
    const cmd = withOptionalStdin(argv('sh', '-c', p.script), p.stdin as string | Secret | undefined);
    return planRun(state, p.creates, `run sh -c ${shorten(p.script, 80)}`, cmd);
  },
});
