// The `shell` action: a script run with `sh -c`, the explicit opt-in to shell syntax.
import { Type } from '@sinclair/typebox';
import type { Secret } from '../core/secret.js';
import { argv } from '../transport/command.js';
import {
  createsParam,
  planRun,
  readGuards,
  shorten,
  stdinParam,
  withOptionalStdin,
} from './lib/guarded-run.js';
import { defineAction } from './types.js';

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
