// group_vars/ and host_vars/ beside an Ansible inventory: NAME, NAME.yml, NAME.yaml, NAME.json, or every file of NAME/.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Problem } from '../../core/errors.js';
import { readYamlFile } from '../schema/yaml-limits.js';
import { parseYamlSource, positionOf, sourceData } from '../schema/yaml-source.js';
import type { VarMap } from './ansible-vars.js';
import { vaultProblems, yamlVars } from './ansible-yaml.js';

const EXTENSIONS = ['', '.yml', '.yaml', '.json'];

/** The files that hold the variables of `name` in `dir` (group_vars or host_vars), in the order Ansible reads them. */
function varFiles(dir: string, name: string): string[] {
  const out: string[] = [];
  for (const ext of EXTENSIONS) {
    const file = path.join(dir, `${name}${ext}`);
    if (!existsSync(file)) continue;
    if (statSync(file).isFile()) out.push(file);
    else if (ext === '' && statSync(file).isDirectory()) out.push(...filesUnder(file));
  }
  return out;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => !f.startsWith('.') && !f.endsWith('~'))
    .sort()
    .flatMap((f) => {
      const full = path.join(dir, f);
      if (statSync(full).isDirectory()) return filesUnder(full);
      return EXTENSIONS.includes(path.extname(f)) ? [full] : [];
    });
}

/** The variables of one vars file, each at its key's position; problems for a vault or a file that is not a mapping. */
function readVarFile(file: string, problems: Problem[]): VarMap {
  const text = readYamlFile(file, 'variables');
  if (text.startsWith('$ANSIBLE_VAULT;')) {
    problems.push({
      pos: { file, line: 1, col: 1 },
      path: '',
      message:
        'an Ansible Vault encrypted file: waptops cannot decrypt vault; give secrets as playbook secret params',
    });
    return new Map();
  }
  const src = parseYamlSource(file, text);
  problems.push(...vaultProblems(src));
  const data = sourceData(src);
  if (data === null || data === undefined) return new Map();
  if (typeof data !== 'object' || Array.isArray(data)) {
    problems.push({
      pos: positionOf(src, []),
      path: '',
      message: 'a vars file must be a mapping of variables',
    });
    return new Map();
  }
  return yamlVars(src, data as Record<string, unknown>, []);
}

/** The variables group_vars/ or host_vars/ (`kind`) beside `inventoryFile` give `name`, the later files winning. */
export function fileVars(
  inventoryFile: string,
  kind: 'group_vars' | 'host_vars',
  name: string,
  problems: Problem[],
): VarMap {
  const out: VarMap = new Map();
  for (const file of varFiles(path.join(path.dirname(inventoryFile), kind), name)) {
    for (const [k, v] of readVarFile(file, problems)) out.set(k, v);
  }
  return out;
}
