// Where waptops finds its own files, playbooks and the default inventory.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WaptopsError } from '../core/errors.js';
import { OS_VARS_FILE } from '../engine/load/os-vars-file.js';

/** The repository (package) root: two levels above scripts/cli, also from dist/. */
export const projectRoot = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
})();

/** The version in package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string })
    .version;
}

/** The playbooks directory: ./playbooks when present, else the package's own. */
export function playbooksDir(): string {
  const local = path.resolve('playbooks');
  return existsSync(local) ? local : path.join(projectRoot, 'playbooks');
}

/** The runbook names in the playbooks directory, sorted, without reading the files. */
export function runbookNames(): string[] {
  return readdirSync(playbooksDir())
    .filter((f) => f.endsWith('.yml') && f !== OS_VARS_FILE)
    .map((f) => f.slice(0, -'.yml'.length))
    .sort();
}

/** A playbook argument (a name in playbooks/ or a path) to a file path. */
export function playbookPath(arg: string): string {
  if (arg.includes('/') || arg.endsWith('.yml') || arg.endsWith('.yaml')) {
    if (!existsSync(arg)) throw new WaptopsError(`playbook file not found: ${arg}`);
    return arg;
  }
  const file = path.join(playbooksDir(), `${arg}.yml`);
  if (!existsSync(file)) {
    throw new WaptopsError(`unknown playbook '${arg}'`, 'run `waptops list` to see the playbooks');
  }
  return path.relative(process.cwd(), file) || file;
}

/** The inventory to use: -i, else inventory/lab.yml when it exists, else inventory/hosts.yml. */
export function inventoryPath(arg: string | undefined): string {
  const candidates = arg ? [arg] : ['inventory/lab.yml', 'inventory/hosts.yml'];
  const found = candidates.find((c) => existsSync(c));
  if (!found) {
    throw new WaptopsError(
      arg
        ? `inventory file not found: ${arg}`
        : 'no inventory: neither inventory/lab.yml nor inventory/hosts.yml exists',
      arg ? undefined : 'pass -i FILE, copy inventory/example.yml to inventory/hosts.yml, or run make lab-up',
    );
  }
  return found;
}
