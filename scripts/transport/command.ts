// Commands as structures: literal parts, quoted arguments and secrets that never print.
import { isSecret, type Secret } from '../core/secret.js';

/** One piece of a command line: shell syntax written by waptops, or an argument to quote. */
export type CommandPart = { kind: 'literal'; text: string } | { kind: 'arg'; text: string };

/** A command to run on a host through `sh`; stdin may carry a secret. */
export interface Command {
  parts: CommandPart[];
  stdin?: string | Buffer | Secret;
  /** What people see in place of the text (e.g. a script's file name and arguments, not its whole body). */
  label?: string;
}

/** Quotes a string for POSIX sh with single quotes (works in dash, not only bash). */
export function shQuote(s: string): string {
  if (s !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Builds a command from an argv list: every element is quoted. */
export function argv(...args: string[]): Command {
  const parts: CommandPart[] = [];
  for (const [i, a] of args.entries()) {
    if (i > 0) parts.push({ kind: 'literal', text: ' ' });
    parts.push({ kind: 'arg', text: a });
  }
  return { parts };
}

/** Tagged template: the literal text is shell syntax, every `${value}` is one quoted argument. */
export function sh(strings: TemplateStringsArray, ...values: (string | number | string[])[]): Command {
  const parts: CommandPart[] = [];
  strings.forEach((s, i) => {
    if (s) parts.push({ kind: 'literal', text: s });
    if (i < values.length) {
      const v = values[i];
      const list = Array.isArray(v) ? v : [String(v)];
      list.forEach((a, j) => {
        if (j > 0) parts.push({ kind: 'literal', text: ' ' });
        parts.push({ kind: 'arg', text: a });
      });
    }
  });
  return { parts };
}

/** Shell code written by waptops itself (never user input). */
export function raw(text: string): Command {
  return { parts: [{ kind: 'literal', text }] };
}

/** Joins commands with a shell operator, e.g. `&&` or `|`. */
export function joinCommands(op: string, ...cmds: Command[]): Command {
  const parts: CommandPart[] = [];
  cmds.forEach((c, i) => {
    if (i > 0) parts.push({ kind: 'literal', text: ` ${op} ` });
    parts.push(...c.parts);
  });
  const stdin = cmds.find((c) => c.stdin !== undefined)?.stdin;
  return stdin === undefined ? { parts } : { parts, stdin };
}

/** Returns a copy of the command that reads the given stdin. */
export function withStdin(c: Command, stdin: string | Buffer | Secret): Command {
  return { ...c, stdin };
}

/** The shell text to execute. */
export function renderCommand(c: Command): string {
  return c.parts.map((p) => (p.kind === 'literal' ? p.text : shQuote(p.text))).join('');
}

/** The text to show a person: the same as executed, stdin summarised, secrets masked. */
export function displayCommand(c: Command): string {
  const text = c.label ?? renderCommand(c);
  if (c.stdin === undefined) return text;
  if (isSecret(c.stdin)) return `${text} <<< ***`;
  return `${text} <<< (${Buffer.byteLength(c.stdin)} bytes)`;
}

/** The stdin bytes to send, revealing a secret only here. */
export function stdinBytes(c: Command): Buffer | undefined {
  if (c.stdin === undefined) return undefined;
  if (isSecret(c.stdin)) return Buffer.from(c.stdin.reveal());
  return Buffer.isBuffer(c.stdin) ? c.stdin : Buffer.from(c.stdin);
}
