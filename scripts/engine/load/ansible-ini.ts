// An Ansible INI inventory read into groups, hosts and variables, each at its file:line:col.
import type { SourcePosition } from '../../core/errors.js';
import { type AnsibleSource, newGroup, type VarMap } from './ansible-vars.js';
import { expandHostRange } from './host-ranges.js';
import { shellWordsAt } from './shell-words.js';

/** A value written inline on a host line, read as Ansible reads Python literals (numbers, True/False, None). */
function inlineValue(text: string): unknown {
  if (/^-?\d+$/.test(text)) return Number(text);
  if (/^-?\d+\.\d+$/.test(text)) return Number(text);
  if (text === 'True') return true;
  if (text === 'False') return false;
  if (text === 'None') return null;
  return text;
}

/** A value of a `[group:vars]` line: a string, without the quotes around it. */
function sectionValue(text: string): string {
  const m = /^(["'])(.*)\1$/.exec(text);
  return m ? (m[2] as string) : text;
}

const isVault = (v: unknown) => typeof v === 'string' && v.startsWith('$ANSIBLE_VAULT;');

/** Parses the text of an INI inventory. Hosts before any section are `ungrouped`; every group is a child of `all`. */
export function parseAnsibleIni(file: string, text: string): AnsibleSource {
  const src: AnsibleSource = { file, hosts: new Map(), groups: new Map(), problems: [] };
  const group = (name: string) => {
    let g = src.groups.get(name);
    if (!g) {
      g = newGroup();
      src.groups.set(name, g);
    }
    return g;
  };
  group('all');
  group('ungrouped');
  const problem = (pos: SourcePosition, message: string, path = '') =>
    src.problems.push({ pos, path, message });
  let section = 'ungrouped';
  let kind: 'hosts' | 'vars' | 'children' = 'hosts';
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    const col = raw.length - raw.trimStart().length + 1;
    const at = (offset = 0): SourcePosition => ({ file, line: i + 1, col: col + offset });
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([^\]:]+)(?::([^\]]*))?\]\s*(?:[#;].*)?$/.exec(line);
    if (header) {
      section = (header[1] as string).trim();
      const modifier = header[2];
      if (modifier === undefined) kind = 'hosts';
      else if (modifier === 'vars' || modifier === 'children') kind = modifier;
      else problem(at(), `unknown section kind ':${modifier}' (expected :vars or :children)`);
      group(section);
      continue;
    }
    if (line.startsWith('[')) {
      problem(at(), 'a section header must be [group], [group:vars] or [group:children]');
      continue;
    }
    if (kind === 'vars') {
      const eq = line.indexOf('=');
      if (eq <= 0) {
        problem(at(), `expected name=value in [${section}:vars]`);
        continue;
      }
      const name = line.slice(0, eq).trim();
      const value = sectionValue(line.slice(eq + 1).trim());
      group(section).vars.set(name, { value, pos: at(), vault: isVault(value) });
    } else if (kind === 'children') {
      const child = line.split(/\s+/)[0] as string;
      group(section).children.push(child);
      group(child);
    } else hostLine(src, line, at, group(section).hosts, problem);
  }
  for (const name of src.groups.keys()) if (name !== 'all') group('all').children.push(name);
  return src;
}

/** One host line: a name (or range) with an optional `:port`, then inline `name=value` variables. */
function hostLine(
  src: AnsibleSource,
  line: string,
  at: (offset?: number) => SourcePosition,
  members: string[],
  problem: (pos: SourcePosition, message: string, path?: string) => void,
): void {
  const words = shellWordsAt(line, true);
  if (!words || words.length === 0) {
    if (!words) problem(at(), 'unbalanced quotes');
    return;
  }
  const [first, ...rest] = words as [{ word: string; at: number }, ...{ word: string; at: number }[]];
  const vars: VarMap = new Map();
  let pattern = first.word;
  const port = /^([^:]+):(\d+)$/.exec(pattern);
  if (port) {
    pattern = port[1] as string;
    vars.set('ansible_port', { value: Number(port[2]), pos: at(first.at) });
  }
  for (const { word, at: offset } of rest) {
    const eq = word.indexOf('=');
    if (eq <= 0) {
      problem(at(offset), 'expected name=value after the host name');
      continue;
    }
    const value = inlineValue(word.slice(eq + 1));
    vars.set(word.slice(0, eq), { value, pos: at(offset), vault: isVault(value) });
  }
  const expanded = expandHostRange(pattern);
  if ('error' in expanded) {
    problem(at(first.at), expanded.error);
    return;
  }
  for (const name of expanded.names) {
    const host = src.hosts.get(name) ?? { vars: new Map(), pos: at(first.at) };
    for (const [k, v] of vars) host.vars.set(k, v);
    src.hosts.set(name, host);
    if (!members.includes(name)) members.push(name);
  }
}
