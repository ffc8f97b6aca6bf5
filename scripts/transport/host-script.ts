// Host scripts: multi-line POSIX sh programs kept as shellchecked `.sh` files beside the code that sends them
// (the build copies them next to the compiled files), run as `sh -c SCRIPT NAME ARGS...` with quoted arguments.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { argv, type Command } from './command.js';

const scripts = new Map<string, string>();

/** The text of a script file beside the code, read once. */
export function hostScriptText(file: URL): string {
  let text = scripts.get(file.href);
  if (text === undefined) {
    text = readFileSync(file, 'utf8');
    scripts.set(file.href, text);
  }
  return text;
}

/**
 * The command that runs a host script (e.g. `new URL('./tree-copy.sh', import.meta.url)`) with these
 * arguments, each one quoted; $0 is the script's name without `.sh`.
 */
export function hostScript(file: URL, ...args: string[]): Command {
  return argv('sh', '-c', hostScriptText(file), path.basename(fileURLToPath(file), '.sh'), ...args);
}
