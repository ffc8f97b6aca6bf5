// The `secret_file` action: a controller file (a key) written to the host over stdin only, never shown.
import { Type } from '@sinclair/typebox';
import { Secret } from '../core/secret.js';
import { pathFact } from '../facts/path.js';
import { sh } from '../transport/command.js';
import { modeSchema } from './lib/file-attributes.js';
import { readControllerFile } from './lib/signing-pair-read.js';
import { defineAction, type Plan } from './types.js';

const secretFileSchema = Type.Object(
  {
    src: Type.String({ minLength: 1, description: 'A secret file ON THE CONTROLLER (e.g. a private key)' }),
    dest: Type.String({ pattern: '^/.*[^/]$', description: 'Where it goes on the host (e.g. on tmpfs)' }),
    mode: Type.Optional(modeSchema),
    owner: Type.Optional(
      Type.String({ minLength: 1, description: 'Owner of the file (e.g. the user a tool reads it as)' }),
    ),
  },
  { additionalProperties: false },
);

/** What `secret_file` reads: the controller file as a Secret (or why not), and whether dest already exists. */
export type SecretFileState = { error: string } | { error?: undefined; content: Secret; exists: boolean };

/**
 * Writes a controller file to the host through the command's stdin only (never an SFTP upload, which
 * become stages on disk), created under umask 077 so it is never readable by others, even for a moment.
 */
export const secretFileAction = defineAction({
  name: 'secret_file',
  description:
    'Write a controller file (a key) to the host over stdin only, umask 077, atomically; the content is never shown',
  schema: secretFileSchema,
  async read(ctx, p): Promise<SecretFileState> {
    const bytes = await readControllerFile('secret file', p.src);
    if (typeof bytes === 'string') return { error: bytes };
    const info = await ctx.fact(pathFact(p.dest));
    return { content: new Secret(bytes.toString('utf8')), exists: info.exists };
  },
  plan(state, p): Plan {
    if (state.error !== undefined) return { changes: [], failed: state.error };
    const mode = p.mode ?? '0600';
    // The owner is set before the move, so the file never exists at dest with another owner.
    const write =
      p.owner === undefined
        ? sh`umask 077; set -e; t=$(mktemp ${`${p.dest}.XXXXXX`}); trap 'rm -f -- "$t"' EXIT; cat > "$t"; chmod ${mode} -- "$t"; mv -f -- "$t" ${p.dest}; trap - EXIT`
        : sh`umask 077; set -e; t=$(mktemp ${`${p.dest}.XXXXXX`}); trap 'rm -f -- "$t"' EXIT; cat > "$t"; chmod ${mode} -- "$t"; chown ${p.owner} -- "$t"; mv -f -- "$t" ${p.dest}; trap - EXIT`;
    return {
      changes: [
        {
          summary: `${state.exists ? 'write' : 'create'} ${p.dest} (secret content)`,
          diff: {
            path: p.dest,
            before: state.exists ? '(previous content, not shown)\n' : '',
            after: '(secret content)\n',
          },
          commands: [{ ...write, stdin: state.content }],
          undo: [sh`rm -f -- ${p.dest}`],
        },
      ],
    };
  },
});
