// `waptops list`: the playbooks a person can run, with their description and params.
import { loadPlaybook } from '../engine/load/load-playbook.js';
import type { ParamSpec, Playbook } from '../engine/model.js';
import { playbookFiles } from './paths.js';

function describeParam(name: string, spec: ParamSpec, required: boolean): string {
  const bits = [spec.type ?? 'any'];
  if (spec.default !== undefined) bits.push(`default ${JSON.stringify(spec.default)}`);
  else if (required) bits.push('required');
  if (spec.secret) bits.push(`secret${spec.env ? `, env ${spec.env}` : ''}`);
  return `${name} (${bits.join(', ')})${spec.description ? `: ${spec.description}` : ''}`;
}

function requiredParams(p: Playbook): Set<string> {
  return new Set(
    Object.entries(p.params)
      .filter(([, s]) => s.default === undefined && s.required !== false)
      .map(([n]) => n),
  );
}

/** Loads the playbook each name reaches (validating each), sorted by name. */
export function allPlaybooks(): Playbook[] {
  return [...playbookFiles().values()].map((f) => loadPlaybook(f));
}

/** Prints the playbooks, as text or JSON. */
export function listCommand(opts: { json?: boolean }): void {
  const books = allPlaybooks();
  if (opts.json) {
    const out = books.map((b) => ({
      name: b.name,
      file: b.file,
      description: b.description,
      hosts: b.hosts,
      confirm: b.confirm,
      params: b.params,
    }));
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  for (const b of books) {
    process.stdout.write(`${b.name}${b.confirm ? '  [asks to confirm]' : ''}\n  ${b.description}\n`);
    const req = requiredParams(b);
    for (const [name, spec] of Object.entries(b.params))
      process.stdout.write(`    ${describeParam(name, spec, req.has(name))}\n`);
  }
}
