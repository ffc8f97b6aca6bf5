// The `script` action: a POSIX sh file kept beside the playbook (shellchecked by `make lint`), sent to the host
// as `sh -c SCRIPT NAME ARGS...` with every argument quoted, with the same guards as `command`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import type { Secret } from '../core/secret.js';
import { argv, displayCommand } from '../transport/command.js';
import {
  createsParam,
  type GuardState,
  planRun,
  readGuards,
  shorten,
  stdinParam,
  withOptionalStdin,
} from './lib/guarded-run.js';
import { defineAction } from './types.js';

const scriptSchema = Type.Object(
  {
    file: Type.String({
      pattern: '\\.sh$',
      description:
        "A .sh file on the controller, relative to the playbook's folder (e.g. scripts/served-sha256.sh)",
    }),
    args: Type.Optional(
      Type.Array(Type.String(), { description: "The script's arguments ($1, $2, ...), each quoted" }),
    ),
    creates: Type.Optional(createsParam),
    stdin: Type.Optional(stdinParam),
  },
  { additionalProperties: false },
);

/** What `script` reads: the guard, and the script's text from the controller. */
export interface ScriptState extends GuardState {
  text: string;
}

/** Runs a shell script file from beside the playbook on the host, unless `creates` exists. */
export const scriptAction = defineAction({
  name: 'script',
  description:
    "Run a .sh file from the playbook's folder on the host with sh -c and quoted arguments; guard: creates",
  schema: scriptSchema,
  secretParams: ['stdin'],
  playbookFiles: ['file'],
  async read(ctx, p): Promise<ScriptState> {
    const guards = await readGuards(ctx, p.creates, undefined);
    return { ...guards, text: readFileSync(p.file, 'utf8') };
  },
  plan(state, p) {
    const name = path.basename(p.file, '.sh');
    const args = p.args ?? [];
    const label = `${path.basename(p.file)} ${displayCommand(argv(...args))}`;
    const cmd = withOptionalStdin(
      { ...argv('sh', '-c', state.text, name, ...args), label },
      p.stdin as string | Secret | undefined,
    );
    return planRun(state, p.creates, `run ${shorten(label)}`, cmd);
  },
});
