// `waptops completion bash|zsh`: prints the completion script kept beside this file (completion/).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ValidationError } from '../core/errors.js';

const SHELLS = ['bash', 'zsh'];

/** Prints the completion script of `shell`; another shell is a usage error. */
export function completionCommand(shell: string): void {
  if (!SHELLS.includes(shell)) {
    throw new ValidationError([{ path: 'completion', message: `expected bash or zsh, got '${shell}'` }]);
  }
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'completion');
  process.stdout.write(readFileSync(path.join(dir, `waptops.${shell}`), 'utf8'));
}
