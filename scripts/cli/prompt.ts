// Questions asked on a terminal: a hidden secret prompt and the confirmation of a risky run.
import { createInterface } from 'node:readline';
import { WaptopsError } from '../core/errors.js';

/** Reads a secret from the terminal without echoing it. */
export function promptSecret(name: string, description?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(`${description ? `${description}\n` : ''}${name}: `);
    stdin.setRawMode(true);
    stdin.resume();
    let value = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new WaptopsError('interrupted at the prompt'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** Asks before a `confirm: true` playbook changes hosts; refuses off a terminal. */
export async function confirmRun(
  playbook: string,
  hosts: string[],
  params: Record<string, unknown>,
): Promise<void> {
  if (!process.stdin.isTTY) {
    throw new WaptopsError(
      `${playbook} needs confirmation and this is not a terminal`,
      'run with --check first, then add --yes',
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await new Promise<string>((resolve) =>
    rl.question(
      `${playbook} will change ${hosts.join(', ')} with ${JSON.stringify(params)}.\nType yes to go on: `,
      resolve,
    ),
  );
  rl.close();
  if (answer.trim().toLowerCase() !== 'yes') throw new WaptopsError('not confirmed; nothing was changed');
}
