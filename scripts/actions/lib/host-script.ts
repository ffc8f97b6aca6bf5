// Host scripts: multi-line POSIX sh programs kept as shellchecked `.sh` files beside the actions that send them
// (copied next to the compiled actions by the build), run as `sh -c SCRIPT NAME ARGS...` with quoted arguments.
import { readFileSync } from 'node:fs';
import { argv, type Command } from '../../transport/command.js';

const scripts = new Map<string, string>();

/** The text of scripts/actions/<name>.sh, read once. */
function scriptText(name: string): string {
  let text = scripts.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`../${name}.sh`, import.meta.url), 'utf8');
    scripts.set(name, text);
  }
  return text;
}

/** The command that runs host script `name` with these arguments, each one quoted ($0 is the script's name). */
export function hostScript(name: string, ...args: string[]): Command {
  return argv('sh', '-c', scriptText(name), name, ...args);
}
