// `waptops validate`: checks playbooks and inventories and reports every problem at once.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { formatProblem, type Problem, ValidationError } from '../core/errors.js';
import { isIniInventory, loadInventory } from '../engine/load/load-inventory.js';
import { loadPlaybook } from '../engine/load/load-playbook.js';
import { OS_VARS_FILE, readOsVars } from '../engine/load/os-vars.js';
import { sshConfigOption } from './inventory.js';
import { configDir, playbookDirs, playbookFiles, shownPath } from './paths.js';

type Kind = 'inventory' | 'os-vars' | 'playbook';

/** True when a file is an inventory: it lives in an `inventory` directory, or it is an Ansible INI file. */
export function isInventoryFile(file: string): boolean {
  return path.basename(path.dirname(path.resolve(file))) === 'inventory' || isIniInventory(file);
}

function kindOf(file: string): Kind {
  if (isInventoryFile(file)) return 'inventory';
  return path.basename(file) === OS_VARS_FILE ? 'os-vars' : 'playbook';
}

/** What runs without arguments: each playbook directory's os-vars.yml, the playbook each name reaches,
 * inventory/*.yml and *.ini, and the inventory in the configuration directory. */
function defaultTargets(): [string, Kind][] {
  const existing = (files: string[]) => files.filter((f) => existsSync(f));
  const inventories = existsSync('inventory')
    ? readdirSync('inventory')
        .filter((f) => /\.(ya?ml|ini)$/.test(f))
        .sort()
        .map((f) => path.join('inventory', f))
    : [];
  return [
    ...existing(playbookDirs().map((d) => shownPath(path.join(d, OS_VARS_FILE)))).map((f): [string, Kind] => [
      f,
      'os-vars',
    ]),
    ...[...playbookFiles().values()].map((f): [string, Kind] => [f, 'playbook']),
    ...existing([...inventories, shownPath(path.join(configDir(), 'hosts.yml'))]).map((f): [string, Kind] => [
      f,
      'inventory',
    ]),
  ];
}

/** Validates the given files (default: defaultTargets()); exits 1 on any problem. */
export function validateCommand(files: string[], opts: { sshConfig?: string } = {}): void {
  const targets = files.length > 0 ? files.map((f): [string, Kind] => [f, kindOf(f)]) : defaultTargets();
  const sshConfig = targets.some(([, kind]) => kind === 'inventory')
    ? sshConfigOption(opts.sshConfig)
    : undefined;
  const problems: Problem[] = [];
  for (const [file, kind] of targets) {
    try {
      if (kind === 'inventory') loadInventory(file, { sshConfig });
      else if (kind === 'os-vars') readOsVars(file);
      else loadPlaybook(file);
      process.stdout.write(`ok  ${file}\n`);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      // A bad os-vars.yml is named once, not again by each playbook beside it.
      const seen = new Set(problems.map(formatProblem));
      problems.push(...e.problems.filter((p) => !seen.has(formatProblem(p))));
    }
  }
  if (problems.length > 0) throw new ValidationError(problems);
}
