// The `command` action: a program with arguments, each quoted, never through a shell of the user's making.
import { Type } from '@sinclair/typebox';
import type { Secret } from '../core/secret.js';
import {
  argv,
  type Command,
  type CommandPart,
  displayCommand,
  joinCommands,
  sh,
} from '../transport/command.js';
import {
  createsParam,
  planRun,
  readGuards,
  shorten,
  stdinParam,
  withOptionalStdin,
} from './lib/guarded-run.js';
import { defineAction } from './types.js';

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
