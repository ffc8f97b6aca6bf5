// `waptops help RUNBOOK` and `waptops run RUNBOOK --help`: what a runbook does, its params, its make target
// and a command line to start from.
import type { ParamSpec, Playbook } from '../engine/model.js';
import { MAKE_TARGETS, type MakeTarget } from './make-targets.js';

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** JSON Schema keywords help spells out under a param, each in words. */
const CONSTRAINTS: Record<string, (v: unknown) => string> = {
  enum: (v) => `one of: ${(v as unknown[]).map(show).join(', ')}`,
  pattern: (v) => `pattern: ${show(v)}`,
  minimum: (v) => `at least ${show(v)}`,
  maximum: (v) => `at most ${show(v)}`,
  minLength: (v) => `at least ${show(v)} character(s)`,
  maxLength: (v) => `at most ${show(v)} character(s)`,
};

/** `text` in lines of at most `width` characters (a longer word stays whole), each after `indent`. */
function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, indent + line];
}

/** Whether a run must give the param (no default, not optional, not one of a group). */
export function isRequiredParam(spec: ParamSpec): boolean {
  return spec.default === undefined && spec.required !== false && !spec.one_of;
}

function paramLines(name: string, spec: ParamSpec): string[] {
  const facts = [spec.type ?? 'any'];
  if (spec.default !== undefined) facts.push(`default ${JSON.stringify(spec.default)}`);
  else if (isRequiredParam(spec)) facts.push('required');
  else if (spec.one_of) facts.push(`one of the '${spec.one_of}' group is required`);
  else facts.push('optional');
  if (spec.secret) facts.push('secret (never from -e)');
  if (spec.env) facts.push(`env ${spec.env}`);
  const lines = [`  ${name}  ${facts.join(', ')}`];
  if (spec.description) lines.push(`      ${spec.description}`);
  for (const [keyword, say] of Object.entries(CONSTRAINTS))
    if (spec[keyword] !== undefined) lines.push(`      ${say(spec[keyword])}`);
  return lines;
}

function makeLines(name: string, t: MakeTarget | undefined): string[] {
  if (!t) return ['  none (run it with waptops run)'];
  const host = t.limit.includes('HOSTS') ? 'HOSTS=...' : 'HOST=...';
  const vars = Object.keys(t.params).map((v) => `${v}=...`);
  const lines = [`  make ${t.target} ${[host, ...vars].join(' ')} [ARGS='--check ...']`];
  const map = [
    t.command ? `HOST -> waptops ${t.command} HOST` : `${t.limit.join(' or ')} -> --limit`,
    ...Object.entries(t.params).map(([v, p]) => `${v} -> -e ${p}=...`),
    'ARGS -> more options, split into words',
  ];
  lines.push(`  ${map.join(', ')}`);
  if (t.hostRequired) lines.push('  HOST is required');
  if (t.note) lines.push(`  ${t.note}`);
  if (!t.command) lines.push(`  equivalent: waptops run ${name} ...`);
  return lines;
}

/** A command line for the runbook: its required params (one of each group) as placeholders, with --check (doctor: its command). */
export function exampleCommand(p: Playbook): string {
  const t = MAKE_TARGETS[p.name];
  const placeholder = (param: string) =>
    Object.entries(t?.params ?? {}).find(([, to]) => to === param)?.[0] ?? param.toUpperCase();
  const groups = new Set<string>();
  if (t?.command) return `waptops ${t.command} HOST`;
  const words = [`waptops run ${p.name}`, '--limit HOST'];
  for (const [name, spec] of Object.entries(p.params)) {
    const groupFirst = spec.one_of !== undefined && !groups.has(spec.one_of);
    if (spec.one_of) groups.add(spec.one_of);
    if (!isRequiredParam(spec) && !groupFirst) continue;
    const value = Array.isArray(spec.enum) ? show(spec.enum[0]) : placeholder(name);
    if (spec.secret) words.push(spec.env ? '' : `--secret-file ${name}=FILE`);
    else words.push(`-e ${name}=${value}`);
  }
  words.push('--check');
  return words.filter(Boolean).join(' ');
}

/** The help text of one runbook. */
export function runbookHelp(p: Playbook): string {
  const traits = [`hosts: ${p.hosts}`];
  if (p.confirm) traits.push('asks to confirm (--yes off a terminal)');
  if (p.transaction) traits.push('transaction: a failure rolls back its changes');
  const params = Object.entries(p.params);
  const secrets = params.filter(([, s]) => s.secret).map(([n, s]) => (s.env ? `${n} from ${s.env}` : n));
  return [
    ...wrap(`${p.name}: ${p.description}`, 100, ''),
    `  ${traits.join('; ')}`,
    '',
    'Params (-e name=value; secrets from their env variable, --secret-file name=FILE or a prompt):',
    ...(params.length > 0 ? params.flatMap(([n, s]) => paramLines(n, s)) : ['  none']),
    '',
    'Make target:',
    ...makeLines(p.name, MAKE_TARGETS[p.name]),
    '',
    `Example${secrets.length > 0 ? ` (${secrets.join(', ')})` : ''}:`,
    `  ${exampleCommand(p)}`,
    '',
  ].join('\n');
}
