// `waptops validate`: checks playbooks and inventories and reports every problem at once.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { formatProblem, type Problem, ValidationError } from '../core/errors.js';
import { isIniInventory, loadInventory } from '../engine/load/load-inventory.js';
import { loadPlaybook } from '../engine/load/load-playbook.js';
import { OS_VARS_FILE, readOsVars } from '../engine/load/os-vars.js';
import { sshConfigOption } from './inventory.js';
import { playbooksDir } from './paths.js';

function defaultFiles(): string[] {
  const files = (dir: string, pattern: RegExp) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => pattern.test(f))
          .sort()
          .map((f) => path.join(dir, f))
      : [];
  const playbooks = path.relative(process.cwd(), playbooksDir()) || 'playbooks';
  return [...files(playbooks, /\.ya?ml$/), ...files('inventory', /\.(ya?ml|ini)$/)];
}

/** True when a file is an inventory: it lives in an `inventory` directory, or it is an Ansible INI file. */
export function isInventoryFile(file: string): boolean {
  return path.basename(path.dirname(path.resolve(file))) === 'inventory' || isIniInventory(file);
}

/** Validates the given files (default: all playbooks and inventories); exits 1 on any problem. */
export function validateCommand(files: string[], opts: { sshConfig?: string } = {}): void {
  const targets = files.length > 0 ? files : defaultFiles();
  const sshConfig = targets.some(isInventoryFile) ? sshConfigOption(opts.sshConfig) : undefined;
  const problems: Problem[] = [];
  for (const file of targets) {
    try {
      if (isInventoryFile(file)) loadInventory(file, { sshConfig });
      else if (path.basename(file) === OS_VARS_FILE) readOsVars(file);
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
