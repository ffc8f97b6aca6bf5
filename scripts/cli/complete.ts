// `waptops __complete SHELL CURRENT LINE`: the candidates for the last word of LINE, one a line, for the
// completion scripts. Commands and options are read from the commander program itself, runbooks from the
// playbooks directory, hosts and groups from the inventory `-i` names (or the default one).
import type { Command, Option } from 'commander';
import { inventoryPath, playbookPath, runbookNames } from './paths.js';

/** What the words before the current one say: the command, its operands, an option waiting for its value. */
interface LineState {
  command: Command;
  operands: string[];
  pending?: Option;
  inventory?: string;
}

/** Splits a command line into words as a shell would for plain words and quotes; a trailing space starts a new one. */
export function splitLine(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += c;
    } else if (c === ' ' || c === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word ??= '';
      if (c === "'" || c === '"') quote = c;
      else if (c === '\\' && i + 1 < line.length) word += line[++i];
      else word += c;
    }
  }
  words.push(word ?? '');
  return words;
}

const takesValue = (o: Option) => o.required || o.optional;

function findOption(cmd: Command, flag: string): Option | undefined {
  for (let c: Command | null = cmd; c; c = c.parent) {
    const o = c.options.find((x) => x.long === flag || x.short === flag);
    if (o) return o;
  }
  return undefined;
}

function lineState(program: Command, done: string[]): LineState {
  const state: LineState = { command: program, operands: [] };
  for (const word of done) {
    if (state.pending) {
      if (state.pending.attributeName() === 'inventory') state.inventory = word;
      state.pending = undefined;
    } else if (word.startsWith('-') && word.length > 1) {
      const eq = word.indexOf('=');
      const o = findOption(state.command, eq > 0 ? word.slice(0, eq) : word);
      if (o && eq > 0 && o.attributeName() === 'inventory') state.inventory = word.slice(eq + 1);
      else if (o && eq < 0 && takesValue(o)) state.pending = o;
    } else {
      const sub = state.operands.length === 0 && state.command.commands.find((c) => c.name() === word);
      if (sub) state.command = sub;
      else state.operands.push(word);
    }
  }
  return state;
}

// The loaders (yaml, ajv) are imported only when a candidate needs them: completing a command name stays fast.
async function inventoryNames(state: LineState, withGroups: boolean): Promise<string[]> {
  const { loadInventory } = await import('../engine/load/load-inventory.js');
  const inventory = loadInventory(inventoryPath(state.inventory));
  return [...inventory.hosts.keys(), ...(withGroups ? inventory.groups.keys() : [])];
}

/** `--limit a,!b,c`: the last item of the list is completed, `!` kept. */
async function limitValues(state: LineState, value: string): Promise<string[]> {
  const head = value.slice(0, value.lastIndexOf(',') + 1);
  const item = value.slice(head.length);
  const bang = item.startsWith('!') ? '!' : '';
  return (await inventoryNames(state, true)).map((n) => `${head}${bang}${n}`);
}

/** `-e name=value` and `--secret-file name=PATH`: the runbook's param names, then known values. */
async function paramValues(state: LineState, value: string, secret: boolean): Promise<string[]> {
  const runbook = state.command.name() === 'run' ? state.operands[0] : undefined;
  if (!runbook) return [];
  const { loadPlaybook } = await import('../engine/load/load-playbook.js');
  const params = Object.entries(loadPlaybook(playbookPath(runbook)).params).filter(
    ([, spec]) => Boolean(spec.secret) === secret,
  );
  const eq = value.indexOf('=');
  if (eq < 0) return params.map(([name]) => `${name}=`);
  const spec = params.find(([name]) => name === value.slice(0, eq))?.[1];
  const known = spec?.type === 'boolean' ? [true, false] : Array.isArray(spec?.enum) ? spec.enum : [];
  return known.map((v) => `${value.slice(0, eq)}=${String(v)}`);
}

async function optionValues(state: LineState, o: Option, value: string): Promise<string[]> {
  switch (o.attributeName()) {
    case 'limit':
      return limitValues(state, value);
    case 'extra':
      return paramValues(state, value, false);
    case 'secretFile':
      return paramValues(state, value, true);
    case 'shard':
      return ['auto'];
    default:
      return [];
  }
}

/** The names of the subcommands help shows (hidden ones left out). */
function visibleCommands(cmd: Command): string[] {
  return cmd
    .createHelp()
    .visibleCommands(cmd)
    .map((c) => c.name());
}

async function operandValues(state: LineState): Promise<string[]> {
  const subs = visibleCommands(state.command);
  if (subs.length > 0 && state.operands.length === 0) return subs;
  const args = state.command.registeredArguments;
  const arg = args[Math.min(state.operands.length, args.length - 1)];
  if (!arg || (state.operands.length >= args.length && !arg.variadic)) return [];
  switch (arg.name()) {
    case 'playbook':
      return runbookNames();
    case 'host':
      return inventoryNames(state, false);
    case 'topic':
      return [...(state.command.parent ? visibleCommands(state.command.parent) : []), ...runbookNames()];
    case 'shell':
      return ['bash', 'zsh'];
    default:
      return [];
  }
}

/** Every candidate for the last word of `words` (words[0] is the program), filtered by what is typed. */
export async function candidates(program: Command, words: string[]): Promise<string[]> {
  const current = words.at(-1) ?? '';
  const state = lineState(program, words.slice(1, -1));
  let found: string[];
  if (state.pending) found = await optionValues(state, state.pending, current);
  else if (current.startsWith('--') && current.includes('=')) {
    const flag = current.slice(0, current.indexOf('='));
    const o = findOption(state.command, flag);
    const values = o ? await optionValues(state, o, current.slice(flag.length + 1)) : [];
    found = values.map((v) => `${flag}=${v}`);
  } else if (current.startsWith('-')) {
    const options = state.command.createHelp().visibleOptions(state.command);
    found = options.flatMap((o) => (o.long ? [o.long] : []));
  } else found = await operandValues(state);
  return [...new Set(found)].filter((c) => c.startsWith(current));
}

/** Prints the candidates; for bash, cut to the part after bash's own word break (`=`, `:`). Never fails. */
export async function completeCommand(program: Command, args: string[]): Promise<void> {
  const [shell, typed = '', line = ''] = args;
  const words = splitLine(line);
  const current = words.at(-1) ?? '';
  let found: string[] = [];
  try {
    found = await candidates(program, words);
  } catch {
    // an unreadable inventory or playbook: nothing to offer, the shell falls back to file names
  }
  const cut = shell === 'bash' && current.endsWith(typed) ? current.length - typed.length : 0;
  process.stdout.write(found.map((c) => `${c.slice(cut)}\n`).join(''));
}
