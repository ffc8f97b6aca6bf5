// OpenSSH client config files (~/.ssh/config) read into ordered entries with file:line, Includes opened in place.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import SSHConfig, { type Directive, type Line, LineType } from 'ssh-config';
import { ValidationError } from '../core/errors.js';

/** Where a line of an ssh config file is. */
export interface ConfigWhere {
  file: string;
  line: number;
}
/** An option line (keyword lower-cased, its arguments). */
export interface ConfigOption extends ConfigWhere {
  kind: 'option';
  key: string;
  values: string[];
}
/** A `Host` line and its patterns. */
export interface ConfigHost extends ConfigWhere {
  kind: 'host';
  patterns: string[];
}
/** A `Match` line: its criteria, or null when one of them is not evaluated (then it never matches). */
export interface ConfigMatch extends ConfigWhere {
  kind: 'match';
  criteria: { negate: boolean; name: string; patterns: string }[] | null;
}
/** The entries of the files an `Include` names, evaluated in place. */
export interface ConfigInclude extends ConfigWhere {
  kind: 'include';
  entries: ConfigEntry[];
}
/** One entry of a config, in file order. */
export type ConfigEntry = ConfigOption | ConfigHost | ConfigMatch | ConfigInclude;

/** A read ssh config: its entries, and one warning line per thing it holds that waptops does not evaluate. */
export interface SshConfigFile {
  file: string;
  entries: ConfigEntry[];
  warnings: string[];
}

/** Match criteria waptops evaluates; any other makes its block never apply (with a warning). */
const MATCH_CRITERIA = new Set(['all', 'host', 'originalhost', 'user', 'localuser']);
/** OpenSSH's limit on nested Includes. */
const MAX_INCLUDE_DEPTH = 16;

function valuesOf(value: Directive['value']): string[] {
  return Array.isArray(value) ? value.map((v) => v.val) : [value];
}

/** 1-based line numbers of the directives in `text`, in order (the parser keeps no positions). */
function directiveLines(text: string): { keyword: string; line: number }[] {
  return text
    .split('\n')
    .map((raw, i) => ({ keyword: /^\s*([A-Za-z]+)/.exec(raw)?.[1]?.toLowerCase() ?? '', line: i + 1 }))
    .filter((d) => d.keyword !== '');
}

/** Include arguments to files: `~` expanded, relative to ~/.ssh, `*`/`?` in the last part globbed. */
function includedFiles(arg: string, where: ConfigWhere, warnings: string[]): string[] {
  const expanded = arg.startsWith('~/') ? path.join(homedir(), arg.slice(2)) : arg;
  const full = path.isAbsolute(expanded) ? expanded : path.join(homedir(), '.ssh', expanded);
  const dir = path.dirname(full);
  const base = path.basename(full);
  if (/[*?[]/.test(dir)) {
    warnings.push(
      `${where.file}:${where.line}: Include ${arg}: wildcards in directory names are not expanded; not included`,
    );
    return [];
  }
  if (!/[*?]/.test(base)) return existsSync(full) ? [full] : [];
  if (!existsSync(dir)) return [];
  const pattern = new RegExp(
    `^${base
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return readdirSync(dir)
    .filter((f) => pattern.test(f) && statSync(path.join(dir, f)).isFile())
    .sort()
    .map((f) => path.join(dir, f));
}

function matchCriteria(values: string[], where: ConfigWhere, warnings: string[]): ConfigMatch['criteria'] {
  const out: NonNullable<ConfigMatch['criteria']> = [];
  for (let i = 0; i < values.length; i++) {
    const word = values[i] as string;
    const negate = word.startsWith('!');
    const name = word.replace(/^!/, '').toLowerCase();
    if (!MATCH_CRITERIA.has(name)) {
      warnings.push(
        `${where.file}:${where.line}: Match ${name} is not evaluated by waptops; the options of this Match block are not applied`,
      );
      return null;
    }
    out.push({ negate, name, patterns: name === 'all' ? '*' : (values[++i] ?? '') });
  }
  return out;
}

function entriesOf(
  lines: Line[],
  file: string,
  positions: { keyword: string; line: number }[],
  warnings: string[],
  depth: number,
): ConfigEntry[] {
  const out: ConfigEntry[] = [];
  for (const line of lines) {
    if (line.type !== LineType.DIRECTIVE) continue;
    const key = line.param.toLowerCase();
    const at = positions.findIndex((p) => p.keyword === key);
    const where = { file, line: positions[at]?.line ?? 0 };
    positions.splice(0, at + 1);
    const values = valuesOf(line.value);
    if (key === 'host') out.push({ kind: 'host', patterns: values, ...where });
    else if (key === 'match')
      out.push({ kind: 'match', criteria: matchCriteria(values, where, warnings), ...where });
    else if (key === 'include') {
      if (depth >= MAX_INCLUDE_DEPTH) {
        throw new ValidationError([
          {
            pos: { ...where, col: 1 },
            path: 'Include',
            message: `more than ${MAX_INCLUDE_DEPTH} nested Includes`,
          },
        ]);
      }
      const files = values.flatMap((v) => includedFiles(v, where, warnings));
      out.push({
        kind: 'include',
        entries: files.flatMap((f) => readEntries(f, warnings, depth + 1)),
        ...where,
      });
    } else out.push({ kind: 'option', key, values, ...where });
    if ('config' in line) out.push(...entriesOf(line.config, file, positions, warnings, depth));
  }
  return out;
}

function readEntries(file: string, warnings: string[], depth: number): ConfigEntry[] {
  return parseEntries(file, readFileSync(file, 'utf8'), warnings, depth);
}

function parseEntries(file: string, text: string, warnings: string[], depth: number): ConfigEntry[] {
  let parsed: SSHConfig;
  try {
    parsed = SSHConfig.parse(text);
  } catch (e) {
    throw new ValidationError([{ pos: { file, line: 1, col: 1 }, path: '', message: (e as Error).message }]);
  }
  return entriesOf(parsed, file, directiveLines(text), warnings, depth);
}

/** Parses ssh config text (Includes read from disk as OpenSSH reads them). */
export function parseSshConfig(file: string, text: string): SshConfigFile {
  const warnings: string[] = [];
  return { file, entries: parseEntries(file, text, warnings, 0), warnings };
}

/** Reads an ssh config file. */
export function readSshConfig(file: string): SshConfigFile {
  return parseSshConfig(file, readFileSync(file, 'utf8'));
}
